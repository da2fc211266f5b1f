<?php

declare(strict_types=1);

// The product's main job on a local default: a real MeshCentral and an emulated WHMCS on 127.0.0.1, the module
// installed from the release zip, a demo client with one provisioned service (and, when run as root, a real agent in
// a loopback-only network namespace as its first device). Prints the URLs to open; Ctrl-C stops everything.
// With --check it verifies the client area and SSO once and exits.
require dirname(__DIR__) . '/tests/php/bootstrap.php';
require dirname(__DIR__) . '/whmcs-emulator/autoload.php';

use MeshCentralConnector\Tests\Support\AgentSandbox;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Support\ReleaseInstall;
use MeshCentralConnector\Tests\Whmcs\HttpClient;
use MeshCentralConnector\WhmcsEmulator\WebServer;
use MeshCentralConnector\WhmcsEmulator\Whmcs;

$root = dirname(__DIR__);
$check = in_array('--check', $argv, true);

echo "Starting MeshCentral on 127.0.0.1 ...\n";
$mc = MeshCentralServer::start();
$agent = null;
$web = null;
$stop = static function () use (&$agent, &$web, $mc): void {
    $agent?->stop();
    $web?->stop();
    $mc->stop();
};
try {
    $whmcsRoot = sys_get_temp_dir() . '/meshconnector-demo-whmcs-' . bin2hex(random_bytes(3));
    $whmcs = Whmcs::create($whmcsRoot);
    ReleaseInstall::unpackInto($whmcsRoot);
    $cacheDir = sys_get_temp_dir() . '/meshconnector-demo-cache';
    putenv("MESHCONNECTOR_CACHE_DIR=$cacheDir");
    echo "WHMCS (emulated) in $whmcsRoot, module installed from " . basename(ReleaseInstall::zip()) . "\n";

    $serverId = ReleaseInstall::addServer($whmcs, $mc, ['name' => 'Local MeshCentral']);
    $test = $whmcs->modules()->testConnection($serverId);
    echo 'Test connection: ' . ($test['success'] ? 'OK' : 'FAILED: ' . $test['error']) . "\n";
    $product = $whmcs->addProduct([
        'servertype' => 'meshcentral', 'name' => 'Remote Management S', 'type' => 'other',
        'configoption1' => 'full', 'configoption2' => '{company} #{service_id}', 'configoption3' => '60',
        'configoption4' => '10', 'configoption5' => '24', 'configoption6' => '',
    ]);
    $client = $whmcs->addClient(['firstname' => 'Dana', 'lastname' => 'Demo', 'companyname' => 'Demo Hosting Ltd', 'email' => 'dana@example.com']);
    $service = $whmcs->addService(['userid' => $client, 'packageid' => $product, 'server' => $serverId]);
    $created = $whmcs->modules()->create($service);
    if ($created !== 'success') {
        throw new RuntimeException("Create failed: $created");
    }
    $row = $whmcs->db()->table('mod_meshcentral_services')->where('service_id', $service)->first();
    echo "Provisioned service #$service: MeshCentral user '{$row->username}', group {$row->mesh_id}\n";

    if (function_exists('posix_geteuid') && posix_geteuid() === 0) {
        $agent = AgentSandbox::start($mc, (string) $row->mesh_id);
        echo "A real agent runs in a loopback-only network namespace as device '{$agent->nodeName()}'\n";
    } else {
        echo "(run as root to also start a real agent as the first device)\n";
    }

    $web = WebServer::start($whmcs, ['MESHCONNECTOR_LIBWASMER' => (string) getenv('MESHCONNECTOR_LIBWASMER'), 'MESHCONNECTOR_CACHE_DIR' => $cacheDir], ['ffi.enable=1']);
    $base = $web->baseUrl();
    // Open the page once as the client would (and show what it costs), then follow the SSO button's redirect.
    $http = new HttpClient($base);
    $http->get('login.php?clientid=' . $client);
    $t = microtime(true);
    $page = $http->get('clientarea.php?action=productdetails&id=' . $service);
    $ms = (microtime(true) - $t) * 1000;
    $ok = $page['status'] === 200 && str_contains($page['body'], 'id="meshcentral-sso"');
    printf("Client area page: %s in %.0f ms\n", $ok ? 'rendered' : 'FAILED (HTTP ' . $page['status'] . ')', $ms);
    $location = $http->get('clientarea.php?action=productdetails&id=' . $service . '&dosinglesignon=1')['headers']['location'] ?? '';
    $ssoOk = str_starts_with($location, $mc->httpsUrl() . '/?login=');
    echo 'Single sign-on redirect: ' . ($ssoOk ? 'OK' : 'FAILED') . "\n";

    echo "\nOpen these (all on 127.0.0.1):\n";
    echo "  Client area:  {$base}login.php?clientid=$client  then  {$base}clientarea.php?action=productdetails&id=$service\n";
    echo "                (themes: add &systpl=six, &systpl=twenty-one or &systpl=nexus; the 'Open MeshCentral' button signs in by SSO)\n";
    echo "  MeshCentral:  {$mc->httpsUrl()}/  admin '{$mc->adminUser()}' / '{$mc->adminPassword()}'\n";
    echo "                (its certificate is from its own CA: {$mc->caFile()})\n";
    if ($check) {
        $stop();
        exit($ok && $ssoOk && $test['success'] ? 0 : 1);
    }
    echo "\nPress Ctrl-C to stop.\n";
    if (function_exists('pcntl_async_signals')) {
        pcntl_async_signals(true);
        pcntl_signal(SIGINT, static function () use ($stop): void {
            echo "\nStopping ...\n";
            $stop();
            exit(0);
        });
        pcntl_signal(SIGTERM, static function () use ($stop): void {
            $stop();
            exit(0);
        });
    }
    while (true) {
        sleep(3600);
    }
} catch (Throwable $e) {
    fwrite(STDERR, 'Demo failed: ' . $e->getMessage() . "\n");
    $stop();
    exit(1);
}
