<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Runtime;

use LogicException;
use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\WasmException;
use MeshCentralConnector\Runtime\WasmInstance;
use MeshCentralConnector\Runtime\CompiledWasm;
use MeshCentralConnector\Runtime\WasmTrap;

final class WasmInstanceTest extends RuntimeTestCase
{
    /** @var list<array{int, int}> */
    private array $addCalls = [];
    private ?CompiledWasm $module = null;

    protected function tearDown(): void
    {
        $this->module?->close();
        $this->module = null;
    }

    /** @return array<string, array<string, HostFunction>> */
    private function imports(): array
    {
        return [
            'host' => [
                'add' => new HostFunction(['i32', 'i32'], ['i32'], function (int $a, int $b): int {
                    $this->addCalls[] = [$a, $b];
                    return $a + $b;
                }),
                'clock-now-ms' => new HostFunction([], ['i64'], static fn (): int => 1_700_000_000_123),
                'fail' => new HostFunction(['i32'], [], static function (int $code): void {
                    if ($code !== 0) {
                        throw new LogicException('host failure ' . $code);
                    }
                }),
            ],
        ];
    }

    private function instance(): WasmInstance
    {
        $this->module = CompiledWasm::compile(self::lib(), self::fixtureWasm('basic'));
        return $this->module->instantiate($this->imports());
    }

    public function testExportsReturnI32AndI64(): void
    {
        $instance = $this->instance();
        self::assertSame([42], $instance->call('answer'));
        self::assertSame(0x123456789ab, $instance->callInt('big'));
        self::assertSame(-1, $instance->callInt('neg'));
        self::assertSame(0xFFFFFFFF, $instance->callInt('neg') & 0xFFFFFFFF);
        self::assertSame(PHP_INT_MIN, $instance->callInt('echo64', PHP_INT_MIN));
        self::assertSame('compile', $this->module->loadKind());
        self::assertGreaterThan(0, $this->module->loadMicros());
        self::assertGreaterThan(0, $instance->instantiateMicros());
        $timings = $instance->timings();
        self::assertSame('compile', $timings['module_load']);
        self::assertSame(['library_us', 'module_us', 'module_load', 'backend', 'instantiate_us'], array_keys($timings));
    }

    public function testHostImportIsCalledWithArgsAndItsResultUsed(): void
    {
        $instance = $this->instance();
        self::assertSame(26, $instance->callInt('add-via-host', 6, 7));
        self::assertSame([[6, 7]], $this->addCalls);
        // u32 spelling of -1 goes in, arrives signed in the host function.
        self::assertSame(-4, $instance->callInt('add-via-host', 0xFFFFFFFF, -1));
        self::assertSame([-1, -1], $this->addCalls[1]);
        self::assertSame(1_700_000_000_124, $instance->callInt('clock-plus-one'));
    }

    public function testHostExceptionBecomesTrapAndInstanceSurvives(): void
    {
        $instance = $this->instance();
        try {
            $instance->call('call-fail', 3);
            self::fail('expected a WasmTrap');
        } catch (WasmTrap $trap) {
            self::assertStringContainsString('host.fail', $trap->getMessage());
            self::assertStringContainsString('LogicException: host failure 3', $trap->getMessage());
            self::assertInstanceOf(LogicException::class, $trap->getPrevious());
            self::assertSame($trap->getPrevious(), $trap->hostException());
            self::assertSame($trap->hostException(), $instance->lastHostException());
        }
        // The process and the instance are still fine.
        self::assertSame([7], $instance->call('call-fail', 0));
        self::assertSame(42, $instance->callInt('answer'));
    }

    public function testUnreachableIsAWasmTrap(): void
    {
        $instance = $this->instance();
        try {
            $instance->call('boom');
            self::fail('expected a WasmTrap');
        } catch (WasmTrap $trap) {
            self::assertStringContainsString('unreachable', $trap->getMessage());
            self::assertNull($trap->hostException());
        }
        self::assertSame(42, $instance->callInt('answer'));
    }

    public function testHostResultOfTheWrongTypeTraps(): void
    {
        $this->module = CompiledWasm::compile(self::lib(), self::fixtureWasm('basic'));
        $imports = $this->imports();
        $imports['host']['add'] = new HostFunction(['i32', 'i32'], ['i32'], static fn (): string => 'nope');
        $instance = $this->module->instantiate($imports);
        $this->expectException(WasmTrap::class);
        $this->expectExceptionMessage('expected an int');
        $instance->call('add-via-host', 1, 2);
    }

    public function testMemoryReadWriteAndBounds(): void
    {
        $instance = $this->instance();
        self::assertSame(65536, $instance->memorySize());
        $instance->writeMemory(100, 'hello');
        self::assertSame('hello', $instance->readMemory(100, 5));
        self::assertSame(ord('h'), $instance->callInt('load8', 100));
        self::assertSame('', $instance->readMemory(65536, 0));
        self::assertSame("\0", $instance->readMemory(65535, 1));

        $bad = [
            static fn () => $instance->readMemory(65536, 1),
            static fn () => $instance->readMemory(65530, 7),
            static fn () => $instance->readMemory(0, -1),
            static fn () => $instance->readMemory(-1, 1),           // -1 as a guest pointer is 0xFFFFFFFF
            static fn () => $instance->readMemory(0x100000000, 1),  // not a 32-bit value
            static fn () => $instance->readMemory(10, PHP_INT_MAX),
            static fn () => $instance->writeMemory(65534, 'abc'),
            static fn () => $instance->writeMemory(0xFFFFFFFF, 'a'),
        ];
        foreach ($bad as $i => $access) {
            try {
                $access();
                self::fail('access #' . $i . ' should have been refused');
            } catch (WasmException $e) {
                self::assertMatchesRegularExpression(
                    '/out of bounds|not a 32-bit value|Negative length/',
                    $e->getMessage()
                );
            }
        }
        self::assertSame('hello', $instance->readMemory(100, 5));
    }

    public function testMemoryGrownByTheGuestIsReadable(): void
    {
        $instance = $this->instance();
        $instance->writeMemory(65535, 'x');
        self::assertSame(1, $instance->callInt('grow-and-mark'));
        self::assertSame(2 * 65536, $instance->memorySize());
        self::assertSame("\xAB", $instance->readMemory(65536, 1));
        self::assertSame("x\xAB", $instance->readMemory(65535, 2));
        $instance->writeMemory(2 * 65536 - 3, 'end');
        self::assertSame('end', $instance->readMemory(2 * 65536 - 3, 3));

        self::assertTrue($instance->growMemory(2));
        self::assertSame(4 * 65536, $instance->memorySize());
        self::assertFalse($instance->growMemory(1), 'the module declares a 4-page maximum');
        self::assertSame("\0", $instance->readMemory(4 * 65536 - 1, 1));
    }

    public function testMissingImportIsAClearError(): void
    {
        $this->module = CompiledWasm::compile(self::lib(), self::fixtureWasm('basic'));
        $imports = $this->imports();
        unset($imports['host']['clock-now-ms']);
        $this->expectException(WasmException::class);
        $this->expectExceptionMessage('Missing import host.clock-now-ms: the module needs a host function () -> (i64)');
        $this->module->instantiate($imports);
    }

    public function testMistypedImportIsAClearError(): void
    {
        $this->module = CompiledWasm::compile(self::lib(), self::fixtureWasm('basic'));
        $imports = $this->imports();
        $imports['host']['clock-now-ms'] = new HostFunction([], ['i32'], static fn (): int => 1);
        $this->expectException(WasmException::class);
        $this->expectExceptionMessage('Import host.clock-now-ms has the wrong type: the module wants () -> (i64)');
        $this->module->instantiate($imports);
    }

    public function testUnknownExportAndWrongArity(): void
    {
        $instance = $this->instance();
        try {
            $instance->call('nope');
            self::fail('expected an exception');
        } catch (WasmException $e) {
            self::assertStringContainsString('no exported function "nope"', $e->getMessage());
        }
        $this->expectExceptionMessage('takes 2 arguments, 1 given');
        $instance->call('add-via-host', 1);
    }

    public function testImportListAndClose(): void
    {
        $this->module = CompiledWasm::compile(self::lib(), self::fixtureWasm('basic'));
        $names = array_map(static fn (array $i): string => $i['module'] . '.' . $i['name'], $this->module->imports());
        self::assertSame(['host.add', 'host.clock-now-ms', 'host.fail'], $names);
        $instance = $this->module->instantiate($this->imports());
        $this->module->close();
        $this->expectException(WasmException::class);
        $this->expectExceptionMessage('closed');
        $instance->call('answer');
    }

    public function testDroppedInstanceIsReleasedDespiteLiveCallbacks(): void
    {
        $this->module = CompiledWasm::compile(self::lib(), self::fixtureWasm('basic'));
        $instance = $this->module->instantiate($this->imports());
        self::assertSame(26, $instance->callInt('add-via-host', 6, 7));
        $ref = \WeakReference::create($instance);
        unset($instance);
        // The C callbacks outlive the instance (PHP keeps them until the request ends) but must not keep it alive.
        self::assertNull($ref->get());
        self::assertSame(42, $this->module->instantiate($this->imports())->callInt('answer'));
    }

    public function testInvalidWasmIsAClearError(): void
    {
        $this->expectException(WasmException::class);
        $this->expectExceptionMessage('Cannot compile the Wasm module');
        CompiledWasm::compile(self::lib(), "\0asm\x01\0\0\0garbage");
    }
}
