<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use RuntimeException;

/**
 * A MeshCentral that accepts and never answers (tests/php/Module/fixtures/hung-server.php), on 127.0.0.1: `tcp`
 * accepts TCP and sends nothing (the TLS handshake never completes), `tls` completes TLS and the WebSocket upgrade
 * but never sends MeshCentral's greeting. It counts the connections it accepted (connections()). For the module
 * tests and bench/hung-server.php.
 */
final class HungServer
{
    /** @var resource */
    private $process;
    /** @var array<int, resource> */
    private array $pipes;

    /** @param resource $process @param array<int, resource> $pipes */
    private function __construct($process, array $pipes, public readonly int $port, private readonly string $dir, public readonly ?string $pinSha384)
    {
        $this->process = $process;
        $this->pipes = $pipes;
    }

    public static function start(string $mode = 'tcp', int $lifetimeSeconds = 120): self
    {
        $dir = TempDir::create('hung-server');
        $cmd = [PHP_BINARY, dirname(__DIR__) . '/php/Module/fixtures/hung-server.php', $mode, "$dir/count", (string) $lifetimeSeconds];
        $pin = null;
        if ($mode === 'tls') {
            self::run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
                '-keyout', "$dir/key.pem", '-out', "$dir/cert.pem", '-days', '1', '-subj', '/CN=127.0.0.1',
                '-addext', 'subjectAltName=IP:127.0.0.1']);
            self::run(['openssl', 'x509', '-in', "$dir/cert.pem", '-outform', 'DER', '-out', "$dir/cert.der"]);
            $pin = hash_file('sha384', "$dir/cert.der");
            array_push($cmd, "$dir/cert.pem", "$dir/key.pem");
        }
        $process = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', "$dir/stderr", 'w']], $pipes);
        if (!is_resource($process)) {
            throw new RuntimeException('cannot start the hung server');
        }
        $read = [$pipes[1]];
        $w = $e = null;
        $line = stream_select($read, $w, $e, 10) === 1 ? trim((string) fgets($pipes[1])) : '';
        if (preg_match('/\A\d+\z/', $line) !== 1) {
            throw new RuntimeException('the hung server did not print its port: ' . @file_get_contents("$dir/stderr"));
        }
        return new self($process, $pipes, (int) $line, $dir, $pin);
    }

    /** Connections accepted so far. */
    public function connections(): int
    {
        clearstatcache(true, $this->dir . '/count');
        return (int) @file_get_contents($this->dir . '/count');
    }

    public function stop(): void
    {
        if (is_resource($this->process)) {
            foreach ($this->pipes as $pipe) {
                @fclose($pipe);
            }
            @proc_terminate($this->process);
            proc_close($this->process);
        }
        TempDir::remove($this->dir);
    }

    /** @param list<string> $cmd */
    private static function run(array $cmd): void
    {
        $null = [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']];
        $p = proc_open($cmd, $null, $pipes);
        if (!is_resource($p) || proc_close($p) !== 0) {
            throw new RuntimeException('command failed: ' . implode(' ', $cmd));
        }
    }
}
