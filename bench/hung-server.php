<?php

declare(strict_types=1);

// What a client-area page costs when MeshCentral accepts connections and never answers, per backend: the installed
// release module in the emulated WHMCS (php -S, one PHP request per page, opcache on), a service whose server record
// points at a hung listener on 127.0.0.1 (tests/support/HungServer: `tcp` never completes TLS, `tls` completes TLS
// and the WebSocket upgrade but never sends MeshCentral's greeting). Prints: the first page with the hung server (the
// page budget, 2 s, runs out), the median of the pages while the breaker is open (no connection: the listener's
// count of accepted connections is printed too), and a page of the same service on the working MeshCentral.
//
// Usage: php bench/hung-server.php [pages=10]
require dirname(__DIR__) . '/tests/php/bootstrap.php';
require dirname(__DIR__) . '/whmcs-emulator/autoload.php';

use MeshCentralConnector\Tests\Support\HungServer;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Support\ReleaseInstall;
use MeshCentralConnector\Tests\Whmcs\HttpClient;
use MeshCentralConnector\WhmcsEmulator\WebServer;
use MeshCentralConnector\WhmcsEmulator\Whmcs;

$pages = max(3, (int) ($argv[1] ?? 10));
$mc = MeshCentralServer::start();
$web = null;
$hung = [];
$root = sys_get_temp_dir() . '/meshconnector-bench-hung-' . bin2hex(random_bytes(3));
try {
    $whmcs = Whmcs::create($root);
    ReleaseInstall::unpackInto($root);
    $cache = sys_get_temp_dir() . '/meshconnector-bench-cache';
    $state = "$root/breaker-state";
    putenv("MESHCONNECTOR_CACHE_DIR=$cache");
    putenv("MESHCONNECTOR_STATE_DIR=$state");
    $good = ReleaseInstall::addServer($whmcs, $mc);
    $product = $whmcs->addProduct(['servertype' => 'meshcentral', 'name' => 'Bench', 'configoption1' => 'full']);
    $client = $whmcs->addClient(['firstname' => 'Bea', 'lastname' => 'Bench', 'email' => 'bea@example.com']);
    $id = $whmcs->addService(['userid' => $client, 'packageid' => $product, 'server' => $good]);
    if ($whmcs->modules()->create($id) !== 'success') {
        throw new RuntimeException('create failed');
    }
    $servers = [];
    foreach (['tcp' => 'accepts TCP, never answers', 'tls' => 'TLS + upgrade, no greeting'] as $mode => $label) {
        $h = $hung[$mode] = HungServer::start($mode, 900);
        $tls = $mode === 'tls' ? 'pin_sha384=' . $h->pinSha384 : 'ca_file=' . $mc->caFile();
        $servers[$mode] = [$label, $h, ReleaseInstall::addServer($whmcs, $mc, ['port' => $h->port, 'accesshash' => $mc->loginTokenKey() . "\n" . $tls])];
    }
    $configs = [
        ['wasmer (FFI)', 'wasmer', ['ffi.enable=1', 'opcache.enable=1', 'opcache.jit=off']],
        ['translated (no FFI)', 'translated', ['ffi.enable=0', 'opcache.enable=1', 'opcache.jit=off']],
    ];
    printf("client-area page with a hung MeshCentral (page budget 2 s, breaker window 30 s), %d pages while open\n", $pages);
    printf("| backend | hung server | first page | page while breaker open: median | max | new connections while open | working server: median |\n|---|---|---:|---:|---:|---:|---:|\n");
    $page = "clientarea.php?action=productdetails&id=$id";
    foreach ($configs as [$label, $backend, $options]) {
        $web = WebServer::start($whmcs, ['MESHCONNECTOR_LIBWASMER' => (string) getenv('MESHCONNECTOR_LIBWASMER'), 'MESHCONNECTOR_CACHE_DIR' => $cache, 'MESHCONNECTOR_STATE_DIR' => $state, 'MESHCONNECTOR_BACKEND' => $backend], $options);
        $http = new HttpClient($web->baseUrl());
        $http->get('login.php?clientid=' . $client);
        foreach ($servers as [$what, $h, $serverId]) {
            $whmcs->updateService($id, ['server' => $good]);
            $healthy = [];
            for ($i = 0; $i < $pages + 1; $i++) {
                $healthy[] = timed(static fn () => expect($http->get($page)['body'], 'No devices yet'));
            }
            array_shift($healthy);
            $whmcs->updateService($id, ['server' => $serverId]);
            shell_exec('rm -rf ' . escapeshellarg($state));
            $first = timed(static fn () => expect($http->get($page)['body'], 'temporarily unavailable'));
            $before = $h->connections();
            $open = [];
            for ($i = 0; $i < $pages; $i++) {
                $open[] = timed(static fn () => expect($http->get($page)['body'], 'temporarily unavailable'));
            }
            sort($open);
            sort($healthy);
            printf("| %s | %s | %.0f ms | %.0f ms | %.0f ms | %d | %.0f ms |\n", $label, $what, $first, $open[intdiv(count($open), 2)], $open[count($open) - 1], $h->connections() - $before, $healthy[intdiv(count($healthy), 2)]);
        }
        $web->stop();
        $web = null;
    }
    $whmcs->updateService($id, ['server' => $good]);
    $whmcs->modules()->terminate($id);
} finally {
    $web?->stop();
    foreach ($hung as $h) {
        $h->stop();
    }
    $mc->stop();
    shell_exec('rm -rf ' . escapeshellarg($root));
}

function timed(callable $fn): float
{
    $t = hrtime(true);
    $fn();
    return (hrtime(true) - $t) / 1e6;
}

function expect(string $body, string $needle): void
{
    if (!str_contains($body, $needle)) {
        throw new RuntimeException("the page does not say '$needle':\n" . substr(strip_tags($body), 0, 1500));
    }
}
