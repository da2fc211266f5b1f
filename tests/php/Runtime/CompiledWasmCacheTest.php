<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Runtime;

use MeshCentralConnector\Backend\BackendSelector;
use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\CompiledWasmCache;
use MeshCentralConnector\Runtime\WasmException;
use MeshCentralConnector\Runtime\CompiledWasm;

/**
 * The compiled-module cache under the CLI: what it loads, and that it never loads an artifact someone else could have
 * planted. The planted artifact is a VALID artifact of another module (add-via-host multiplies by 3, not 2) stored
 * under the real module's key with a matching manifest, so loading it would show as 15 instead of 10.
 */
final class CompiledWasmCacheTest extends RuntimeTestCase
{
    public const REAL_ANSWER = 10;
    public const PLANTED_ANSWER = 15;

    private string $dir;
    private string $wasmPath;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/mc-modcache-' . bin2hex(random_bytes(6));
        mkdir($this->dir . '/cache', 0755, true);
        chmod($this->dir, 0755);
        chmod($this->dir . '/cache', 0755);
        $this->wasmPath = $this->dir . '/basic.wasm';
        file_put_contents($this->wasmPath, self::fixtureWasm('basic'));
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->dir));
    }

    private function cache(string $sapi = 'cli', bool $codeWritable = false, ?string $dir = null): CompiledWasmCache
    {
        return new CompiledWasmCache(self::lib(), $dir ?? $this->dir . '/cache', $sapi, $codeWritable);
    }

    /** The other module: same imports and exports as basic.wat, another answer. */
    public static function plantedWasm(): string
    {
        $wat = (string) file_get_contents(__DIR__ . '/fixtures/basic.wat');
        return self::lib()->wat2wasm(str_replace('(i32.const 2)))', '(i32.const 3)))', $wat));
    }

    /**
     * Writes the other module's artifact and a matching manifest under the key of $realWasm in $dir, as the CLI would
     * have written a real one.
     *
     * @return array{0: string, 1: string} artifact and manifest paths
     */
    public static function plant(string $dir, string $realWasm): array
    {
        $backend = self::lib()->defaultBackend();
        $other = CompiledWasm::compile(self::lib(), self::plantedWasm(), $backend);
        $artifact = $other->serialize();
        $other->close();
        $cache = new CompiledWasmCache(self::lib(), $dir, 'cli', false);
        $artifactPath = $cache->artifactPath($realWasm, $backend);
        $manifestPath = $cache->manifestPath($realWasm, $backend);
        file_put_contents($artifactPath, $artifact);
        file_put_contents($manifestPath, json_encode(['artifact_sha256' => hash('sha256', $artifact)]));
        chmod($artifactPath, 0644);
        chmod($manifestPath, 0644);
        return [$artifactPath, $manifestPath];
    }

    private static function answer(CompiledWasm $module): int
    {
        $instance = $module->instantiate(['host' => [
            'add' => new HostFunction(['i32', 'i32'], ['i32'], static fn (int $a, int $b): int => $a + $b),
            'clock-now-ms' => new HostFunction([], ['i64'], static fn (): int => 5),
            'fail' => new HostFunction(['i32'], [], static fn (): ?int => null),
        ]]);
        self::assertSame(6, $instance->callInt('clock-plus-one'));
        $answer = $instance->callInt('add-via-host', 2, 3);
        $instance->close();
        return $answer;
    }

    private static function requireRoot(): void
    {
        if (!function_exists('posix_geteuid') || posix_geteuid() !== 0) {
            self::markTestSkipped('needs root to chown files to "nobody"');
        }
    }

    public function testOwnPrivateDirectoryLoadsTheCachedArtifact(): void
    {
        chmod($this->dir . '/cache', 0700);
        $cache = $this->cache();
        $first = $cache->load($this->wasmPath);
        self::assertSame('compile', $first->loadKind());
        self::assertStringContainsString('stored', $cache->report());
        self::assertSame(self::REAL_ANSWER, self::answer($first));
        $backend = $first->backend();
        $first->close();

        $wasm = (string) file_get_contents($this->wasmPath);
        $artifact = $cache->artifactPath($wasm, $backend);
        self::assertSame(0644, fileperms($artifact) & 0777);
        self::assertSame(0700, fileperms($this->dir . '/cache') & 0777, 'the directory mode is left as the admin set it');
        $manifest = json_decode((string) file_get_contents($cache->manifestPath($wasm, $backend)), true);
        self::assertSame(hash('sha256', (string) file_get_contents($artifact)), $manifest['artifact_sha256']);
        self::assertStringContainsString(hash('sha256', $wasm), basename($artifact));
        self::assertStringContainsString(php_uname('m'), basename($artifact));
        self::assertStringContainsString(self::lib()->version(), basename($artifact));
        self::assertSame([], glob($this->dir . '/cache/.tmp-*'), 'no temporary file left');

        $second = $cache->load($this->wasmPath);
        self::assertSame('deserialize', $second->loadKind());
        self::assertSame('loaded ' . $artifact, $cache->report());
        self::assertSame(self::REAL_ANSWER, self::answer($second));
        $second->close();
    }

    public function testAMissingDirectoryIsCreatedPrivateToItsOwner(): void
    {
        $cache = $this->cache('cli', false, $this->dir . '/new/cache');
        self::assertSame('compile', $cache->load($this->wasmPath)->loadKind());
        self::assertSame(0755, fileperms($this->dir . '/new/cache') & 0777);
        self::assertSame('deserialize', $cache->load($this->wasmPath)->loadKind());
    }

    public function testThePlantedArtifactIsRealSoTheRefusalsBelowMeanSomething(): void
    {
        $module = CompiledWasm::deserialize(
            self::lib(),
            (string) file_get_contents(self::plant($this->dir . '/cache', (string) file_get_contents($this->wasmPath))[0]),
            self::lib()->defaultBackend()
        );
        self::assertSame(self::PLANTED_ANSWER, self::answer($module));
        $module->close();
    }

    /** @return array<string, array{0: string, 1: string}> case => [setup, expected reason] */
    public static function plantedCaches(): array
    {
        return [
            'directory owned by another user' => ['dir-nobody', 'is owned by uid 65534'],
            'world-writable directory' => ['dir-0777', 'writable by group or others'],
            'group-writable directory' => ['dir-0775', 'writable by group or others'],
            'directory is a symbolic link' => ['dir-link', 'is a symbolic link'],
            'ancestor writable by others' => ['parent-0777', 'writable by group or others'],
            'artifact is a symbolic link' => ['artifact-link', 'is a symbolic link'],
            'manifest is a symbolic link' => ['manifest-link', 'is a symbolic link'],
            'files written by another user' => ['files-nobody', 'is owned by uid 65534'],
            'artifact writable by others' => ['artifact-0666', 'writable by group or others'],
            'artifact hard-linked in' => ['artifact-hardlink', 'hard links'],
        ];
    }

    /** @dataProvider plantedCaches */
    public function testAPlantedArtifactIsNeverLoaded(string $setup, string $reason): void
    {
        $dir = self::plantCase($this->dir, $setup, (string) file_get_contents($this->wasmPath));
        $cache = $this->cache('cli', false, $dir);
        $module = $cache->load($this->wasmPath);
        self::assertSame('compile', $module->loadKind(), $cache->report());
        self::assertSame(self::REAL_ANSWER, self::answer($module), 'the real module ran, not the planted one');
        self::assertStringContainsString('refused: ', $cache->report());
        self::assertStringContainsString($reason, $cache->report());
        $module->close();
    }

    /**
     * Builds one planted cache of plantedCaches() under $root and returns the cache directory to use. Shared with
     * PreloadCgiTest (the same cases under php-cgi).
     */
    public static function plantCase(string $root, string $setup, string $realWasm): string
    {
        $nobody = ['dir-nobody', 'files-nobody'];
        if (in_array($setup, $nobody, true) || $setup === 'parent-0777') {
            self::requireRoot();
        }
        $dir = $root . '/planted-' . $setup . '/cache';
        mkdir($dir, 0755, true);
        chmod($dir, 0755);
        chmod(dirname($dir), 0755);
        switch ($setup) {
            case 'dir-nobody':
                self::plant($dir, $realWasm);
                exec('chown -R nobody ' . escapeshellarg($dir));
                return $dir;
            case 'dir-0777':
            case 'dir-0775':
                self::plant($dir, $realWasm);
                chmod($dir, $setup === 'dir-0777' ? 0777 : 0775);
                return $dir;
            case 'dir-link':
                // A link to a directory that would pass every check itself: the link is what someone else controls.
                self::plant($dir, $realWasm);
                symlink($dir, dirname($dir) . '/link');
                return dirname($dir) . '/link';
            case 'parent-0777':
                self::plant($dir, $realWasm);
                chmod(dirname($dir), 0777);
                return $dir;
            case 'artifact-link':
            case 'manifest-link':
                mkdir(dirname($dir) . '/elsewhere', 0755);
                [$artifact, $manifest] = self::plant(dirname($dir) . '/elsewhere', $realWasm);
                $linked = $setup === 'artifact-link' ? $artifact : $manifest;
                $copied = $setup === 'artifact-link' ? $manifest : $artifact;
                symlink($linked, $dir . '/' . basename($linked));
                copy($copied, $dir . '/' . basename($copied));
                return $dir;
            case 'files-nobody':
                foreach (self::plant($dir, $realWasm) as $f) {
                    chown($f, 'nobody');
                }
                return $dir;
            case 'artifact-0666':
                chmod(self::plant($dir, $realWasm)[0], 0666);
                return $dir;
            case 'artifact-hardlink':
                mkdir(dirname($dir) . '/elsewhere', 0755);
                [$artifact, $manifest] = self::plant(dirname($dir) . '/elsewhere', $realWasm);
                link($artifact, $dir . '/' . basename($artifact));
                copy($manifest, $dir . '/' . basename($manifest));
                return $dir;
        }
        throw new \LogicException("unknown case $setup");
    }

    public function testTheCliNeverWritesIntoARefusedDirectory(): void
    {
        self::requireRoot();
        $dir = $this->dir . '/theirs';
        mkdir($dir, 0755);
        chown($dir, 'nobody');
        $cache = $this->cache('cli', false, $dir);
        self::assertSame('compile', $cache->load($this->wasmPath)->loadKind());
        self::assertStringContainsString('not stored', $cache->report());
        self::assertSame([], glob($dir . '/{,.}[!.]*', GLOB_BRACE));
        try {
            $cache->precompile($this->wasmPath);
            self::fail('precompile wrote into a directory owned by nobody');
        } catch (WasmException $e) {
            self::assertStringContainsString('owned by uid 65534', $e->getMessage());
        }
        self::assertSame([], glob($dir . '/{,.}[!.]*', GLOB_BRACE));
    }

    public function testARefusedFileInATrustedDirectoryIsReplacedByTheCli(): void
    {
        $dir = self::plantCase($this->dir, 'artifact-link', (string) file_get_contents($this->wasmPath));
        $cache = $this->cache('cli', false, $dir);
        self::assertSame('compile', $cache->load($this->wasmPath)->loadKind());
        $module = $cache->load($this->wasmPath);
        self::assertSame('deserialize', $module->loadKind(), 'rename replaced the link by a real artifact');
        self::assertSame(self::REAL_ANSWER, self::answer($module));
        self::assertSame(self::PLANTED_ANSWER, self::answer(CompiledWasm::deserialize(
            self::lib(),
            (string) file_get_contents(glob(dirname($dir) . '/elsewhere/*.wasmu')[0]),
            self::lib()->defaultBackend()
        )), 'the link target was not written through');
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
        self::assertSame(self::REAL_ANSWER, self::answer($module));
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
        self::assertStringContainsString('fill it with bin/precompile.php', $web->report());
        // The read-only case (a web user that cannot write the cache) is PreloadCgiTest's non-root run: root writes
        // anything regardless of mode.
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

    /** The product path: Connector::load keeps working on a refused cache, says why in backend() and warns the log. */
    public function testTheConnectorCompilesAndReportsWhyWhenTheCacheIsRefused(): void
    {
        $wasm = dirname(__DIR__, 3) . '/build/meshcentral_connector.wasm';
        self::assertFileExists($wasm, 'run scripts/build-wasm.sh first');
        self::lib();
        $dir = $this->dir . '/open';
        mkdir($dir, 0777);
        chmod($dir, 0777);
        $logged = [];
        $logger = static function (int $level, string $message) use (&$logged): void {
            $logged[] = [$level, $message];
        };
        $connector = Connector::load($wasm, new ConnectorOptions(libwasmer: self::libPath(), cacheDir: $dir, logger: $logger, backend: BackendSelector::WASMER));
        self::assertSame('compile', $connector->timings()['module_load_kind']);
        self::assertStringContainsString('refused: ' . $dir . ' is writable by group or others', $connector->backend()['cache'] ?? '');
        self::assertSame(1, $logged[0][0] ?? null);
        self::assertStringContainsString('compiled-module cache not used', $logged[0][1] ?? '');
        self::assertSame(1000, $connector->call(['op' => 'version'])['abi']);
        self::assertSame([], glob($dir . '/*'));

        chmod($dir, 0700);
        Connector::load($wasm, new ConnectorOptions(libwasmer: self::libPath(), cacheDir: $dir, backend: BackendSelector::WASMER));
        $cached = Connector::load($wasm, new ConnectorOptions(libwasmer: self::libPath(), cacheDir: $dir, backend: BackendSelector::WASMER));
        self::assertSame('deserialize', $cached->timings()['module_load_kind']);
        self::assertStringStartsWith('loaded ' . $dir . '/', $cached->backend()['cache'] ?? '');
    }
}
