<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use PHPUnit\Framework\TestCase;

/**
 * The module's language files (modules-servers-meshcentral/lang/): the languages shipped under WHMCS's client-area
 * file names, every key of english.php in every file and nothing else, the same placeholders, and no empty text.
 * Read as plain files (no module class is loaded).
 */
final class LangFilesTest extends TestCase
{
    private const LANGUAGES = ['english', 'german', 'french', 'spanish', 'dutch', 'italian', 'portuguese-br'];

    private static function dir(): string
    {
        return dirname(__DIR__, 3) . '/modules-servers-meshcentral/lang';
    }

    /** @return array<string, string> */
    private static function texts(string $language): array
    {
        $file = self::dir() . '/' . $language . '.php';
        self::assertFileExists($file);
        return (static function (string $file): array {
            $_LANG = [];
            include $file;
            return $_LANG;
        })($file);
    }

    /** @return list<string> %s, %d, %1$s, {name}, :name placeholders, sorted */
    private static function placeholders(string $text): array
    {
        preg_match_all('/%(?:\d+\$)?[sdfu]|\{[a-z_]+\}|(?<![\w:]):[a-z_]+\b/', $text, $m);
        $found = $m[0];
        sort($found);
        return $found;
    }

    public function testTheShippedLanguagesAreExactlyWhmcsFileNames(): void
    {
        $files = array_map(static fn (string $f): string => basename($f, '.php'), glob(self::dir() . '/*.php') ?: []);
        sort($files);
        $expected = self::LANGUAGES;
        sort($expected);
        self::assertSame($expected, $files);
    }

    /** @return iterable<string, array{string}> */
    public static function translations(): iterable
    {
        foreach (self::LANGUAGES as $language) {
            if ($language !== 'english') {
                yield $language => [$language];
            }
        }
    }

    /** @dataProvider translations */
    public function testEveryKeyIsTranslatedWithTheSamePlaceholders(string $language): void
    {
        $english = self::texts('english');
        $texts = self::texts($language);
        self::assertSame([], array_values(array_diff(array_keys($english), array_keys($texts))), "keys missing from $language.php");
        self::assertSame([], array_values(array_diff(array_keys($texts), array_keys($english))), "keys in $language.php that english.php does not have");
        foreach ($english as $key => $text) {
            self::assertIsString($texts[$key]);
            self::assertNotSame('', trim($texts[$key]), "$language.php: $key is empty");
            self::assertSame(self::placeholders($text), self::placeholders($texts[$key]), "$language.php: $key has other placeholders than English");
            self::assertTrue(mb_check_encoding($texts[$key], 'UTF-8'), "$language.php: $key is not UTF-8");
        }
        // Texts a reader sees in full sentences are really translated (short labels like "Online" or "Status" may
        // be the same word).
        foreach (['open_help', 'no_devices', 'error_generic', 'error_sso', 'error_password', 'error_invite', 'not_ready', 'suspended'] as $key) {
            self::assertNotSame($english['meshcentral_' . $key], $texts['meshcentral_' . $key], "$language.php: $key is still English");
        }
    }

    public function testEveryKeyCarriesTheModulePrefixAndEnglishHasNoEmptyText(): void
    {
        foreach (self::texts('english') as $key => $text) {
            self::assertMatchesRegularExpression('/^meshcentral_[a-z0-9_]+$/', $key);
            self::assertNotSame('', trim($text), $key);
        }
    }

    public function testEveryKeyTheModuleUsesExists(): void
    {
        $english = self::texts('english');
        $code = '';
        $root = dirname(__DIR__, 3) . '/modules-servers-meshcentral';
        $it = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($root, \FilesystemIterator::SKIP_DOTS));
        foreach ($it as $file) {
            if (in_array($file->getExtension(), ['php', 'tpl'], true) && !str_contains($file->getPathname(), '/lang/')) {
                $code .= file_get_contents($file->getPathname());
            }
        }
        // Template keys ($lang.meshcentral_x), Lang::get('x'), usableService('x'), Refusal(..., 'x'), run(..., 'x').
        preg_match_all('/\$lang\.(meshcentral_[a-z0-9_]+)|\$lang\[\'(meshcentral_[a-z0-9_]+)\'\]|Lang::get\(\'([a-z0-9_]+)\'|usableService\(\'([a-z0-9_]+)\'\)|, \'((?:error|not)_[a-z0-9_]+)\'\)/', $code, $m, PREG_SET_ORDER);
        self::assertNotEmpty($m);
        foreach ($m as $match) {
            $key = (string) (array_values(array_filter(array_slice($match, 1), static fn ($v): bool => $v !== ''))[0] ?? '');
            $key = str_starts_with($key, 'meshcentral_') ? $key : 'meshcentral_' . $key;
            self::assertArrayHasKey($key, $english, "the module uses $key");
        }
    }
}
