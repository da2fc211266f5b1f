<?php

declare(strict_types=1);

// meshconnector audit (the JavaScript host: build/js, worker thread + ws) on SERVICES connector services on one real
// MeshCentral 1.1.55, as bench/scale.php builds them: one service provisioned by the core (through the PHP host), the
// others clones of the documents MeshCentral stored for it, written into its database while it is stopped
// (tests/support/ServiceRecords). Then RUNS runs of `js-host/bin/meshconnector audit --json` (a fresh node process
// each: loading the core, TLS, login, the `meshes` and `users` replies, the core's checks, the JSON on stdout), the
// wall time of the process and the core call's own `elapsed_ms`, median / min / max. Every run must find all the
// services and no finding. And for comparison, `list` (server sync: also every page of `nodes`).
//
// Usage: php bench/js-audit.php [services=10000] [runs=5]   (after scripts/build-release.sh and scripts/build-js.sh)
require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Connector;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Support\ServiceRecords;

$services = max(2, (int) ($argv[1] ?? 10000));
$runs = max(1, (int) ($argv[2] ?? 5));
$root = dirname(__DIR__);
$tmp = sys_get_temp_dir() . '/meshconnector-bench-js-' . bin2hex(random_bytes(3));
mkdir($tmp, 0700, true);
$mc = MeshCentralServer::start();
try {
    $server = [
        'url' => $mc->httpsUrl(), 'username' => $mc->adminUser(), 'password' => $mc->adminPassword(),
        'login_token_key' => $mc->loginTokenKey(), 'tls' => ['ca_file' => $mc->caFile()],
    ];
    $libwasmer = (string) getenv('MESHCONNECTOR_LIBWASMER');
    $connector = Connector::load("$root/build/meshcentral_connector.wasm", $libwasmer !== '' ? $libwasmer : null, "$tmp/cache");
    $p = $connector->provision($server, ['key' => 'bench-0'], 'Bench {service_id}', ['service_id' => 0], 'full');
    $userId = 'user//' . $p['username'];
    ServiceRecords::waitForService($mc->dataDir(), $p['mesh_id'], $userId);
    $mc = $mc->restart(static function (string $dir) use ($p, $userId, $services): void {
        ServiceRecords::append($dir, ServiceRecords::template($dir, $p['mesh_id'], $userId), 'bench-', 1_000_000, $services - 1);
    });
    $settings = "$tmp/settings.json";
    file_put_contents($settings, json_encode([
        'hostname' => $mc->httpsUrl(), 'username' => $mc->adminUser(), 'password' => $mc->adminPassword(),
        'accesshash' => $mc->loginTokenKey() . "\nca_file=" . $mc->caFile() . "\ntimeout=300",
        'key_prefix' => 'bench-',
    ], JSON_UNESCAPED_SLASHES));
    chmod($settings, 0600);

    $rows = [];
    foreach (['audit' => 'audit', 'list' => 'list (server sync)'] as $command => $label) {
        $wall = [];
        $core = [];
        for ($i = 0; $i < $runs; $i++) {
            $t0 = hrtime(true);
            $out = (string) shell_exec(sprintf(
                'node %s %s --config %s --json --quiet',
                escapeshellarg("$root/js-host/bin/meshconnector"),
                $command,
                escapeshellarg($settings)
            ));
            $wall[] = (hrtime(true) - $t0) / 1e6;
            $result = json_decode($out, true);
            $count = $command === 'audit' ? count($result['services'] ?? []) : count(is_array($result) ? $result : []);
            if ($count !== $services || ($command === 'audit' && ($result['findings'] ?? null) !== [])) {
                throw new RuntimeException("$command saw $count of $services services: " . substr($out, 0, 2000));
            }
            if ($command === 'audit') {
                $core[] = (float) $result['elapsed_ms'];
            }
        }
        $rows[$label] = ['wall' => $wall, 'core' => $core];
    }
    $stat = static function (array $v): string {
        sort($v);
        return sprintf('%.0f ms (min %.0f, max %.0f)', $v[intdiv(count($v), 2)], $v[0], $v[count($v) - 1]);
    };
    printf("meshconnector on %d services, MeshCentral %s, node %s, %d runs, median:\n", $services, MeshCentralServer::MESHCENTRAL_VERSION, trim((string) shell_exec('node --version')), $runs);
    foreach ($rows as $label => $r) {
        printf("  %-20s process %s%s\n", $label, $stat($r['wall']), $r['core'] !== [] ? '; the call itself ' . $stat($r['core']) : '');
    }
} finally {
    $mc->stop();
    shell_exec('rm -rf ' . escapeshellarg($tmp));
}
