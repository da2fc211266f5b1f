<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Runtime;

use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\ModuleCache;
use MeshCentralConnector\Runtime\WasmException;
use MeshCentralConnector\Runtime\WasmModule;

final class ModuleCacheTest extends RuntimeTestCase
{
    private string $dir;
    private string $wasmPath;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/mc-modcache-' . bin2hex(random_bytes(6));
        mkdir($this->dir . '/cache', 0755, true);
        $this->wasmPath = $this->dir . '/basic.wasm';
        file_put_contents($this->wasmPath, self::fixtureWasm('basic'));
    }

    protected function tearDown(): void
    {
        foreach (glob($this->dir . '/cache/{,.}*', GLOB_BRACE) ?: [] as $f) {
            if (is_file($f)) {
                chmod($f, 0644);
                unlink($f);
            }
        }
        chmod($this->dir . '/cache', 0755);
        @rmdir($this->dir . '/cache');
        @unlink($this->wasmPath);
        @rmdir($this->dir);
    }

    private function cache(string $sapi = 'cli', bool $codeWritable = false): ModuleCache
    {
        return new ModuleCache(self::lib(), $this->dir . '/cache', $sapi, $codeWritable);
    }

    private static function assertWorks(WasmModule $module): void
    {
        $instance = $module->instantiate(['host' => [
            'add' => new HostFunction(['i32', 'i32'], ['i32'], static fn (int $a, int $b): int => $a + $b),
            'clock-now-ms' => new HostFunction([], ['i64'], static fn (): int => 5),
            'fail' => new HostFunction(['i32'], [], static fn (): ?int => null),
        ]]);
        self::assertSame(10, $instance->callInt('add-via-host', 2, 3));
        self::assertSame(6, $instance->callInt('clock-plus-one'));
        $instance->close();
    }

    public function testSecondLoadDeserializes(): void
    {
        $cache = $this->cache();
        $first = $cache->load($this->wasmPath);
        self::assertSame('compile', $first->loadKind());
        self::assertWorks($first);
        $backend = $first->backend();
        $first->close();

        $wasm = (string) file_get_contents($this->wasmPath);
        $artifact = $cache->artifactPath($wasm, $backend);
        self::assertFileExists($artifact);
        self::assertSame(0644, fileperms($artifact) & 0777);
        $manifest = json_decode((string) file_get_contents($cache->manifestPath($wasm, $backend)), true);
        self::assertSame(hash('sha256', (string) file_get_contents($artifact)), $manifest['artifact_sha256']);
        self::assertStringContainsString(hash('sha256', $wasm), basename($artifact));
        self::assertStringContainsString(php_uname('m'), basename($artifact));
        self::assertStringContainsString(self::lib()->version(), basename($artifact));

        $second = $cache->load($this->wasmPath);
        self::assertSame('deserialize', $second->loadKind());
        self::assertWorks($second);
        fwrite(STDERR, sprintf(
            "\n[timings] lib load %.0f us, compile %.0f us, deserialize %.0f us (%s)\n",
            self::lib()->loadMicros(),
            $first->loadMicros(),
            $second->loadMicros(),
            $second->backendName()
        ));
        $second->close();
    }

    public function testTamperedArtifactIsRefusedAndRecompiled(): void
    {
        $cache = $this->cache();
        $cache->load($this->wasmPath)->close();
        $wasm = (string) file_get_contents($this->wasmPath);
        $artifact = $cache->artifactPath($wasm, self::lib()->defaultBackend());
        $bytes = (string) file_get_contents($artifact);
        $mid = intdiv(strlen($bytes), 2);
        for ($i = $mid; $i < $mid + 64; $i++) {
            $bytes[$i] = chr(ord($bytes[$i]) ^ 0xFF);
        }
        file_put_contents($artifact, $bytes);

        $module = $cache->load($this->wasmPath);
        self::assertSame('compile', $module->loadKind());
        self::assertWorks($module);
        $module->close();
        // The CLI rewrote a good artifact.
        self::assertSame('deserialize', $cache->load($this->wasmPath)->loadKind());
    }

    public function testWebSapiNeverWritesAndDistrustsAWritableCache(): void
    {
        $web = $this->cache('fpm-fcgi');
        $module = $web->load($this->wasmPath);
        self::assertSame('compile', $module->loadKind());
        $module->close();
        self::assertSame([], glob($this->dir . '/cache/*'));

        $path = $this->cache()->precompile($this->wasmPath);
        self::assertFileExists($path);
        // Artifact present but writable by this process: the web SAPI must not run it.
        self::assertSame('compile', $web->load($this->wasmPath)->loadKind());

        foreach (glob($this->dir . '/cache/*') ?: [] as $f) {
            chmod($f, 0444);
        }
        chmod($this->dir . '/cache', 0555);
        clearstatcache();
        if (is_writable($this->dir . '/cache') || is_writable($path)) {
            // root writes anything regardless of mode: the read-only case is covered by PreloadCgiTest's non-root run.
            return;
        }
        self::assertSame('deserialize', $web->load($this->wasmPath)->loadKind());
    }

    public function testAWebProcessThatCanWriteTheCodeUsesTheCacheLikeTheCli(): void
    {
        // Such a process could rewrite the PHP host itself; refusing its own artifacts would only cost a compile
        // per request.
        $web = $this->cache('fpm-fcgi', true);
        self::assertSame('compile', $web->load($this->wasmPath)->loadKind());
        self::assertCount(2, glob($this->dir . '/cache/*') ?: [], 'artifact and manifest written');
        self::assertSame('deserialize', $web->load($this->wasmPath)->loadKind());
    }

    public function testPrecompileIsCliOnly(): void
    {
        $this->expectException(WasmException::class);
        $this->expectExceptionMessage('only allowed from the CLI');
        $this->cache('cgi-fcgi')->precompile($this->wasmPath);
    }
}
