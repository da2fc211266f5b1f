<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Translated;

use MeshCentralConnector\Runtime\GuestInstance;
use MeshCentralConnector\Runtime\HostFunction;

/**
 * Host imports that play MeshCentral without a network, for benchmarks of the core alone on either backend: a
 * WebSocket open gets the server's greeting (serverinfo, userinfo), and every request the core sends gets the
 * replies the responder gives. Replies come from a captured transcript (tests/transcripts/*.json, replayed in order)
 * or are built per request (a `nodes` reply of N devices shaped like MeshCentral 1.1.55's).
 */
final class ReplayHost
{
    private ?GuestInstance $instance = null;
    private string $slot = '';
    /** @var list<string> frames the guest will receive next */
    private array $queue = [];
    /** @var list<string> */
    private array $greeting;
    /** @var callable(array<string, mixed>, string): list<string> */
    private $responder;
    /** @var null|callable(): void */
    private $onOpen = null;

    /**
     * @param list<string> $greeting frames sent by the server when a connection opens
     * @param callable(array<string, mixed>, string): list<string> $responder replies to one request (decoded, raw)
     */
    public function __construct(array $greeting, callable $responder)
    {
        $this->greeting = $greeting;
        $this->responder = $responder;
    }

    /**
     * Replays one captured operation: the greeting and, per request, the frames that followed it in the capture.
     */
    public static function fromTranscript(string $file): self
    {
        $t = json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
        $greeting = [];
        $replies = [];
        foreach ($t['sessions'][0] as $frame) {
            if ($frame['dir'] === 'send') {
                $replies[] = [];
            } elseif ($replies === []) {
                $greeting[] = $frame['text'];
            } else {
                $replies[count($replies) - 1][] = $frame['text'];
            }
        }
        $next = 0;
        $host = new self($greeting, static function () use (&$next, $replies): array {
            return $replies[$next++] ?? [];
        });
        // The replay restarts with every operation (each one opens a connection).
        $host->onOpen = static function () use (&$next): void {
            $next = 0;
        };
        return $host;
    }

    /** The greeting of a captured session (serverinfo + userinfo of the capture server's admin). */
    public static function capturedGreeting(string $file): array
    {
        $t = json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
        $greeting = [];
        foreach ($t['sessions'][0] as $frame) {
            if ($frame['dir'] === 'send') {
                break;
            }
            $greeting[] = $frame['text'];
        }
        return $greeting;
    }

    /**
     * A server whose group `$meshId` holds `$count` devices (every other one online): answers `nodes` and
     * `lastconnects` the way MeshCentral does.
     */
    public static function withDevices(string $greetingFile, string $meshId, int $count): self
    {
        $nodes = [];
        $last = [];
        for ($i = 0; $i < $count; $i++) {
            $id = 'node//' . substr(strtr(base64_encode(hash('sha384', "node$i", true)), '+/', '@$'), 0, 64);
            $name = sprintf('host-%04d', $i);
            $nodes[] = [
                '_id' => $id, 'name' => $name, 'rname' => $name, 'host' => '127.0.' . ($i & 255) . '.1', 'domain' => '', 'meshid' => $meshId,
                'agent' => ['ver' => 0, 'id' => $i % 3 === 0 ? 3 : 6, 'caps' => 15, 'core' => 'Sep 19 2025, 2960414213', 'root' => true],
                'conn' => $i % 2 === 0 ? 1 : 0, 'pwr' => $i % 2 === 0 ? 1 : 0, 'ip' => '127.0.' . ($i & 255) . '.7:52344',
                'osdesc' => $i % 3 === 0 ? 'Microsoft Windows 11 Pro - 23H2/22631' : 'Debian GNU/Linux 12 (bookworm)',
                'icon' => $i % 3 === 0 ? 1 : 8, 'mtype' => 2, 'agct' => 1795553175980 - $i, 'cict' => 1795553175000,
                'lastbootuptime' => 1795500000000 + $i, 'users' => ['root'], 'rs' => ['users' => []],
            ];
            $last[$id] = 1795553000000 + $i;
        }
        $greeting = self::capturedGreeting($greetingFile);
        return new self($greeting, static function (array $req) use ($meshId, $nodes, $last): array {
            $tags = ['responseid' => $req['responseid'] ?? null, 'tag' => $req['tag'] ?? null];
            switch ($req['action'] ?? '') {
                case 'nodes':
                    return [(string) json_encode(['action' => 'nodes'] + $tags + ['nodes' => [$meshId => $nodes]], JSON_UNESCAPED_SLASHES)];
                case 'lastconnects':
                    return [(string) json_encode(['action' => 'lastconnects'] + $tags + ['lastconnects' => $last], JSON_UNESCAPED_SLASHES)];
                default:
                    return [(string) json_encode(['action' => $req['action'] ?? ''] + $tags + ['result' => 'ok'])];
            }
        });
    }

    public function bind(GuestInstance $instance): void
    {
        $this->instance = $instance;
    }

    /** @return array<string, array<string, HostFunction>> */
    public function functions(): array
    {
        $i32 = 'i32';
        return ['host' => [
            'ws-open' => new HostFunction([$i32, $i32], [$i32], function (int $p, int $l): int {
                if ($this->onOpen !== null) {
                    ($this->onOpen)();
                }
                $this->queue = $this->greeting;
                return 1;
            }),
            'ws-send' => new HostFunction([$i32, $i32, $i32], [$i32], function (int $h, int $p, int $l): int {
                $frame = $this->instance->readMemory($p, $l & 0xFFFFFFFF);
                $req = json_decode($frame, true);
                foreach (($this->responder)(is_array($req) ? $req : [], $frame) as $reply) {
                    $this->queue[] = $reply;
                }
                return 0;
            }),
            'ws-recv' => new HostFunction([$i32, $i32], [$i32], function (int $h, int $t): int {
                if ($this->queue === []) {
                    return -2; // timed out: nothing more to say
                }
                $this->slot = array_shift($this->queue);
                return strlen($this->slot);
            }),
            'ws-close' => new HostFunction([$i32], [$i32], fn (int $h): int => 0),
            'result-read' => new HostFunction([$i32, $i32], [$i32], function (int $p, int $l): int {
                $n = min($l & 0xFFFFFFFF, strlen($this->slot));
                $this->instance->writeMemory($p, substr($this->slot, 0, $n));
                return $n;
            }),
            'clock-now-ms' => new HostFunction([], ['i64'], fn (): int => 1_795_553_176_000),
            'random-fill' => new HostFunction([$i32, $i32], [$i32], function (int $p, int $l): int {
                $this->instance->writeMemory($p, str_repeat("\x5a", $l & 0xFFFFFFFF));
                return 0;
            }),
            'log' => new HostFunction([$i32, $i32, $i32], [], static function (int $level, int $p, int $l): void {
            }),
        ]];
    }
}
