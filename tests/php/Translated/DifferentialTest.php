<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Translated;

use MeshCentralConnector\Runtime\GuestInstance;
use MeshCentralConnector\Runtime\WasmException;
use PHPUnit\Framework\TestCase;

/**
 * The release module on both backends (Wasmer through FFI, and the PHP translation) fed the same pseudo-random inputs:
 * every export result, trap message, host call and the whole linear memory must be identical after every step.
 * Seeds are fixed so a failure reproduces; MESHCONNECTOR_DIFF_SEED / MESHCONNECTOR_DIFF_ROUNDS explore further.
 */
final class DifferentialTest extends TestCase
{
    private int $rng = 1;

    private function rand(int $n): int
    {
        // xorshift64*, reproducible across PHP versions (mt_rand's sequence is not part of this test's contract)
        $x = $this->rng;
        $x ^= $x << 13;
        $x ^= ($x >> 7) & 0x01FFFFFFFFFFFFFF;
        $x ^= $x << 17;
        $this->rng = $x;
        return (($x >> 1) & PHP_INT_MAX) % $n;
    }

    private function pick(array $list)
    {
        return $list[$this->rand(count($list))];
    }

    private function str(int $max, string $alphabet = 'abcdefghijklmnopqrstuvwxyzABC0123456789-_./:@é'): string
    {
        $n = $this->rand($max + 1);
        $s = '';
        for ($i = 0; $i < $n; $i++) {
            $s .= $alphabet[$this->rand(strlen($alphabet))];
        }
        return $s;
    }

    private function hex(int $n): string
    {
        return $this->str(0, '') . substr(str_repeat(bin2hex(pack('J', $this->rng)), intdiv($n, 16) + 1), 0, $n);
    }

    private function value()
    {
        switch ($this->rand(9)) {
            case 0:
                return null;
            case 1:
                return $this->rand(2) === 1;
            case 2:
                return $this->rand(1 << 20) - (1 << 19);
            case 3:
                return $this->pick([0, -1, 4294967295, 4294967296, PHP_INT_MAX, PHP_INT_MIN, 1.5, -0.0, 1e300]);
            case 4:
                return $this->str(40);
            case 5:
                return [$this->str(5), $this->rand(100)];
            case 6:
                return ['url' => $this->str(20)];
            default:
                return $this->str(8);
        }
    }

    private function baseUrl(): string
    {
        return $this->pick([
            'https://mc.example.com', 'https://mc.example.com/', 'http://127.0.0.1:4430', 'https://mc.example.com/domain',
            'https://mc.example.com/?q=1', 'https://user:pw@mc.example.com', 'ftp://mc.example.com', '', 'not a url',
            'https://' . $this->str(30), 'https://[::1]:443', 'https://mc.example.com/a/b',
        ]);
    }

    private function server(): array
    {
        $s = ['url' => $this->pick(['wss://127.0.0.1:1', 'https://127.0.0.1:9', 'http://localhost', $this->baseUrl()]), 'username' => $this->str(12)];
        if ($this->rand(2) === 1) {
            $s['password'] = $this->str(16);
        }
        if ($this->rand(3) === 0) {
            $s['login_token_key'] = $this->hex($this->pick([160, 160, 158, 10]));
        }
        if ($this->rand(4) === 0) {
            $s['tls'] = ['verify' => $this->rand(2) === 1, 'pin_sha384' => $this->rand(2) === 1 ? $this->hex(96) : null];
        }
        if ($this->rand(4) === 0) {
            $s[$this->str(6)] = $this->value();
        }
        return $s;
    }

    /** One request body (usually JSON, sometimes broken). */
    private function requestBody(): string
    {
        $k = $this->rand(20);
        if ($k === 0) {
            return $this->str(200, "{}[]\",:0123456789abcnultrfe \\\x00\xff\xc3");
        }
        if ($k === 1) {
            $depth = $this->rand(400);
            return str_repeat('[', $depth) . str_repeat(']', $this->rand(2) === 1 ? $depth : $this->rand($depth + 1));
        }
        if ($k === 2) {
            return json_encode(['op' => 'version', 'pad' => str_repeat('x', $this->rand(60000))]);
        }
        $op = $this->pick(['version', 'login_url', 'login_url', 'login_url', 'server_settings', 'server_settings', 'test_connection', 'invite_link', 'installer_links', 'devices', 'usage', 'nope', '']);
        $req = ['op' => $op];
        switch ($op) {
            case 'login_url':
                $req += [
                    'base_url' => $this->baseUrl(),
                    'login_token_key' => $this->rand(5) === 0 ? $this->str(160) : $this->hex(160),
                    'user' => $this->pick(['admin', 'alice', 'Bob Smith', '', $this->str(70), 'ü']),
                    'lifetime_seconds' => $this->pick([10, 60, 300, 3600, 9, 3601, 0, -5, 4294967296, 1.5, '60']),
                ];
                if ($this->rand(3) === 0) {
                    $req['node_id'] = $this->pick(['node//abc$DEF@+/=_-', 'abc', '', 'node//', 'bad id!', $this->str(60)]);
                    $req['view_mode'] = $this->pick([11, 12, 13, 10, 14, null, 255, 256]);
                }
                break;
            case 'server_settings':
                $line = fn (): string => $this->pick([
                    $this->hex(160), $this->hex(158), 'login_token_key=' . $this->hex(160), 'ca_file=/ca.pem', 'pin_sha384=' . $this->hex(96),
                    'verify_tls=' . $this->pick(['no', 'yes', 'maybe', '', 'OFF']), 'allow_plaintext=' . $this->pick(['yes', 'no', '2']),
                    'accepted_creators=' . $this->pick(['a,b', 'a,,b', 'a b', '']), $this->str(12), '',
                ]);
                $req += [
                    'hostname' => $this->pick(['127.0.0.1', '127.0.0.1:4430', 'https://127.0.0.1:4430/', 'http://mesh.example.invalid', '::1', '[::1]:4430',
                        'https://localhost/tenant1/', 'mesh.example.invalid:99999', 'ftp://127.0.0.1', '', $this->str(20), 'bücher.invalid']),
                    'ip' => $this->pick(['', '127.0.0.1', null, 7]),
                    'port' => $this->pick(['', '443', '80', '4430', 4430, 0, '-1', 'x', null, 70000]),
                    'secure' => $this->pick([true, false, 'on', '', '1', '0', null, 'maybe', 2]),
                    'username' => $this->pick(['admin', '', '~t:tok', 'a b']),
                    'password' => $this->pick(['pw', '', $this->str(10)]),
                    'accesshash' => implode($this->pick(["\n", "\r\n"]), [$line(), $line(), $line()]),
                ];
                if ($this->rand(3) === 0) {
                    $req['legacy_server_url'] = $this->pick(['https://127.0.0.1:4430', '', 'x y']);
                    $req['legacy_api_key'] = $this->pick([$this->hex(160), 'user:pw', '~t:t:pw', 'nocolon', '']);
                }
                break;
            case 'installer_links':
                $req += ['base_url' => $this->baseUrl(), 'mesh_id' => $this->pick(['mesh//' . $this->hex(64), $this->str(20), ''])];
                if ($this->rand(2) === 1) {
                    $req['platforms'] = [$this->pick(['windows', 'linux', 'macos', 'x'])];
                }
                break;
            case 'test_connection':
            case 'devices':
            case 'invite_link':
            case 'usage':
                $req['server'] = $this->server();
                $req['mesh_id'] = 'mesh//' . $this->hex(64);
                $req['mesh_ids'] = [$req['mesh_id']];
                $req['expire_hours'] = $this->pick([1, 24, 0, 9000]);
                break;
        }
        if ($this->rand(6) === 0) {
            $req[$this->str(8)] = $this->value();
        }
        if ($this->rand(8) === 0) {
            unset($req[$this->pick(array_keys($req))]);
        }
        return (string) json_encode($req, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PARTIAL_OUTPUT_ON_ERROR);
    }

    /**
     * @param GuestInstance $instance
     * @return string what happened, as text
     */
    private static function outcome(GuestInstance $instance, callable $step): string
    {
        try {
            return 'ok ' . json_encode($step($instance));
        } catch (WasmException $e) {
            return get_class($e) . ': ' . $e->getMessage();
        }
    }

    /** @param GuestInstance $instance */
    private static function state(GuestInstance $instance, DeterministicHost $host): string
    {
        $size = $instance->memorySize();
        return $size . ' ' . hash('sha256', $instance->readMemory(0, $size)) . ' ' . hash('sha256', implode("\n", $host->calls));
    }

    private function compare(int $seed, int $rounds, bool $raw): int
    {
        $this->rng = $seed;
        $hw = new DeterministicHost($seed);
        $ht = new DeterministicHost($seed);
        $w = TranslatedFixture::wasmer($hw->functions());
        $hw->bind($w);
        $t = TranslatedFixture::translated($ht->functions());
        $ht->bind($t);
        self::assertSame(self::state($w, $hw), self::state($t, $ht), 'initial state');
        $steps = 0;
        for ($i = 0; $i < $rounds; $i++) {
            if ($raw) {
                $size = $w->memorySize();
                $call = $this->pick([
                    ['alloc', $this->pick([0, 1, 7, 64, 4096, 70000, 1 << 22, 0xFFFFFFFF, $this->rand(1 << 20)])],
                    ['dealloc', $this->pick([0, 8, $this->rand($size), $size - 8]), $this->pick([0, 1, 16, $this->rand(4096)])],
                    ['call', $this->pick([0, 8, $this->rand($size), $size - 4, 0x7FFFFFF0]), $this->pick([0, 2, 100, $this->rand(200)])],
                    ['result-ptr'],
                    ['abi-version'],
                ]);
                $step = static fn ($i) => $i->call(...$call);
                $label = json_encode($call);
            } else {
                $body = $this->requestBody();
                $step = static function ($i) use ($body) {
                    $ptr = $i->callInt('alloc', strlen($body));
                    $i->writeMemory($ptr, $body);
                    $len = $i->callInt('call', $ptr, strlen($body)) & 0xFFFFFFFF;
                    return $i->readMemory($i->callInt('result-ptr'), $len);
                };
                $label = substr($body, 0, 300);
            }
            $a = self::outcome($w, $step);
            $b = self::outcome($t, $step);
            self::assertSame($a, $b, "seed $seed step $i: $label");
            self::assertSame(self::state($w, $hw), self::state($t, $ht), "memory or host calls differ after seed $seed step $i: $label");
            $steps++;
        }
        $w->close();
        $t->close();
        return $steps;
    }

    private static function env(string $name, int $default): int
    {
        $v = getenv($name);
        return is_string($v) && $v !== '' ? (int) $v : $default;
    }

    public function testRequestsGiveIdenticalResponsesMemoryAndHostCalls(): void
    {
        $seed = self::env('MESHCONNECTOR_DIFF_SEED', 20260101);
        $rounds = self::env('MESHCONNECTOR_DIFF_ROUNDS', 150);
        $steps = 0;
        foreach ([$seed, $seed + 1, $seed + 2] as $s) {
            $steps += $this->compare($s, $rounds, false);
        }
        self::assertSame(3 * $rounds, $steps);
    }

    public function testRawExportCallsGiveIdenticalResultsAndTraps(): void
    {
        $seed = self::env('MESHCONNECTOR_DIFF_SEED', 777);
        $steps = 0;
        // Short sequences on fresh instances: garbage pointers given to dealloc/call corrupt the allocator, and the
        // point is that both backends go wrong in exactly the same way. Allocations stay far below the translated
        // backend's memory cap (GeneratedCode::$memoryCap), where the two would rightly differ.
        for ($s = $seed; $s < $seed + 40; $s++) {
            $steps += $this->compare($s, 6, true);
        }
        self::assertSame(240, $steps);
    }
}
