<?php

declare(strict_types=1);

// Records what the real core (release .wasm, through PHP) and a real MeshCentral said to each other during the service
// operations, for the Rust replay tests in tests/ops_transcripts.rs: provisioning (fresh, and refused because the
// username belongs to someone else), suspend, change password, list accounts, error replies for an unknown group,
// and terminate.
// Usage: MESHCONNECTOR_LIBWASMER=... php tests/transcripts/capture-ops.php   (rewrites tests/transcripts/op-*.json)
require dirname(__DIR__) . '/php/bootstrap.php';

use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Support\TranscriptRecorder;

$server = MeshCentralServer::start(['adminUser' => 'connector-admin', 'adminPassword' => 'Capture-Pass-1']);
$settings = ['url' => $server->httpsUrl(), 'username' => 'connector-admin', 'password' => 'Capture-Pass-1', 'tls' => ['ca_file' => $server->caFile()], 'timeout_ms' => 3000];
$recorder = new TranscriptRecorder(dirname(__DIR__, 2) . '/build/meshcentral_connector.wasm');
$connector = $recorder->connector();
$record = static function (string $name, array $request) use ($recorder): void {
    $recorder->record(__DIR__ . "/op-$name.json", $request);
};

$service = ['key' => 'capture-1', 'username' => 'mc-capture-1'];
$provision = ['op' => 'provision', 'server' => $settings, 'service' => $service, 'group_name_template' => '{company} #{service_id}', 'vars' => ['company' => 'Capture Ltd', 'service_id' => 1], 'password' => 'Capture-Customer-1', 'email' => 'c@example.com', 'realname' => 'C. Customer', 'preset' => 'full'];
$record('provision', $provision);
$record('provision-again', $provision);
$server->meshctrl(['adduser', '--user', 'someone-else', '--pass', 'Someone-Else-1']);
$record('provision-taken', ['service' => ['key' => 'capture-2', 'username' => 'someone-else']] + $provision);
$record('suspend', ['op' => 'suspend', 'server' => $settings, 'service' => $service]);
$record('change-password', ['op' => 'change_password', 'server' => $settings, 'service' => $service, 'password' => 'Capture-Customer-2']);
$record('list-accounts', ['op' => 'list_accounts', 'server' => $settings, 'key_prefix' => 'capture']);
// Error replies: MeshCentral answers a request for a group that does not exist with a result text.
$record('devices-unknown-group', ['op' => 'devices', 'server' => $settings, 'mesh_id' => 'mesh//unknownGroupIdThatDoesNotExist']);
$record('invite-unknown-group', ['op' => 'invite_link', 'server' => $settings, 'mesh_id' => 'mesh//unknownGroupIdThatDoesNotExist', 'expire_hours' => 1]);
$record('terminate', ['op' => 'terminate', 'server' => $settings, 'service' => $service]);
$record('terminate-again', ['op' => 'terminate', 'server' => $settings, 'service' => $service]);
$server->stop();
