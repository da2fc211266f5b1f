<?php

/**
 * A TCP proxy on 127.0.0.1 that injects one fault into the first connection it relays (tests/support/FaultProxy.php
 * starts and drives it). It sees only bytes (TLS passes through untouched), and counts the chunks it reads from the
 * client: chunk K is, in practice, one TLS record, i.e. the handshake's messages and then one WebSocket frame each.
 *
 * K counts the client's chunks over every connection in order (an operation may open more than one session), and
 * the fault fires once, on the connection that carries chunk K. Modes:
 * - pass:          relay only (to count the chunks of a normal run);
 * - cut-request:   close both sides instead of forwarding client chunk K (the request is lost);
 * - cut-reply:     forward client chunk K, then drop everything the server sends and close both sides 300 ms later
 *                  (the server acted, its reply is lost);
 * - garble-reply:  forward client chunk K, then flip one byte in the server's next chunk (the reply is nonsense);
 * - stall:         forward client chunk K, then relay nothing in either direction and keep both sides open.
 *
 * Usage: php fault-proxy.php <target port> <mode> <K> <state file>. Prints "listening <port>" once ready. The state
 * file gets one JSON line per connection when it ends: {"conn", "chunks", "fired"}.
 */

declare(strict_types=1);

[$self, $targetPort, $mode, $at, $stateFile] = $argv + [null, null, null, null, null];
if ($stateFile === null || !in_array($mode, ['pass', 'cut-request', 'cut-reply', 'garble-reply', 'stall'], true)) {
    fwrite(STDERR, "usage: fault-proxy.php <target port> <mode> <K> <state file>\n");
    exit(2);
}
$at = (int) $at;
$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
if ($server === false) {
    fwrite(STDERR, "listen: $errstr\n");
    exit(1);
}
$name = (string) stream_socket_get_name($server, false);
echo 'listening ', substr($name, strrpos($name, ':') + 1), "\n";
fflush(STDOUT);

/** @var list<array{id: int, client: resource, upstream: resource, chunks: int, fired: bool, dropReply: bool, closeAt: ?float, garble: bool, stalled: bool}> $conns */
$conns = [];
$next = 0;
$total = 0; // client chunks over all connections
$deadline = microtime(true) + 600; // never outlive a test run
while (microtime(true) < $deadline) {
    $read = [$server];
    foreach ($conns as $c) {
        if (!$c['stalled']) {
            $read[] = $c['client'];
            $read[] = $c['upstream'];
        }
    }
    $write = $except = [];
    if (@stream_select($read, $write, $except, 0, 50_000) === false) {
        break;
    }
    foreach ($read as $sock) {
        if ($sock === $server) {
            $client = @stream_socket_accept($server, 1);
            $upstream = @stream_socket_client('tcp://127.0.0.1:' . $targetPort, $e, $es, 5);
            if ($client === false || $upstream === false) {
                continue;
            }
            $conns[$next] = ['id' => $next, 'client' => $client, 'upstream' => $upstream, 'chunks' => 0, 'fired' => false,
                'dropReply' => false, 'closeAt' => null, 'garble' => false, 'stalled' => false];
            $next++;
            continue;
        }
        foreach ($conns as $id => &$c) {
            if ($sock === $c['client']) {
                $data = @fread($sock, 65536);
                if ($data === '' || $data === false) {
                    finish($conns, $id, $stateFile);
                    break;
                }
                $c['chunks']++;
                $total++;
                if ($mode !== 'pass' && $total === $at) {
                    $c['fired'] = true;
                    if ($mode === 'cut-request') {
                        finish($conns, $id, $stateFile);
                        break;
                    }
                    @fwrite($c['upstream'], $data);
                    match ($mode) {
                        'cut-reply' => [$c['dropReply'], $c['closeAt']] = [true, microtime(true) + 0.3],
                        'garble-reply' => $c['garble'] = true,
                        'stall' => $c['stalled'] = true,
                        default => null,
                    };
                    break;
                }
                if (!$c['dropReply']) {
                    @fwrite($c['upstream'], $data);
                }
                break;
            }
            if ($sock === $c['upstream']) {
                $data = @fread($sock, 65536);
                if ($data === '' || $data === false) {
                    finish($conns, $id, $stateFile);
                    break;
                }
                if ($c['dropReply']) {
                    break;
                }
                if ($c['garble']) {
                    $c['garble'] = false;
                    $i = intdiv(strlen($data), 2);
                    $data[$i] = chr(ord($data[$i]) ^ 0x5A);
                }
                @fwrite($c['client'], $data);
                break;
            }
        }
        unset($c);
    }
    foreach ($conns as $id => $c) {
        if ($c['closeAt'] !== null && microtime(true) >= $c['closeAt']) {
            finish($conns, $id, $stateFile);
        }
    }
}

/** Closes both sides of connection $id and records what it saw. */
function finish(array &$conns, int $id, string $stateFile): void
{
    if (!isset($conns[$id])) {
        return;
    }
    $c = $conns[$id];
    @fclose($c['client']);
    @fclose($c['upstream']);
    file_put_contents($stateFile, json_encode(['conn' => $c['id'], 'chunks' => $c['chunks'], 'fired' => $c['fired']]) . "\n", FILE_APPEND);
    unset($conns[$id]);
}
