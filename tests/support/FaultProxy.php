<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use RuntimeException;

/**
 * One fault between PHP and the real MeshCentral: a loopback TCP proxy (tests/support/fault-proxy.php, its own
 * process) that relays the bytes of TLS untouched and injects one fault at client chunk K, counted over all the
 * connections in order (request lost, reply lost after the server acted, reply garbled, everything stalled). Point the connector's
 * `server.url` at url() instead of the server's.
 */
final class FaultProxy
{
    public const MODES = ['pass', 'cut-request', 'cut-reply', 'garble-reply', 'stall'];

    /** @param resource $process */
    private function __construct(private $process, private readonly int $port, private readonly string $stateFile)
    {
    }

    public static function start(MeshCentralServer $server, string $mode, int $at = 0): self
    {
        if (!in_array($mode, self::MODES, true)) {
            throw new RuntimeException("unknown fault mode $mode");
        }
        $state = (string) tempnam(sys_get_temp_dir(), 'fault-proxy-');
        $process = proc_open(
            [PHP_BINARY, __DIR__ . '/fault-proxy.php', (string) $server->port(), $mode, (string) $at, $state],
            [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes
        );
        if (!is_resource($process)) {
            throw new RuntimeException('cannot start the fault proxy');
        }
        $line = (string) fgets($pipes[1]);
        if (preg_match('/^listening (\d+)$/', trim($line), $m) !== 1) {
            proc_terminate($process);
            throw new RuntimeException('the fault proxy did not start: ' . $line);
        }
        return new self($process, (int) $m[1], $state);
    }

    /** The MeshCentral address through the proxy (the server's certificate names 127.0.0.1, so TLS verifies). */
    public function url(): string
    {
        return 'https://127.0.0.1:' . $this->port;
    }

    /** Client chunks over every connection that ended (what a fault's K counts). */
    public function totalChunks(float $waitSeconds = 2.0): int
    {
        return array_sum(array_column($this->connections($waitSeconds), 'chunks'));
    }

    /**
     * What the proxy saw, once the connections ended: per connection the client chunks and whether the fault fired.
     *
     * @return list<array{conn: int, chunks: int, fired: bool}>
     */
    public function connections(float $waitSeconds = 2.0): array
    {
        $deadline = microtime(true) + $waitSeconds;
        do {
            $lines = array_filter(explode("\n", (string) @file_get_contents($this->stateFile)));
            if ($lines !== []) {
                break;
            }
            usleep(20_000);
        } while (microtime(true) < $deadline);
        return array_map(static fn (string $l): array => (array) json_decode($l, true), array_values($lines));
    }

    public function stop(): void
    {
        if (is_resource($this->process)) {
            proc_terminate($this->process, 9);
            proc_close($this->process);
        }
        @unlink($this->stateFile);
    }

    public function __destruct()
    {
        $this->stop();
    }
}
