<?php

declare(strict_types=1);

// What a WHMCS client-area page with our module costs: the installed release module in the emulated WHMCS (php -S,
// one PHP request per page, like FPM), a real MeshCentral on 127.0.0.1, a service with N devices. Prints per page:
// the whole request (HTTP, as the browser waits for it), and the baseline of the same page without the module's
// remote call (a suspended service: WHMCS + Smarty + module load, no MeshCentral round trip).
// Usage: php bench/client-area.php [pages=20]
require dirname(__DIR__) . '/tests/php/bootstrap.php';
require dirname(__DIR__) . '/whmcs-emulator/autoload.php';

use MeshCentralConnector\Tests\Support\AgentSandbox;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Support\ReleaseInstall;
use MeshCentralConnector\Tests\Whmcs\HttpClient;
use MeshCentralConnector\WhmcsEmulator\WebServer;
use MeshCentralConnector\WhmcsEmulator\Whmcs;

$pages = max(3, (int) ($argv[1] ?? 20));
$mc = MeshCentralServer::start();
$agent = null;
$web = null;
try {
    $root = sys_get_temp_dir() . '/meshconnector-bench-whmcs-' . bin2hex(random_bytes(3));
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
    $web = WebServer::start($whmcs, ['MESHCONNECTOR_LIBWASMER' => (string) getenv('MESHCONNECTOR_LIBWASMER'), 'MESHCONNECTOR_CACHE_DIR' => $cache], ['ffi.enable=1']);
    $http = new HttpClient($web->baseUrl());
    $http->get('login.php?clientid=' . $client);

    $measure = static function (int $id) use ($http, $pages): array {
        $http->get("clientarea.php?action=productdetails&id=$id"); // first page: templates compile, artifact cached
        $times = [];
        for ($i = 0; $i < $pages; $i++) {
            $t = hrtime(true);
            $r = $http->get("clientarea.php?action=productdetails&id=$id");
            $times[] = (hrtime(true) - $t) / 1e6;
            if ($r['status'] !== 200) {
                throw new RuntimeException('HTTP ' . $r['status']);
            }
        }
        sort($times);
        return [$times[intdiv(count($times), 2)], $times[0], $times[count($times) - 1], $r['body']];
    };
    [$med, $min, $max, $body] = $measure($active);
    [$bmed, $bmin, $bmax] = $measure($idle);
    $devices = substr_count($body, 'class="meshcentral-device"');
    printf("client-area page, %d pages each, %d device(s) listed, .wasm %d KiB\n", $pages, $devices, filesize(dirname(__DIR__) . '/build/meshcentral_connector.wasm') / 1024);
    printf("| page | median | min | max |\n|---|---|---|---|\n");
    printf("| active service (module + MeshCentral session: nodes, lastconnects) | %.0f ms | %.0f ms | %.0f ms |\n", $med, $min, $max);
    printf("| suspended service (WHMCS + module, no remote call) | %.0f ms | %.0f ms | %.0f ms |\n", $bmed, $bmin, $bmax);
    printf("module's remote part: ~%.0f ms\n", $med - $bmed);
} finally {
    $agent?->stop();
    $web?->stop();
    $mc->stop();
}
