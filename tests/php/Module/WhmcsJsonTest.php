<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use PHPUnit\Framework\TestCase;

/**
 * modules-servers-meshcentral/whmcs.json against WHMCS's documented fields (developer docs, "JSON File"): schema 1.0,
 * type whmcs-servers, the module's name, description with name/tagline/long/features, a logo file inside the module
 * (a PNG at most 500 pixels wide), support links and authors. Also that the release zip ships both.
 */
final class WhmcsJsonTest extends TestCase
{
    private const DOCUMENTED = ['schema', 'type', 'name', 'license', 'category', 'description', 'logo', 'support', 'authors'];

    private static function moduleDir(): string
    {
        return dirname(__DIR__, 3) . '/modules-servers-meshcentral';
    }

    /** @return array<string, mixed> */
    private static function json(): array
    {
        $data = json_decode((string) file_get_contents(self::moduleDir() . '/whmcs.json'), true, 16, JSON_THROW_ON_ERROR);
        self::assertIsArray($data);
        return $data;
    }

    public function testOnlyDocumentedFieldsWithTheRightValues(): void
    {
        $j = self::json();
        self::assertSame([], array_values(array_diff(array_keys($j), self::DOCUMENTED)), 'only fields WHMCS documents');
        self::assertSame('1.0', $j['schema']);
        self::assertSame('whmcs-servers', $j['type']);
        self::assertSame('meshcentral', $j['name'], 'the module directory and file name');
        self::assertFileExists(self::moduleDir() . '/' . $j['name'] . '.php');
        foreach (['license', 'category'] as $k) {
            self::assertIsString($j[$k]);
            self::assertNotSame('', $j[$k]);
        }
        $d = $j['description'];
        self::assertSame([], array_values(array_diff(array_keys($d), ['name', 'tagline', 'long', 'features'])));
        foreach (['name', 'tagline', 'long'] as $k) {
            self::assertIsString($d[$k] ?? null, "description.$k");
            self::assertNotSame('', trim($d[$k]), "description.$k");
        }
        self::assertLessThanOrEqual(200, strlen($d['tagline']), 'a short summary');
        self::assertTrue(is_array($d['features']) && array_is_list($d['features']));
        self::assertGreaterThanOrEqual(5, count($d['features']));
        foreach ($d['features'] as $f) {
            self::assertIsString($f);
            self::assertNotSame('', trim($f));
        }
        self::assertSame(count($d['features']), count(array_unique($d['features'])));

        self::assertSame([], array_values(array_diff(array_keys($j['support']), ['homepage', 'learn_more', 'email', 'support_url', 'docs_url'])));
        foreach ($j['support'] as $k => $v) {
            self::assertIsString($v, "support.$k");
            if ($v !== '' && $k !== 'email') {
                self::assertMatchesRegularExpression('~^https://~', $v, "support.$k is an https URL");
            }
        }
        self::assertTrue(is_array($j['authors']) && array_is_list($j['authors']));
        self::assertNotEmpty($j['authors']);
        foreach ($j['authors'] as $a) {
            self::assertSame([], array_values(array_diff(array_keys($a), ['name', 'homepage'])));
            self::assertNotSame('', trim((string) ($a['name'] ?? '')));
        }
    }

    public function testTheLogoIsAPngInsideTheModuleAtMost500PixelsWide(): void
    {
        $logo = self::json()['logo'];
        self::assertSame(['filename'], array_keys($logo));
        $name = $logo['filename'];
        self::assertMatchesRegularExpression('/^[A-Za-z0-9_.-]+\.png$/', $name, 'a file in the module directory');
        $file = self::moduleDir() . '/' . $name;
        self::assertFileExists($file);
        $size = getimagesize($file);
        self::assertIsArray($size);
        self::assertSame(IMAGETYPE_PNG, $size[2]);
        self::assertLessThanOrEqual(500, $size[0], 'WHMCS: at most 500 pixels wide');
        self::assertGreaterThanOrEqual(200, $size[0], 'sharp enough to show');
        // The source it is rendered from ships beside it.
        self::assertFileExists(self::moduleDir() . '/logo.svg');
        $svg = simplexml_load_file(self::moduleDir() . '/logo.svg');
        self::assertNotFalse($svg, 'logo.svg is well-formed');
    }

    public function testTheReleaseZipShipsWhmcsJsonAndTheLogo(): void
    {
        $zips = glob(dirname(__DIR__, 3) . '/dist/meshcentral-whmcs-*.zip') ?: [];
        if ($zips === []) {
            self::markTestSkipped('no release zip: run scripts/build-release.sh');
        }
        $zip = new \ZipArchive();
        self::assertTrue($zip->open($zips[0]));
        foreach (['whmcs.json', 'logo.png', 'logo.svg', 'hooks.php'] as $f) {
            self::assertNotFalse($zip->locateName('modules/servers/meshcentral/' . $f), $f);
        }
        $zip->close();
    }
}
