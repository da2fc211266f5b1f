<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use MeshCentralConnector\WhmcsEmulator\Whmcs;
use RuntimeException;
use ZipArchive;

/**
 * The release zip installed the way an admin installs it (unpacked into the WHMCS root) and the local MeshCentral
 * added as a WHMCS server: shared by the module tests, the demo and the client-area benchmark.
 */
final class ReleaseInstall
{
    /** dist/meshcentral-whmcs-<version>.zip, built by scripts/build-release.sh (scripts/test.sh and demo.sh do). */
    public static function zip(): string
    {
        $zips = glob(dirname(__DIR__, 2) . '/dist/meshcentral-whmcs-*.zip') ?: [];
        if (count($zips) !== 1) {
            throw new RuntimeException('expected exactly one dist/meshcentral-whmcs-*.zip (run scripts/build-release.sh), found ' . count($zips));
        }
        return $zips[0];
    }

    /** Unpacks the zip into `$root`; returns the module directory (`<root>/modules/servers/meshcentral`). */
    public static function unpackInto(string $root): string
    {
        $zip = new ZipArchive();
        if ($zip->open(self::zip()) !== true || !$zip->extractTo($root)) {
            throw new RuntimeException('cannot unpack ' . self::zip() . " into $root");
        }
        $zip->close();
        return $root . '/modules/servers/meshcentral';
    }

    /**
     * The MeshCentral as a WHMCS server record: the service account, the login token key and the server's CA in the
     * access hash. Returns the server id.
     *
     * @param array<string, mixed> $override columns to replace
     */
    public static function addServer(Whmcs $whmcs, MeshCentralServer $mc, array $override = []): int
    {
        return $whmcs->addServer($override + [
            'name' => 'MeshCentral on 127.0.0.1',
            'type' => 'meshcentral',
            'hostname' => '127.0.0.1',
            'ipaddress' => '127.0.0.1',
            'port' => $mc->port(),
            'secure' => true,
            'username' => $mc->adminUser(),
            'password' => $mc->adminPassword(),
            'accesshash' => $mc->loginTokenKey() . "\nca_file=" . $mc->caFile(),
        ]);
    }
}
