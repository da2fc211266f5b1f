<?php

declare(strict_types=1);

namespace MeshCentralConnector\Host;

use MeshCentralConnector\Runtime\GuestInstance;
use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Transport\TlsSettings;
use MeshCentralConnector\Transport\TransportException;
use MeshCentralConnector\Transport\WebSocketClient;

/**
 * The host side of `interface host` in wit/connector.wit: WebSocket transport, clock, randomness and log.
 *
 * Data going to the guest goes through one "result slot": a function that produces bytes stores them here and returns
 * their length, and the guest copies them in with `result-read`. So the host never writes into guest memory except
 * inside a (ptr, len) range the guest handed over, and the instance bounds-checks even that.
 */
final class HostImports
{
    public const FAILED = -1;
    public const TIMED_OUT = -2;
    public const CLOSED = -3;
    public const BAD_HANDLE = -4;
    public const TOO_LARGE = -5;

    /** Upper bound of a ws-open spec; a larger one is a guest bug. */
    private const MAX_SPEC_BYTES = 64 * 1024;

    private ?GuestInstance $instance = null;
    private string $slot = '';
    /** @var array<int, WebSocketClient> */
    private array $connections = [];
    private int $nextHandle = 0;
    /** @var callable(int, string): void */
    private $logger;
    /** @var callable(): int */
    private $clock;
    /** @var null|callable(string, string): void */
    private $transportHook;

    /**
     * @param null|callable(int, string): void $logger receives (level 0..3, message)
     * @param null|callable(): int             $clock  ms since the epoch; the wall clock unless a test shifts it
     * @param null|callable(string, string): void $transportHook called as ('open', url) and ('send', frame) before the
     *        real transport acts, and as ('recv', frame) after a frame arrived; a TransportException it throws is
     *        reported to the core as that transport failure (tests use it to cut a connection between two steps of an
     *        operation, and to record transcripts)
     */
    public function __construct(?callable $logger = null, ?callable $clock = null, ?callable $transportHook = null)
    {
        $this->transportHook = $transportHook;
        $this->logger = $logger ?? static function (int $level, string $message): void {
        };
        $this->clock = $clock ?? static fn (): int => (int) floor(microtime(true) * 1000);
    }

    /** Either backend's instance: the host only reads and writes guest memory through GuestInstance. */
    public function bind(GuestInstance $instance): void
    {
        $this->instance = $instance;
    }

    /** @return array<string, array<string, HostFunction>> */
    public function functions(): array
    {
        $i32 = 'i32';
        return ['host' => [
            'ws-open' => new HostFunction([$i32, $i32], [$i32], fn (int $p, int $l): int => $this->wsOpen($p, $l)),
            'ws-send' => new HostFunction([$i32, $i32, $i32], [$i32], fn (int $h, int $p, int $l): int => $this->wsSend($h, $p, $l)),
            'ws-recv' => new HostFunction([$i32, $i32], [$i32], fn (int $h, int $t): int => $this->wsRecv($h, $t)),
            'ws-close' => new HostFunction([$i32], [$i32], fn (int $h): int => $this->wsClose($h)),
            'result-read' => new HostFunction([$i32, $i32], [$i32], fn (int $p, int $l): int => $this->resultRead($p, $l)),
            'clock-now-ms' => new HostFunction([], ['i64'], fn (): int => ($this->clock)()),
            'random-fill' => new HostFunction([$i32, $i32], [$i32], fn (int $p, int $l): int => $this->randomFill($p, $l)),
            'log' => new HostFunction([$i32, $i32, $i32], [], function (int $level, int $p, int $l): void {
                ($this->logger)($level & 3, $this->memory()->readMemory($p, self::u32($l)));
            }),
        ]];
    }

    /** Closes every connection the guest left open (after a trap, for instance). */
    public function closeAll(): void
    {
        foreach ($this->connections as $client) {
            $client->close();
        }
        $this->connections = [];
    }

    /**
     * Forgets everything kept for the current instance (its connections and the result slot), so a fresh instance
     * made after a trap starts from nothing the failed one left behind.
     */
    public function reset(): void
    {
        $this->closeAll();
        $this->slot = '';
        $this->instance = null;
    }

    /** A host-side message through the same logger as the guest's (level: 0 error, 1 warn, 2 info, 3 debug). */
    public function log(int $level, string $message): void
    {
        ($this->logger)($level & 3, $message);
    }

    private function wsOpen(int $ptr, int $len): int
    {
        $len = self::u32($len);
        if ($len > self::MAX_SPEC_BYTES) {
            return $this->fail('host', 'ws-open spec too large');
        }
        $spec = json_decode($this->memory()->readMemory($ptr, $len), true);
        if (!is_array($spec) || !is_string($spec['url'] ?? null)) {
            return $this->fail('host', 'ws-open spec is not valid JSON');
        }
        $tls = is_array($spec['tls'] ?? null) ? $spec['tls'] : [];
        $headers = [];
        foreach (is_array($spec['headers'] ?? null) ? $spec['headers'] : [] as $h) {
            if (is_array($h) && is_string($h[0] ?? null) && is_string($h[1] ?? null)) {
                $headers[] = [$h[0], $h[1]];
            }
        }
        try {
            if ($this->transportHook !== null) {
                ($this->transportHook)('open', $spec['url']);
            }
            $client = WebSocketClient::connect(
                $spec['url'],
                $headers,
                new TlsSettings(
                    ($tls['verify'] ?? true) !== false,
                    is_string($tls['ca_file'] ?? null) ? $tls['ca_file'] : null,
                    is_string($tls['pin_sha384'] ?? null) ? $tls['pin_sha384'] : null
                ),
                max(1, (int) ($spec['connect_timeout_ms'] ?? 15000)),
                max(1024, (int) ($spec['max_message_bytes'] ?? 16 << 20))
            );
        } catch (TransportException $e) {
            return $this->fail($e->kind, $e->getMessage());
        }
        $handle = $this->nextHandle++;
        $this->connections[$handle] = $client;
        return $handle;
    }

    private function wsSend(int $handle, int $ptr, int $len): int
    {
        $client = $this->connections[$handle] ?? null;
        if ($client === null) {
            return self::BAD_HANDLE;
        }
        try {
            $frame = $this->memory()->readMemory($ptr, self::u32($len));
            if ($this->transportHook !== null) {
                ($this->transportHook)('send', $frame);
            }
            $client->send($frame);
            return 0;
        } catch (TransportException $e) {
            return $this->transportStatus($e);
        }
    }

    private function wsRecv(int $handle, int $timeoutMs): int
    {
        $client = $this->connections[$handle] ?? null;
        if ($client === null) {
            return self::BAD_HANDLE;
        }
        try {
            $this->slot = $client->receive(max(1, self::u32($timeoutMs)));
            if ($this->transportHook !== null) {
                ($this->transportHook)('recv', $this->slot);
            }
            return strlen($this->slot);
        } catch (TransportException $e) {
            return $this->transportStatus($e);
        }
    }

    private function wsClose(int $handle): int
    {
        $client = $this->connections[$handle] ?? null;
        if ($client === null) {
            return self::BAD_HANDLE;
        }
        unset($this->connections[$handle]);
        $client->close();
        return 0;
    }

    private function resultRead(int $ptr, int $len): int
    {
        $n = min(self::u32($len), strlen($this->slot));
        $this->memory()->writeMemory($ptr, substr($this->slot, 0, $n));
        return $n;
    }

    private function randomFill(int $ptr, int $len): int
    {
        $len = self::u32($len);
        if ($len > 1 << 20) {
            return self::FAILED;
        }
        $this->memory()->writeMemory($ptr, $len === 0 ? '' : random_bytes($len));
        return 0;
    }

    private function transportStatus(TransportException $e): int
    {
        switch ($e->kind) {
            case 'timeout':
                return self::TIMED_OUT;
            case 'closed':
                $this->slot = $e->getMessage();
                return self::CLOSED;
            case 'too_large':
                return self::TOO_LARGE;
            default:
                return $this->fail($e->kind, $e->getMessage());
        }
    }

    private function fail(string $kind, string $message): int
    {
        $this->slot = (string) json_encode(['kind' => $kind, 'message' => $message], JSON_INVALID_UTF8_SUBSTITUTE);
        return self::FAILED;
    }

    private function memory(): GuestInstance
    {
        if ($this->instance === null) {
            throw new \LogicException('HostImports used before bind()');
        }
        return $this->instance;
    }

    private static function u32(int $v): int
    {
        return $v & 0xFFFFFFFF;
    }
}
