<?php

declare(strict_types=1);

// Records the core and a real MeshCentral whose domain sets `maxDeviceView` 5 (every `nodes` reply holds at most 5
// devices and says `skip`, `limit`, `totalcount`), for the paging replay tests in tests/ops_transcripts.rs: a device
// list of 23 devices, usage and server sync over 30 devices in two groups, and terminate moving the 23.
// Usage: MESHCONNECTOR_LIBWASMER=... php tests/transcripts/capture-paging.php   (rewrites tests/transcripts/op-paging-*.json)
require dirname(__DIR__) . '/php/bootstrap.php';

use MeshCentralConnector\Tests\Support\DeviceRecords;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Support\TranscriptRecorder;

$server = MeshCentralServer::start(['adminUser' => 'connector-admin', 'adminPassword' => 'Capture-Pass-1', 'domain' => ['maxDeviceView' => 5]]);
$settings = ['url' => $server->httpsUrl(), 'username' => 'connector-admin', 'password' => 'Capture-Pass-1', 'tls' => ['ca_file' => $server->caFile()], 'timeout_ms' => 3000];
$recorder = new TranscriptRecorder(dirname(__DIR__, 2) . '/build/meshcentral_connector.wasm');
$connector = $recorder->connector();
$record = static function (string $name, array $request) use ($recorder): void {
    $recorder->record(__DIR__ . "/op-paging-$name.json", $request, ['max_device_view' => 5]);
};

$provision = static function (string $key) use ($connector, $settings): array {
    return $connector->provision($settings, ['key' => $key], new \MeshCentralConnector\ProvisionOptions(groupNameTemplate: 'Paging {n}', preset: 'full', vars: ['n' => $key]));
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
