<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Translated;

use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\WasmerLibrary;
use MeshCentralConnector\Runtime\WasmInstance;
use MeshCentralConnector\Runtime\CompiledWasm;
use MeshCentralConnector\Translated\TranslatedInstance;
use MeshCentralConnector\Translated\TranslatedWasm;
use PHPUnit\Framework\TestCase;
use RuntimeException;

/**
 * The release module and its PHP translation for the tests: the translator (tools/wasm2php) is built with cargo if
 * needed and run once per test process into a temporary directory keyed by the .wasm's hash.
 */
final class TranslatedFixture
{
    public const CLASS_NAME = 'MeshCentralConnector\\Translated\\Generated\\MeshCentralConnectorWasm';
    public const DEFAULT_LIB = '/root/.cache/meshcentral-connector/libwasmer-7.4.2-697cd73b2cb6-x86_64/libwasmer.so';

    private static ?string $translated = null;
    private static ?WasmerLibrary $lib = null;
    private static ?CompiledWasm $wasmerModule = null;

    public static function root(): string
    {
        return dirname(__DIR__, 3);
    }

    public static function wasmPath(): string
    {
        $env = getenv('MESHCONNECTOR_WASM');
        $path = is_string($env) && $env !== '' ? $env : self::root() . '/build/meshcentral_connector.wasm';
        if (!is_file($path)) {
            TestCase::markTestSkipped("$path not built (scripts/build-wasm.sh)");
        }
        return $path;
    }

    /**
     * The PHP memory limit the "no php.ini" (-n) runs set: compiling the ~8.5 MB translated module without opcache
     * peaks at ~125 MiB, over PHP's built-in default of 128M once the script's own memory is added (the README's
     * translated-backend section asks admins for memory_limit >= 256M).
     */
    public const MEMORY_LIMIT = '-d memory_limit=256M';

    /** Runs a command, failing the test with its output when it exits non-zero. */
    public static function run(string $cmd): string
    {
        $out = [];
        exec($cmd . ' 2>&1', $out, $code);
        if ($code !== 0) {
            throw new RuntimeException("`$cmd` exited $code:\n" . implode("\n", $out));
        }
        return implode("\n", $out);
    }

    /** The translator binary, built from tools/wasm2php (or WASM2PHP when set). */
    public static function translator(): string
    {
        $env = getenv('WASM2PHP');
        if (is_string($env) && $env !== '') {
            return $env;
        }
        // From inside tools/wasm2php so its .cargo/config.toml applies: the build shares the repository's target/.
        $dir = self::root() . '/tools/wasm2php';
        self::run('cd ' . escapeshellarg($dir) . ' && cargo build --quiet --release --locked -p wasm2php');
        $meta = json_decode(self::run('cd ' . escapeshellarg($dir) . ' && cargo metadata --format-version 1 --no-deps --locked'), true);
        return $meta['target_directory'] . '/release/wasm2php';
    }

    /** The generated PHP file of the release module (translated once per process). */
    public static function translatedPath(): string
    {
        if (self::$translated !== null) {
            return self::$translated;
        }
        $wasm = self::wasmPath();
        $dir = sys_get_temp_dir() . '/meshconnector-wasm2php';
        if (!is_dir($dir)) {
            mkdir($dir, 0700, true);
        }
        $out = $dir . '/' . hash_file('sha256', $wasm) . '-' . getmypid() . '.php';
        $parts = explode('\\', self::CLASS_NAME);
        $class = array_pop($parts);
        self::run(sprintf(
            '%s %s %s --class %s --namespace %s',
            escapeshellarg(self::translator()),
            escapeshellarg($wasm),
            escapeshellarg($out),
            escapeshellarg($class),
            escapeshellarg(implode('\\', $parts))
        ));
        register_shutdown_function(static function () use ($out): void {
            @unlink($out);
        });
        return self::$translated = $out;
    }

    public static function translatedModule(): TranslatedWasm
    {
        return TranslatedWasm::load(self::translatedPath(), self::CLASS_NAME);
    }

    /** @param array<string, array<string, HostFunction>> $imports */
    public static function translated(array $imports): TranslatedInstance
    {
        return self::translatedModule()->instantiate($imports);
    }

    public static function libPath(): string
    {
        $env = getenv(WasmerLibrary::ENV_LIBRARY);
        return is_string($env) && $env !== '' ? $env : self::DEFAULT_LIB;
    }

    /** @param array<string, array<string, HostFunction>> $imports */
    public static function wasmer(array $imports): WasmInstance
    {
        if (!extension_loaded('ffi') || !is_file(self::libPath())) {
            TestCase::markTestSkipped('FFI or libwasmer not available (set MESHCONNECTOR_LIBWASMER)');
        }
        self::$lib ??= new WasmerLibrary(self::libPath());
        self::$wasmerModule ??= CompiledWasm::compileFile(self::$lib, self::wasmPath());
        return self::$wasmerModule->instantiate($imports);
    }
}
