<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Support;

use WHMCS\Database\Capsule;

/**
 * The module's own texts: lang/<language>.php (keys prefixed `meshcentral_`), named as WHMCS names its client-area
 * language files (english, german, french, spanish, dutch, italian, portuguese-br, ...). A language without a file
 * is English; a key missing from a file falls back to the English text (the shipped files hold every key, which
 * tests/php/Module/LangFilesTest.php checks).
 */
final class Lang
{
    public const DEFAULT = 'english';

    /** @var array<string, array<string, string>> */
    private static array $loaded = [];

    /**
     * The language of the person who will read the text (WHMCS passes no single field for it):
     * 1. on a client-area page (CLIENTAREA defined), the language the visitor is using: WHMCS keeps it in the session
     *    as `$_SESSION['Language']` (set at login from the client's profile and by the language chooser);
     * 2. the client's own language, `$params['clientsdetails']['language']` ('' means "the system default");
     * 3. the system default, the `Language` setting of tblconfiguration (`WHMCS\Config\Setting::getValue`);
     * 4. English.
     * A name this module ships no file for counts as English.
     *
     * @param array<string, mixed> $params WHMCS's module params ([] where WHMCS passes none)
     */
    public static function active(array $params = []): string
    {
        $candidates = [];
        if (defined('CLIENTAREA') && isset($_SESSION) && is_array($_SESSION)) {
            $candidates[] = $_SESSION['Language'] ?? null;
        }
        $client = $params['clientsdetails'] ?? null;
        $candidates[] = is_array($client) ? ($client['language'] ?? null) : null;
        $candidates[] = self::systemDefault();
        foreach ($candidates as $candidate) {
            $name = is_string($candidate) ? self::normalize($candidate) : '';
            if ($name !== '') {
                return self::has($name) ? $name : self::DEFAULT;
            }
        }
        return self::DEFAULT;
    }

    /** True when the module ships lang/<language>.php. */
    public static function has(string $language): bool
    {
        $name = self::normalize($language);
        return $name !== '' && is_file(self::path($name));
    }

    /** @return list<string> the languages the module ships, by WHMCS file name */
    public static function available(): array
    {
        $names = array_map(static fn (string $f): string => basename($f, '.php'), glob(self::dir() . '/*.php') ?: []);
        sort($names);
        return $names;
    }

    /** @return array<string, string> */
    public static function texts(string $language = self::DEFAULT): array
    {
        $language = self::normalize($language);
        if ($language === '' || !self::has($language)) {
            $language = self::DEFAULT;
        }
        if (!isset(self::$loaded[$language])) {
            $english = self::file(self::DEFAULT);
            self::$loaded[$language] = $language === self::DEFAULT ? $english : self::file($language) + $english;
        }
        return self::$loaded[$language];
    }

    public static function get(string $key, string $language = self::DEFAULT): string
    {
        return self::texts($language)['meshcentral_' . $key] ?? $key;
    }

    /** @return array<string, string> the texts of one file exactly as written (for tests and translators) */
    public static function file(string $language): array
    {
        $language = self::normalize($language);
        $path = self::path($language);
        if ($language === '' || !is_file($path)) {
            return [];
        }
        $_LANG = [];
        include $path;
        return array_map('strval', $_LANG);
    }

    /** WHMCS's language names are lower-case file names ("portuguese-br"); anything else is not a language. */
    private static function normalize(string $language): string
    {
        $name = strtolower(trim($language));
        return preg_match('/^[a-z][a-z0-9_-]{0,31}$/', $name) === 1 ? $name : '';
    }

    private static function systemDefault(): string
    {
        try {
            if (class_exists(\WHMCS\Config\Setting::class)) {
                return (string) \WHMCS\Config\Setting::getValue('Language');
            }
            return (string) Capsule::table('tblconfiguration')->where('setting', 'Language')->value('value');
        } catch (\Throwable) {
            // No database (a unit test) or no such row: English.
            return '';
        }
    }

    private static function dir(): string
    {
        return dirname(__DIR__, 2) . '/lang';
    }

    private static function path(string $language): string
    {
        return self::dir() . '/' . $language . '.php';
    }
}
