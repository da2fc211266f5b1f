<?php

declare(strict_types=1);

// Records the core and a real MeshCentral whose domain sets `maxDeviceView` 5 (every `nodes` reply holds at most 5
// devices and says `skip`, `limit`, `totalcount`), for the paging replay tests in tests/ops_transcripts.rs: a device
// list of 23 devices, usage and server sync over 30 devices in two groups, and terminate moving the 23.
// Usage: MESHCONNECTOR_LIBWASMER=... php tests/transcripts/capture-paging.php   (rewrites tests/transcripts/op-paging-*.json)
require dirname(__DIR__) . '/php/bootstrap.php';

use MeshCentralConnector\Connector;
use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Tests\Support\DeviceRecords;
use MeshCentralConnector\Tests\Support\MeshCentralServer;

$server = MeshCentralServer::start(['adminUser' => 'connector-admin', 'adminPassword' => 'Capture-Pass-1', 'domain' => ['maxDeviceView' => 5]]);
$settings = ['url' => $server->httpsUrl(), 'username' => 'connector-admin', 'password' => 'Capture-Pass-1', 'tls' => ['ca_file' => $server->caFile()], 'timeout_ms' => 3000];
$frames = [];
$hook = static function (string $event, string $payload) use (&$frames): void {
    if ($event === 'open') {
        $frames[] = [];
        return;
    }
    $frames[count($frames) - 1][] = ['dir' => $event, 'text' => $payload];
};
$connector = Connector::load(dirname(__DIR__, 2) . '/build/meshcentral_connector.wasm', null, null, null, null, $hook);
$record = static function (string $name, array $request) use ($connector, &$frames): void {
    $frames = [];
    try {
        $result = ['ok' => $connector->call($request)];
    } catch (ConnectorException $e) {
        $result = ['error' => ['kind' => $e->kind, 'message' => $e->getMessage()]];
    }
    $request['server'] = '(the capture server)';
    $doc = ['meshcentral' => '1.1.55', 'max_device_view' => 5, 'request' => $request, 'result' => $result, 'sessions' => $frames];
    file_put_contents(__DIR__ . "/op-paging-$name.json", json_encode($doc, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
    echo "op-paging-$name: ", count($frames), " session(s)\n";
};

$provision = static function (string $key) use ($connector, $settings): array {
    return $connector->provision($settings, ['key' => $key], 'Paging {n}', ['n' => $key], 'full');
};
$big = $provision('paging-1');
$small = $provision('paging-2');
$server = $server->restart(static function (string $dir) use ($big, $small): void {
    DeviceRecords::append($dir, $big['mesh_id'], 23, 'paging-a', DeviceRecords::linuxAgentShape($big['mesh_id']));
    DeviceRecords::append($dir, $small['mesh_id'], 7, 'paging-b', DeviceRecords::linuxAgentShape($small['mesh_id']));
});
$settings['url'] = $server->httpsUrl();

$record('devices', ['op' => 'devices', 'server' => $settings, 'mesh_id' => $big['mesh_id']]);
$record('usage', ['op' => 'usage', 'server' => $settings, 'mesh_ids' => [$big['mesh_id'], $small['mesh_id']]]);
$record('list-accounts', ['op' => 'list_accounts', 'server' => $settings, 'key_prefix' => 'paging']);
$record('terminate', ['op' => 'terminate', 'server' => $settings, 'service' => ['key' => 'paging-1', 'mesh_id' => $big['mesh_id'], 'username' => $big['username']]]);
$server->stop();
