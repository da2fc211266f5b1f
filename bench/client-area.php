<?php

declare(strict_types=1);

// What a WHMCS client-area page with our module costs, per backend: the installed release module in the emulated
// WHMCS (php -S, one PHP request per page, opcache on as in production), a real MeshCentral on 127.0.0.1, a service
// whose group holds DEVICES devices. Prints per page: the whole request (HTTP, as the browser waits for it), and the
// baseline of the same page without the module's remote call (a suspended service: WHMCS + Smarty + module load, no
// MeshCentral round trip).
//
// The devices: one real agent (when run as root: tests/support/AgentSandbox, loopback-only namespace), online; the
// others are copies of its device record, with their `lastconnect` records, written into MeshCentral's database while
// the server is stopped (tests/support/DeviceRecords), so the `nodes` reply is the real server's for DEVICES
// real-shaped records, all but one offline. Without root there is no agent and the records have the shape meshagent.js
// gives a new device. ELSEWHERE more device records go into another service's group: the other customers on the
// same server.
//
// Usage: php bench/client-area.php [pages=20] [devices=100] [elsewhere=0]
require dirname(__DIR__) . '/tests/php/bootstrap.php';
require dirname(__DIR__) . '/whmcs-emulator/autoload.php';

use MeshCentralConnector\Tests\Support\AgentSandbox;
use MeshCentralConnector\Tests\Support\DeviceRecords;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Support\ReleaseInstall;
use MeshCentralConnector\Tests\Whmcs\HttpClient;
use MeshCentralConnector\WhmcsEmulator\WebServer;
use MeshCentralConnector\WhmcsEmulator\Whmcs;

$pages = max(3, (int) ($argv[1] ?? 20));
$deviceCount = max(1, (int) ($argv[2] ?? 100));
$elsewhere = max(0, (int) ($argv[3] ?? 0));
$mc = MeshCentralServer::start();
$agent = null;
$web = null;
$root = sys_get_temp_dir() . '/meshconnector-bench-whmcs-' . bin2hex(random_bytes(3));
try {
    $whmcs = Whmcs::create($root);
    ReleaseInstall::unpackInto($root);
    $cache = sys_get_temp_dir() . '/meshconnector-bench-cache';
    putenv("MESHCONNECTOR_CACHE_DIR=$cache");
    $server = ReleaseInstall::addServer($whmcs, $mc);
    $product = $whmcs->addProduct(['servertype' => 'meshcentral', 'name' => 'Bench', 'configoption1' => 'full']);
    $client = $whmcs->addClient(['firstname' => 'Bea', 'lastname' => 'Bench', 'email' => 'bea@example.com']);
    $active = $whmcs->addService(['userid' => $client, 'packageid' => $product, 'server' => $server]);
    $idle = $whmcs->addService(['userid' => $client, 'packageid' => $product, 'server' => $server]);
    foreach ([$active, $idle] as $id) {
        if ($whmcs->modules()->create($id) !== 'success') {
            throw new RuntimeException('create failed');
        }
    }
    $whmcs->modules()->suspend($idle);
    $meshId = (string) $whmcs->db()->table('mod_meshcentral_services')->where('service_id', $active)->value('mesh_id');
    if (function_exists('posix_geteuid') && posix_geteuid() === 0) {
        $agent = AgentSandbox::start($mc, $meshId);
    }
    $template = $agent === null ? DeviceRecords::linuxAgentShape($meshId) : DeviceRecords::waitForAgentRecord($mc->dataDir(), $meshId, 30.0);
    $copies = $deviceCount - ($agent === null ? 0 : 1);
    if ($copies > 0 || $elsewhere > 0) {
        $agent?->kill();
        $otherMesh = (string) $whmcs->db()->table('mod_meshcentral_services')->where('service_id', $idle)->value('mesh_id');
        $mc = $mc->restart(static function (string $dir) use ($meshId, $otherMesh, $copies, $elsewhere, $template): void {
            DeviceRecords::append($dir, $meshId, $copies, 'bench', $template);
            DeviceRecords::append($dir, $otherMesh, $elsewhere, 'other', $template);
        });
        $agent?->restart();
    }

    $configs = [
        // php -S is the cli-server SAPI: opcache follows opcache.enable there (enable_cli is for plain CLI only).
        ['wasmer (FFI)', 'wasmer', ['ffi.enable=1', 'opcache.enable=1', 'opcache.jit=off']],
        ['translated (no FFI), opcache', 'translated', ['ffi.enable=0', 'opcache.enable=1', 'opcache.jit=off']],
        ['translated (no FFI), no opcache', 'translated', ['ffi.enable=0', 'opcache.enable=0']],
    ];
    printf("client-area page, %d pages per row, %d device records in other groups, .wasm %d KiB, generated PHP %d KiB\n", $pages, $elsewhere, filesize(dirname(__DIR__) . '/build/meshcentral_connector.wasm') / 1024, filesize(dirname(__DIR__) . '/build/meshcentral_connector.php') / 1024);
    printf("| backend | devices listed (online) | active service: median | min | max | suspended service (no remote call): median | module's remote part |\n|---|---|---:|---:|---:|---:|---:|\n");
    foreach ($configs as [$label, $backend, $options]) {
        $web = WebServer::start($whmcs, ['MESHCONNECTOR_LIBWASMER' => (string) getenv('MESHCONNECTOR_LIBWASMER'), 'MESHCONNECTOR_CACHE_DIR' => $cache, 'MESHCONNECTOR_BACKEND' => $backend], $options);
        $http = new HttpClient($web->baseUrl());
        $http->get('login.php?clientid=' . $client);
        $body = waitForDevices($http, $active, $deviceCount, $agent !== null, 60.0);
        [$med, $min, $max] = measure($http, $active, $pages);
        [$bmed] = measure($http, $idle, $pages);
        printf(
            "| %s | %d (%d) | %.0f ms | %.0f ms | %.0f ms | %.0f ms | ~%.0f ms |\n",
            $label,
            substr_count($body, 'class="meshcentral-device"'),
            substr_count($body, 'class="meshcentral-device"') - substr_count($body, '>Offline<'),
            $med,
            $min,
            $max,
            $bmed,
            $med - $bmed
        );
        $web->stop();
        $web = null;
    }
} finally {
    $agent?->stop();
    $web?->stop();
    $mc->stop();
    shell_exec('rm -rf ' . escapeshellarg($root));
}

/** @return array{0: float, 1: float, 2: float} median, min, max in ms; the first page (templates compile) is not counted */
function measure(HttpClient $http, int $serviceId, int $pages): array
{
    $http->get("clientarea.php?action=productdetails&id=$serviceId");
    $times = [];
    for ($i = 0; $i < $pages; $i++) {
        $t = hrtime(true);
        $r = $http->get("clientarea.php?action=productdetails&id=$serviceId");
        $times[] = (hrtime(true) - $t) / 1e6;
        if ($r['status'] !== 200) {
            throw new RuntimeException('HTTP ' . $r['status']);
        }
    }
    sort($times);
    return [$times[intdiv(count($times), 2)], $times[0], $times[count($times) - 1]];
}

/** The page once it lists $count devices (and, with a real agent, one of them online). */
function waitForDevices(HttpClient $http, int $serviceId, int $count, bool $oneOnline, float $timeout): string
{
    $deadline = microtime(true) + $timeout;
    $body = '';
    while (microtime(true) < $deadline) {
        $body = $http->get("clientarea.php?action=productdetails&id=$serviceId")['body'];
        $listed = substr_count($body, 'class="meshcentral-device"');
        $offline = substr_count($body, '>Offline<');
        if ($listed === $count && (!$oneOnline || $listed - $offline === 1)) {
            return $body;
        }
        usleep(250_000);
    }
    throw new RuntimeException("The page did not list $count devices within {$timeout} s:\n" . substr(strip_tags($body), 0, 2000));
}
