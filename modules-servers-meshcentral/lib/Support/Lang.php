<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Support;

/** The module's own texts: lang/<language>.php (keys prefixed `meshcentral_`), falling back to English. */
final class Lang
{
    /** @var array<string, array<string, string>> */
    private static array $loaded = [];

    /** @return array<string, string> */
    public static function texts(string $language = 'english'): array
    {
        $language = strtolower(preg_replace('/[^A-Za-z_-]/', '', $language) ?: 'english');
        if (!isset(self::$loaded[$language])) {
            $english = self::file('english');
            self::$loaded[$language] = $language === 'english' ? $english : self::file($language) + $english;
        }
        return self::$loaded[$language];
    }

    public static function get(string $key, string $language = 'english'): string
    {
        return self::texts($language)['meshcentral_' . $key] ?? $key;
    }

    /** @return array<string, string> */
    private static function file(string $language): array
    {
        $path = dirname(__DIR__, 2) . '/lang/' . $language . '.php';
        if (!is_file($path)) {
            return [];
        }
        $_LANG = [];
        include $path;
        return array_map('strval', $_LANG);
    }
}
