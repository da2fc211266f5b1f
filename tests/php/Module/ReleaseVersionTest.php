<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\ReleaseInstall;
use PHPUnit\Framework\TestCase;
use ZipArchive;

/**
 * One release version everywhere: the VERSION file of the repository names the zip (scripts/build-release.sh) and is
 * what the zip's VERSION and whmcs.json say; the zip carries the repository's LICENSE. (WHMCS's MetaData has no version field, so the module declares none.)
 */
final class ReleaseVersionTest extends TestCase
{
    public function testVersionFileZipNameModuleVersionAndWhmcsJsonAgree(): void
    {
        $version = trim((string) file_get_contents(dirname(__DIR__, 3) . '/VERSION'));
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+$/', $version);
        self::assertSame('meshcentral-whmcs-' . $version . '.zip', basename(ReleaseInstall::zip()), 'the zip is named by VERSION (rebuild it after a change)');

        $zip = new ZipArchive();
        self::assertTrue($zip->open(ReleaseInstall::zip()));
        $moduleVersion = $zip->getFromName('modules/servers/meshcentral/VERSION');
        $json = $zip->getFromName('modules/servers/meshcentral/whmcs.json');
        $licence = $zip->getFromName('modules/servers/meshcentral/LICENSE');
        $zip->close();
        self::assertSame(file_get_contents(dirname(__DIR__, 3) . '/LICENSE'), $licence, 'the zip carries the LICENSE file');
        self::assertSame($version . "\n", $moduleVersion);
        self::assertIsString($json);
        $meta = json_decode($json, true, 16, JSON_THROW_ON_ERROR);
        self::assertSame($version, $meta['version'] ?? null);
        self::assertSame('whmcs-servers', $meta['type'], 'the rest of whmcs.json is the source file');
        self::assertSame(
            json_decode((string) file_get_contents(dirname(__DIR__, 3) . '/modules-servers-meshcentral/whmcs.json'), true) + ['version' => $version],
            $meta
        );
    }
}
