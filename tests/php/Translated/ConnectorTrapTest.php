<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Translated;

use MeshCentralConnector\Backend\BackendSelector;
use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\Exception\GuestTrapException;
use MeshCentralConnector\Runtime\GuestInstance;
use MeshCentralConnector\Runtime\WasmException;
use PHPUnit\Framework\TestCase;
use ReflectionProperty;
use RuntimeException;

/**
 * wit/connector.wit: an instance that trapped must not be used again. The facade drops it and runs the next call on a
 * fresh instance, on both backends; the fresh instance's memory is exactly that of a connector that never trapped.
 */
final class ConnectorTrapTest extends TestCase
{
    private const MARKER = 'trap-marker-5f1d';

    /** @return array<string, array{0: string}> */
    public static function backends(): array
    {
        return ['wasmer' => [BackendSelector::WASMER], 'translated' => [BackendSelector::TRANSLATED]];
    }

    private static function connector(string $backend, ?callable $hook = null): Connector
    {
        $lib = null;
        if ($backend === BackendSelector::WASMER) {
            if (!extension_loaded('ffi') || !is_file(TranslatedFixture::libPath())) {
                self::markTestSkipped('FFI or libwasmer not available (set MESHCONNECTOR_LIBWASMER)');
            }
            $lib = TranslatedFixture::libPath();
        }
        $wasm = TranslatedFixture::wasmPath();
        self::assertFileExists(BackendSelector::translatedPath($wasm), 'scripts/build-wasm.sh writes the translation beside the .wasm');
        return Connector::load($wasm, new ConnectorOptions(libwasmer: $lib, clock: static fn (): int => 1_700_000_000_000, transportHook: $hook, backend: $backend));
    }

    private static function instance(Connector $connector): GuestInstance
    {
        $instance = (new ReflectionProperty(Connector::class, 'instance'))->getValue($connector);
        self::assertInstanceOf(GuestInstance::class, $instance);
        return $instance;
    }

    private static function memory(GuestInstance $instance): string
    {
        return $instance->readMemory(0, $instance->memorySize());
    }

    /** @dataProvider backends */
    public function testTheCallAfterATrapRunsOnAFreshInstance(string $backend): void
    {
        $fail = false;
        $connector = null;
        $seen = '';
        $hook = static function (string $what) use (&$fail, &$connector, &$seen): void {
            if ($fail && $what === 'open') {
                $seen = self::memory(self::instance($connector));
                // Not a TransportException: the host function throws, which the guest sees as a trap.
                throw new RuntimeException('the host failed on purpose');
            }
        };
        $connector = self::connector($backend, $hook);
        self::assertSame(1000, $connector->call(['op' => 'version'])['abi']);
        $trapped = self::instance($connector);

        $fail = true;
        try {
            $connector->testConnection(['url' => 'https://127.0.0.1:9/' . self::MARKER, 'username' => self::MARKER, 'password' => 'p']);
            self::fail('the failing host function did not trap');
        } catch (GuestTrapException $e) {
            self::assertSame('trap', $e->kind);
            self::assertStringContainsString('the host failed on purpose', $e->getMessage());
        }
        self::assertStringContainsString(self::MARKER, $seen, 'the request was in the instance that trapped');
        try {
            $trapped->memorySize();
            self::fail('the trapped instance is still open');
        } catch (WasmException $e) {
            self::assertStringContainsString('closed', $e->getMessage());
        }
        self::assertSame(1, $connector->instancesCreated(), 'a fresh instance is made for the next call, not before');

        $fail = false;
        self::assertSame(1000, $connector->call(['op' => 'version'])['abi']);
        self::assertSame(2, $connector->instancesCreated());
        $fresh = self::instance($connector);
        self::assertNotSame($trapped, $fresh);

        // Nothing of the trapped instance leaked: its memory is byte for byte that of a connector that only ever
        // answered the same call.
        $reference = self::connector($backend);
        $reference->call(['op' => 'version']);
        $memory = self::memory($fresh);
        self::assertStringNotContainsString(self::MARKER, $memory);
        self::assertSame(hash('sha256', self::memory(self::instance($reference))), hash('sha256', $memory));

        // And the fresh instance does real work through the host imports again.
        try {
            $connector->testConnection(['url' => 'https://127.0.0.1:9', 'username' => 'u', 'password' => 'p']);
            self::fail('port 9 answered');
        } catch (\MeshCentralConnector\Exception\ConnectorException $e) {
            self::assertSame('unreachable', $e->kind);
        }
        self::assertSame(2, $connector->instancesCreated(), 'an error envelope is not a trap');
    }
}
