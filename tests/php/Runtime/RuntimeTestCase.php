<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Runtime;

use MeshCentralConnector\Runtime\WasmerLibrary;
use PHPUnit\Framework\TestCase;

/**
 * Shared setup: one libwasmer per test process (loading it is the slow part) and WAT fixtures compiled with the
 * library's own wat2wasm, so the tests need no external toolchain.
 */
abstract class RuntimeTestCase extends TestCase
{
    public const DEFAULT_LIB = '/root/.cache/meshcentral-connector/libwasmer-7.4.2-697cd73b2cb6-x86_64/libwasmer.so';

    private static ?WasmerLibrary $lib = null;

    public static function libPath(): string
    {
        $env = getenv(WasmerLibrary::ENV_LIBRARY);
        return is_string($env) && $env !== '' ? $env : self::DEFAULT_LIB;
    }

    protected static function lib(): WasmerLibrary
    {
        if (!is_file(self::libPath())) {
            self::markTestSkipped('libwasmer not found at ' . self::libPath() . ' (set MESHCONNECTOR_LIBWASMER)');
        }
        return self::$lib ??= new WasmerLibrary(self::libPath());
    }

    protected static function fixtureWasm(string $name): string
    {
        $wat = file_get_contents(__DIR__ . '/fixtures/' . $name . '.wat');
        self::assertIsString($wat);
        return self::lib()->wat2wasm($wat);
    }
}
