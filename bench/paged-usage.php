<?php

declare(strict_types=1);

// Usage (the cron's one count per server) over DEVICES devices in GROUPS service groups, on a real MeshCentral
// without `maxDeviceView` (one `nodes` reply holds every device) and with `maxDeviceView` 1000 and 100 (pages): per
// case the `nodes` requests sent, the largest message received, and the median time of the `usage` operation per
// backend. Device records are written into the server's database (tests/support/DeviceRecords), offline.
//
// Usage: php -d opcache.enable_cli=1 bench/paged-usage.php [devices=10000] [groups=20] [runs=5]
require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\ProvisionOptions;
use MeshCentralConnector\Tests\Support\DeviceRecords;
use MeshCentralConnector\Tests\Support\MeshCentralServer;

$devices = max(1, (int) ($argv[1] ?? 10000));
$groups = max(1, (int) ($argv[2] ?? 20));
$runs = max(1, (int) ($argv[3] ?? 5));
$wasm = dirname(__DIR__) . '/build/meshcentral_connector.wasm';
$cache = sys_get_temp_dir() . '/meshconnector-bench-cache';
$backends = ['translated'];
if (extension_loaded('ffi') && (string) getenv('MESHCONNECTOR_LIBWASMER') !== '') {
    array_unshift($backends, 'wasmer');
}

printf("%d devices in %d groups; median of %d usage calls\n", $devices, $groups, $runs);
echo "| maxDeviceView | nodes requests | largest message | " . implode(' | ', $backends) . " |\n";
echo '|---|---:|---:|' . str_repeat('---:|', count($backends)) . "\n";
foreach ([null, 1000, 100] as $maxView) {
    $mc = MeshCentralServer::start($maxView === null ? [] : ['domain' => ['maxDeviceView' => $maxView]]);
    try {
        $settings = static fn (MeshCentralServer $mc): array => [
            'url' => $mc->httpsUrl(), 'username' => $mc->adminUser(), 'password' => $mc->adminPassword(),
            'login_token_key' => $mc->loginTokenKey(), 'tls' => ['ca_file' => $mc->caFile()], 'timeout_ms' => 30000,
        ];
        $setup = Connector::load($wasm, new ConnectorOptions(cacheDir: $cache));
        $ids = [];
        for ($g = 0; $g < $groups; $g++) {
            $ids[] = $setup->provision($settings($mc), ['key' => "bench-usage-$g"], new ProvisionOptions(groupNameTemplate: 'Usage {g}', preset: 'full', vars: ['g' => (string) $g]))['mesh_id'];
        }
        $mc = $mc->restart(static function (string $dir) use ($ids, $devices, $groups): void {
            foreach ($ids as $g => $id) {
                $n = intdiv($devices, $groups) + ($g < $devices % $groups ? 1 : 0);
                DeviceRecords::append($dir, $id, $n, "usage$g", DeviceRecords::linuxAgentShape($id));
            }
        });
        $row = [];
        $requests = 0;
        $largest = 0;
        foreach ($backends as $backend) {
            $sent = 0;
            $hook = static function (string $event, string $payload) use (&$sent, &$largest): void {
                if ($event === 'send' && str_contains($payload, '"action":"nodes"')) {
                    $sent++;
                }
                if ($event === 'recv') {
                    $largest = max($largest, strlen($payload));
                }
            };
            $connector = Connector::load($wasm, new ConnectorOptions(cacheDir: $cache, transportHook: $hook, backend: $backend));
            $times = [];
            for ($i = 0; $i < $runs; $i++) {
                $sent = 0;
                $t = hrtime(true);
                $usage = $connector->usage($settings($mc), $ids);
                $times[] = (hrtime(true) - $t) / 1e6;
                $total = array_sum(array_column($usage, 'devices'));
                if ($total !== $devices) {
                    throw new RuntimeException(sprintf('%s counted %d devices, expected %d', $backend, $total, $devices));
                }
                $requests = $sent;
            }
            sort($times);
            $row[] = sprintf('%.0f ms', $times[intdiv(count($times), 2)]);
        }
        printf("| %s | %d | %.0f KB | %s |\n", $maxView ?? "unset", $requests, $largest / 1e3, implode(" | ", $row));
    } finally {
        $mc->stop();
    }
}
