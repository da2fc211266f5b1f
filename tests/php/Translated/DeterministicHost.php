<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Translated;

use MeshCentralConnector\Runtime\HostFunction;

/**
 * The host imports of wit/connector.wit with reproducible behaviour, usable with either backend (WasmInstance or
 * TranslatedInstance: only readMemory/writeMemory are used): a fixed clock, a seeded random stream, WebSocket opens
 * that fail with a connect error, and a log that is recorded.
 */
final class DeterministicHost
{
    /** @var null|object with readMemory(int, int): string and writeMemory(int, string): void */
    private ?object $instance = null;
    private string $slot = '';
    private int $state;
    /** @var list<string> */
    public array $calls = [];

    public function __construct(int $seed = 1, private int $nowMs = 1_700_000_000_000)
    {
        $this->state = $seed ?: 1;
    }

    public function bind(object $instance): void
    {
        $this->instance = $instance;
    }

    private function next(): int
    {
        // xorshift64*
        $x = $this->state;
        $x ^= ($x << 13);
        $x ^= ($x >> 7) & 0x01FFFFFFFFFFFFFF;
        $x ^= ($x << 17);
        $this->state = $x;
        return $x & 0xFF;
    }

    private function bytes(int $n): string
    {
        $s = '';
        for ($i = 0; $i < $n; $i++) {
            $s .= chr($this->next());
        }
        return $s;
    }

    /** @return array<string, array<string, HostFunction>> */
    public function functions(): array
    {
        $i32 = 'i32';
        return ['host' => [
            'ws-open' => new HostFunction([$i32, $i32], [$i32], function (int $p, int $l): int {
                $spec = $this->instance->readMemory($p, $l & 0xFFFFFFFF);
                $this->calls[] = 'ws-open ' . $spec;
                $this->slot = '{"kind":"connect","message":"connection refused (deterministic test host)"}';
                return -1;
            }),
            'ws-send' => new HostFunction([$i32, $i32, $i32], [$i32], fn (int $h, int $p, int $l): int => -4),
            'ws-recv' => new HostFunction([$i32, $i32], [$i32], fn (int $h, int $t): int => -4),
            'ws-close' => new HostFunction([$i32], [$i32], fn (int $h): int => -4),
            'result-read' => new HostFunction([$i32, $i32], [$i32], function (int $p, int $l): int {
                $n = min($l & 0xFFFFFFFF, strlen($this->slot));
                $this->instance->writeMemory($p, substr($this->slot, 0, $n));
                return $n;
            }),
            'clock-now-ms' => new HostFunction([], ['i64'], fn (): int => $this->nowMs),
            'random-fill' => new HostFunction([$i32, $i32], [$i32], function (int $p, int $l): int {
                if (($l & 0xFFFFFFFF) > 1 << 20) {
                    return -1;
                }
                $this->instance->writeMemory($p, $this->bytes($l & 0xFFFFFFFF));
                return 0;
            }),
            'log' => new HostFunction([$i32, $i32, $i32], [], function (int $level, int $p, int $l): void {
                $this->calls[] = 'log ' . $level . ' ' . $this->instance->readMemory($p, $l & 0xFFFFFFFF);
            }),
        ]];
    }
}
