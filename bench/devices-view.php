<?php

declare(strict_types=1);

// The client area's device list on a server shared by many customers: the `devices` operation for one service's
// group of DEVICES devices while ELSEWHERE devices belong to another customer's group, listed as the connector's
// administrator (no view_as) and as the service's own account (view_as, what the module's client area does), per
// backend. Real MeshCentral on 127.0.0.1; the device records (with their `lastconnect` records) are written into its
// database (tests/support/DeviceRecords). Times are per call in one PHP process (code loaded once, opcache on for the
// translated backend): TLS connection, login, `nodes`, `lastconnects` and the core's work.
//
// Usage: php -d opcache.enable_cli=1 bench/devices-view.php [devices=100] [elsewhere=3000] [runs=9]
require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\ProvisionOptions;
use MeshCentralConnector\Tests\Support\DeviceRecords;
use MeshCentralConnector\Tests\Support\MeshCentralServer;

$devices = max(1, (int) ($argv[1] ?? 100));
$elsewhere = max(0, (int) ($argv[2] ?? 3000));
$runs = max(3, (int) ($argv[3] ?? 9));
$wasm = dirname(__DIR__) . '/build/meshcentral_connector.wasm';
$cache = sys_get_temp_dir() . '/meshconnector-bench-cache';

$mc = MeshCentralServer::start();
$settings = static fn (MeshCentralServer $mc): array => [
    'url' => $mc->httpsUrl(), 'username' => $mc->adminUser(), 'password' => $mc->adminPassword(),
    'login_token_key' => $mc->loginTokenKey(), 'tls' => ['ca_file' => $mc->caFile()], 'timeout_ms' => 10000,
];
try {
    $setup = Connector::load($wasm, new ConnectorOptions(cacheDir: $cache));
    $tag = bin2hex(random_bytes(2));
    $mine = $setup->provision($settings($mc), ['key' => "bench-mine-$tag"], new ProvisionOptions(groupNameTemplate: 'Mine {t}', preset: 'full', vars: ['t' => $tag]));
    $others = $setup->provision($settings($mc), ['key' => "bench-others-$tag"], new ProvisionOptions(groupNameTemplate: 'Others {t}', preset: 'full', vars: ['t' => $tag]));
    $mc = $mc->restart(static function (string $dir) use ($mine, $others, $devices, $elsewhere): void {
        DeviceRecords::append($dir, $mine['mesh_id'], $devices, 'mine', DeviceRecords::linuxAgentShape($mine['mesh_id']));
        DeviceRecords::append($dir, $others['mesh_id'], $elsewhere, 'others', DeviceRecords::linuxAgentShape($others['mesh_id']));
    });

    printf("devices of one service: %d; devices of other customers on the server: %d; median of %d calls\n", $devices, $elsewhere, $runs);
    echo "| backend | listed as the administrator | listed as the service's account (view_as) |\n|---|---:|---:|\n";
    $backends = ['translated'];
    if (extension_loaded('ffi') && (string) getenv('MESHCONNECTOR_LIBWASMER') !== '') {
        array_unshift($backends, 'wasmer');
    }
    foreach ($backends as $backend) {
        $connector = Connector::load($wasm, new ConnectorOptions(cacheDir: $cache, backend: $backend));
        $row = [];
        foreach ([null, $mine['username']] as $viewAs) {
            $times = [];
            for ($i = 0; $i < $runs; $i++) {
                $t = hrtime(true);
                $list = $connector->devices($settings($mc), $mine['mesh_id'], $viewAs);
                $times[] = (hrtime(true) - $t) / 1e6;
                if (count($list) !== $devices || count(array_filter(array_column($list, 'last_seen_ms'))) !== $devices) {
                    throw new RuntimeException(sprintf('%s listed %d devices (%d with last seen), expected %d', $backend, count($list), count(array_filter(array_column($list, 'last_seen_ms'))), $devices));
                }
            }
            sort($times);
            $row[] = $times[intdiv(count($times), 2)];
        }
        printf("| %s | %.1f ms | %.1f ms |\n", $backend, $row[0], $row[1]);
    }
} finally {
    $mc->stop();
}
