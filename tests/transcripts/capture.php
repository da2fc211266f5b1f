<?php

declare(strict_types=1);

// Captures real control-channel transcripts from a real MeshCentral (started on 127.0.0.1) for the Rust unit tests:
// what the server sends after a password login, after a refused login, and the reply to `serverconsole info`.
// Usage: php tests/transcripts/capture.php   (rewrites tests/transcripts/*.json; volatile values are kept as captured)
require dirname(__DIR__) . '/php/bootstrap.php';

use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Transport\TlsSettings;
use MeshCentralConnector\Transport\TransportException;
use MeshCentralConnector\Transport\WebSocketClient;

$server = MeshCentralServer::start(['adminUser' => 'connector-admin', 'adminPassword' => 'Capture-Pass-1']);
$tls = new TlsSettings(true, $server->caFile());
$url = $server->url() . '/control.ashx';

$session = static function (string $user, string $pass, array $requests, int $quietMs) use ($url, $tls): array {
    $client = WebSocketClient::connect($url, [['x-meshauth', base64_encode($user) . ',' . base64_encode($pass)]], $tls, 5000, 1 << 24);
    $frames = [];
    $read = static function (int $ms) use ($client, &$frames): void {
        try {
            while (true) {
                $frames[] = ['dir' => 'recv', 'text' => $client->receive($ms)];
            }
        } catch (TransportException $e) {
            if ($e->kind !== 'timeout') {
                $frames[] = ['dir' => 'closed', 'text' => $e->getMessage()];
            }
        }
    };
    $read($quietMs);
    foreach ($requests as $r) {
        $text = json_encode($r);
        $client->send($text);
        $frames[] = ['dir' => 'send', 'text' => $text];
        $read($quietMs);
    }
    $client->close();
    return $frames;
};

$out = __DIR__;
$login = $session('connector-admin', 'Capture-Pass-1', [['action' => 'serverconsole', 'value' => 'info', 'responseid' => 'mcc1', 'tag' => 'mcc1']], 700);
file_put_contents("$out/login-password-ok.json", json_encode(['meshcentral' => '1.1.55', 'frames' => $login], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
$refused = $session('connector-admin', 'wrong', [], 700);
file_put_contents("$out/login-password-refused.json", json_encode(['meshcentral' => '1.1.55', 'frames' => $refused], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
$server->stop();
echo "captured ", count($login), " + ", count($refused), " frames\n";
