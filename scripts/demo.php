<?php

declare(strict_types=1);

// The product's main job on a local default: start a real MeshCentral on 127.0.0.1, run test connection against it
// through PHP + the Wasm core (first with the password, then with the login token key), print the result, stop.
require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Connector;
use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Tests\Support\MeshCentralServer;

$root = dirname(__DIR__);
echo "Starting a local MeshCentral on 127.0.0.1 ...\n";
$server = MeshCentralServer::start();
echo "  MeshCentral: {$server->httpsUrl()} (admin '{$server->adminUser()}', data in {$server->dataDir()})\n";
try {
    $connector = Connector::load($root . '/build/meshcentral_connector.wasm', null, sys_get_temp_dir() . '/meshconnector-demo-cache');
    $settings = [
        'url' => $server->httpsUrl(),
        'username' => $server->adminUser(),
        'password' => $server->adminPassword(),
        'login_token_key' => $server->loginTokenKey(),
        'tls' => ['ca_file' => $server->caFile()],
    ];
    $report = $connector->testConnection($settings);
    echo "Test connection: OK\n";
    printf("  server       %s, MeshCentral %s\n", $report['server_name'], $report['server_version'] ?? '?');
    printf("  account      %s\n", $report['user_id']);
    printf("  logged in by %s\n", implode(' and ', $report['auth_methods']));
    printf("  rights       %s\n", $report['rights']['ok'] ? 'full site admin, manageAllDeviceGroups: all the connector needs' : implode('; ', $report['rights']['missing']));
    printf("  TLS hash     %s\n", $report['tls_hash']);
    try {
        $connector->testConnection(['password' => 'wrong-password'] + $settings);
    } catch (ConnectorException $e) {
        echo "Test connection with a wrong password: {$e->kind}: {$e->getMessage()}\n";
    }
    $t = $connector->timings();
    printf("Wasm module %s in %.1f ms, instantiated in %.2f ms\n", $t['module_load_kind'] === 'deserialize' ? 'loaded from the artifact cache' : 'compiled', $t['module'] / 1000, $t['instantiate'] / 1000);
} finally {
    $server->stop();
    echo "MeshCentral stopped.\n";
}
