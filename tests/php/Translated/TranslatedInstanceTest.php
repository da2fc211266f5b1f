<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Translated;

use DomainException;
use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\WasmException;
use MeshCentralConnector\Runtime\WasmInstance;
use MeshCentralConnector\Runtime\WasmTrap;
use MeshCentralConnector\Translated\TranslatedInstance;
use PHPUnit\Framework\TestCase;
use ReflectionClass;
use ReflectionMethod;

/** The translated release module behind the WasmInstance-shaped API. */
final class TranslatedInstanceTest extends TestCase
{
    private static function request(TranslatedInstance $instance, array $req): array
    {
        $json = json_encode($req, JSON_UNESCAPED_SLASHES);
        $ptr = $instance->callInt('alloc', strlen($json));
        $instance->writeMemory($ptr, $json);
        $len = $instance->callInt('call', $ptr, strlen($json)) & 0xFFFFFFFF;
        return json_decode($instance->readMemory($instance->callInt('result-ptr'), $len), true);
    }

    private static function instance(?DeterministicHost $host = null): TranslatedInstance
    {
        $host ??= new DeterministicHost();
        $instance = TranslatedFixture::translated($host->functions());
        $host->bind($instance);
        return $instance;
    }

    public function testMirrorsThePublicApiOfWasmInstance(): void
    {
        $wanted = ['call', 'callInt', 'readMemory', 'writeMemory', 'memorySize', 'growMemory', 'hasExport',
            'lastHostException', 'close', 'instantiateMicros', 'timings'];
        foreach ($wanted as $name) {
            $w = new ReflectionMethod(WasmInstance::class, $name);
            $t = new ReflectionMethod(TranslatedInstance::class, $name);
            self::assertSame((string) $w->getReturnType(), (string) $t->getReturnType(), $name);
            $wp = array_map(static fn ($p) => [$p->getName(), (string) $p->getType(), $p->isVariadic()], $w->getParameters());
            $tp = array_map(static fn ($p) => [$p->getName(), (string) $p->getType(), $p->isVariadic()], $t->getParameters());
            self::assertSame($wp, $tp, $name);
        }
        self::assertTrue((new ReflectionClass(TranslatedInstance::class))->isFinal());
    }

    public function testRunsTheReleaseModule(): void
    {
        $instance = self::instance();
        self::assertSame(1000, $instance->callInt('abi-version'));
        self::assertTrue($instance->hasExport('call'));
        self::assertTrue($instance->hasExport('memory'));
        self::assertFalse($instance->hasExport('nope'));
        $version = self::request($instance, ['op' => 'version']);
        self::assertTrue($version['ok']);
        self::assertSame(1000, $version['value']['abi']);

        $login = self::request($instance, [
            'op' => 'login_url',
            'base_url' => 'https://mc.example.com',
            'login_token_key' => str_repeat('ab', 80),
            'user' => 'alice',
            'lifetime_seconds' => 60,
        ]);
        self::assertTrue($login['ok'], json_encode($login));
        self::assertStringStartsWith('https://mc.example.com/?login=', $login['value']['url']);
        self::assertSame(1_700_000_060_000, $login['value']['expires_at_ms']);

        $bad = self::request($instance, ['op' => 'login_url', 'base_url' => 'ftp://x', 'login_token_key' => 'k', 'user' => 'a', 'lifetime_seconds' => 60]);
        self::assertFalse($bad['ok']);
        self::assertSame('invalid_input', $bad['error']['kind']);
    }

    public function testGuestTrapIsAWasmTrapAndTheInstanceStaysUsable(): void
    {
        $instance = self::instance();
        try {
            $instance->call('call', 0x7FFFFFF0, 100);
            self::fail('no trap');
        } catch (WasmTrap $trap) {
            self::assertSame('out of bounds memory access', $trap->getMessage());
            self::assertNull($trap->hostException());
        }
        try {
            $instance->call('alloc', -1);
            self::fail('no trap');
        } catch (WasmTrap $trap) {
            self::assertSame('unreachable', $trap->getMessage());
        }
        self::assertSame(1000, $instance->callInt('abi-version'));
        self::assertTrue(self::request($instance, ['op' => 'version'])['ok']);
    }

    public function testHostExceptionBecomesATrapCarryingIt(): void
    {
        $host = new DeterministicHost();
        $functions = $host->functions();
        $functions['host']['random-fill'] = new HostFunction(['i32', 'i32'], ['i32'], static function (): int {
            throw new DomainException('no entropy');
        });
        $instance = TranslatedFixture::translated($functions);
        $host->bind($instance);
        try {
            self::request($instance, ['op' => 'login_url', 'base_url' => 'https://mc.example.com', 'login_token_key' => str_repeat('ab', 80), 'user' => 'alice', 'lifetime_seconds' => 60]);
            self::fail('no trap');
        } catch (WasmTrap $trap) {
            self::assertSame('host function host.random-fill threw DomainException: no entropy', $trap->getMessage());
            self::assertInstanceOf(DomainException::class, $trap->hostException());
            self::assertSame($trap->hostException(), $instance->lastHostException());
        }
    }

    public function testHostResultsAreChecked(): void
    {
        $host = new DeterministicHost();
        $functions = $host->functions();
        $functions['host']['clock-now-ms'] = new HostFunction([], ['i64'], static fn () => 'noon');
        $instance = TranslatedFixture::translated($functions);
        $host->bind($instance);
        $this->expectException(WasmTrap::class);
        $this->expectExceptionMessage('expected an int');
        self::request($instance, ['op' => 'login_url', 'base_url' => 'https://mc.example.com', 'login_token_key' => str_repeat('ab', 80), 'user' => 'alice', 'lifetime_seconds' => 60]);
    }

    public function testImportsAreMatchedLikeTheWasmerBackend(): void
    {
        $functions = (new DeterministicHost())->functions();
        unset($functions['host']['clock-now-ms']);
        try {
            TranslatedFixture::translated($functions);
            self::fail('instantiated without an import');
        } catch (WasmException $e) {
            self::assertSame('Missing import host.clock-now-ms: the module needs a host function () -> (i64)', $e->getMessage());
        }
        $functions['host']['clock-now-ms'] = new HostFunction([], ['i32'], static fn () => 1);
        $this->expectException(WasmException::class);
        $this->expectExceptionMessage('Import host.clock-now-ms has the wrong type: the module wants () -> (i64)');
        TranslatedFixture::translated($functions);
    }

    public function testCallAndMemoryArgumentsAreChecked(): void
    {
        $instance = self::instance();
        $size = $instance->memorySize();
        self::assertSame(0, $size % 65536);
        foreach ([[-1, 1], [$size, 1], [$size - 1, 2], [0x1_0000_0000, 0], [0, -1]] as [$ptr, $len]) {
            try {
                $instance->readMemory($ptr, $len);
                self::fail("read [$ptr, +$len) allowed");
            } catch (WasmException $e) {
                self::assertMatchesRegularExpression('/out of bounds|not a 32-bit value|Negative length/', $e->getMessage());
            }
        }
        self::assertSame('', $instance->readMemory($size, 0));
        $instance->writeMemory($size - 3, 'abc');
        self::assertSame('abc', $instance->readMemory($size - 3, 3));
        self::assertSame($size, $instance->memorySize(), 'a write never grows the memory');
        $big = random_bytes(10000);
        $instance->writeMemory(1 << 16, $big);
        self::assertSame($big, $instance->readMemory(1 << 16, 10000));
        self::assertTrue($instance->growMemory(1));
        self::assertSame($size + 65536, $instance->memorySize());

        try {
            $instance->call('nope');
            self::fail('unknown export called');
        } catch (WasmException $e) {
            self::assertStringContainsString('no exported function "nope"', $e->getMessage());
        }
        try {
            $instance->call('dealloc', 1);
            self::fail('wrong arity accepted');
        } catch (WasmException $e) {
            self::assertStringContainsString('takes 2 arguments, 1 given', $e->getMessage());
        }
        $instance->close();
        $this->expectExceptionMessage('closed');
        $instance->callInt('abi-version');
    }

    public function testTranslationIsDeterministic(): void
    {
        $a = file_get_contents(TranslatedFixture::translatedPath());
        $again = sys_get_temp_dir() . '/meshconnector-wasm2php/again-' . getmypid() . '.php';
        TranslatedFixture::run(sprintf('%s %s %s --class MeshCentralConnectorWasm', escapeshellarg(TranslatedFixture::translator()), escapeshellarg(TranslatedFixture::wasmPath()), escapeshellarg($again)));
        $b = file_get_contents($again);
        unlink($again);
        self::assertSame(hash('sha256', $a), hash('sha256', $b));
    }
}
