<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Runtime;

use MeshCentralConnector\Runtime\CompiledWasmCache;

/**
 * The runtime under php-cgi with the default ffi.enable=preload: FFI is only usable through php-host/preload.php.
 */
final class PreloadCgiTest extends RuntimeTestCase
{
    private ?string $tmp = null;

    protected function tearDown(): void
    {
        if ($this->tmp !== null) {
            exec('rm -rf ' . escapeshellarg($this->tmp));
            $this->tmp = null;
        }
    }

    /**
     * Runs fixtures/cgi-smoke.php through php-cgi with the default ffi.enable=preload and php-host/preload.php.
     *
     * @param array<string, string> $extraEnv
     * @param string|null           $asUser   run as this user (via runuser) instead of the current one
     *
     * @return array<string, mixed> the script's JSON answer
     */
    private function runCgi(array $extraEnv, ?string $asUser, bool $iniFfiPreload, ?string $appRoot = null): array
    {
        $root = dirname(__DIR__, 3);
        $script = __DIR__ . '/fixtures/cgi-smoke.php';
        if ($appRoot !== null) {
            // A copy readable by $asUser: the checkout itself may sit in a directory only root can enter.
            $root = $appRoot;
            $script = $appRoot . '/fixtures/cgi-smoke.php';
        }
        $cmd = [
            'php-cgi',
            '-d', 'ffi.enable=preload',
            '-d', 'opcache.enable=1',
            '-d', 'opcache.preload=' . $root . '/php-host/preload.php',
        ];
        if ($asUser === null && function_exists('posix_geteuid') && posix_geteuid() === 0) {
            $cmd = array_merge($cmd, ['-d', 'opcache.preload_user=root']);
        }
        if ($iniFfiPreload) {
            $cmd = array_merge($cmd, ['-d', 'ffi.preload=' . $root . '/php-host/wasmer.h']);
        }
        if ($asUser !== null) {
            $cmd = array_merge(['runuser', '-u', $asUser, '--'], $cmd);
        }
        $env = $extraEnv + [
            'PATH' => (string) getenv('PATH'),
            'REDIRECT_STATUS' => '200',
            'GATEWAY_INTERFACE' => 'CGI/1.1',
            'REQUEST_METHOD' => 'GET',
            'SCRIPT_FILENAME' => $script,
            'SCRIPT_NAME' => '/cgi-smoke.php',
            'REQUEST_URI' => '/cgi-smoke.php',
            'SERVER_PROTOCOL' => 'HTTP/1.1',
        ];
        $proc = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $root, $env);
        self::assertIsResource($proc);
        fclose($pipes[0]);
        $stdout = (string) stream_get_contents($pipes[1]);
        $stderr = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($proc);
        self::assertSame(0, $status, "php-cgi failed:\n" . $stdout . $stderr);
        $parts = preg_split("/\r?\n\r?\n/", $stdout, 2);
        self::assertIsArray($parts);
        self::assertCount(2, $parts, 'no CGI header/body separator in: ' . $stdout . $stderr);
        $body = json_decode($parts[1], true);
        self::assertIsArray($body, 'not JSON: ' . $stdout . $stderr);
        self::assertArrayNotHasKey('error', $body, (string) ($body['error'] ?? ''));
        self::assertSame('cgi-fcgi', $body['sapi']);
        self::assertSame('preload', $body['ffi_enable']);
        self::assertTrue($body['cdef_restricted'], 'FFI::cdef should be refused outside preloaded code');
        self::assertTrue($body['from_scope']);
        self::assertSame(42, $body['add']);
        self::assertSame(42, $body['clock']);
        self::assertSame('cgi', $body['memory']);
        self::assertStringContainsString('DomainException: cgi failure 9', $body['trap']);
        self::assertSame('DomainException', $body['trap_previous']);
        return $body;
    }

    /** The usual FPM shape: master as root, header loaded by ffi.preload, library found by the dynamic loader. */
    public function testRuntimeWorksUnderPhpCgiWithFfiPreload(): void
    {
        self::lib();
        $wasm = dirname(__DIR__, 3) . '/build/meshcentral_connector.wasm';
        self::assertFileExists($wasm, 'run scripts/build-wasm.sh first');
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $closedPort = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $out = $this->runCgi([
            'LD_LIBRARY_PATH' => dirname(self::libPath()),
            'MC_TEST_CONNECTOR_WASM' => $wasm,
            'MC_TEST_CLOSED_URL' => 'https://127.0.0.1:' . $closedPort,
        ], null, true);
        self::assertSame('compile', $out['load_kind']);
        self::assertSame(1000, $out['connector_abi'], 'the release module runs under php-cgi with ffi.enable=preload');
        self::assertSame('unreachable', $out['connector_error'], 'its WebSocket host import ran and reported the closed port');
    }

    /**
     * A non-root PHP: preload.php loads the header itself (FFI::load with MESHCONNECTOR_LIBWASMER), and the artifact
     * cache is trusted only when this user cannot write it.
     */
    public function testNonRootPreloadAndReadOnlyArtifactCache(): void
    {
        self::lib();
        if (!function_exists('posix_geteuid') || posix_geteuid() !== 0 || !is_executable('/usr/sbin/runuser')) {
            self::markTestSkipped('needs root and runuser to run php-cgi as "nobody"');
        }
        $this->tmp = sys_get_temp_dir() . '/mc-cgi-' . bin2hex(random_bytes(6));
        mkdir($this->tmp . '/ro-cache', 0755, true);
        mkdir($this->tmp . '/rw-cache', 0777, true);
        chmod($this->tmp, 0755);
        chmod($this->tmp . '/rw-cache', 0777);
        $lib = $this->tmp . '/libwasmer.so';
        copy(self::libPath(), $lib); // the default location under /root is not readable by nobody
        chmod($lib, 0755);
        $wasm = $this->tmp . '/basic.wasm';
        file_put_contents($wasm, self::fixtureWasm('basic'));
        chmod($wasm, 0644);
        $app = $this->tmp . '/app';
        mkdir($app . '/fixtures', 0755, true);
        exec('cp -r ' . escapeshellarg(dirname(__DIR__, 3) . '/php-host') . ' ' . escapeshellarg($app . '/php-host'), $o, $rc);
        self::assertSame(0, $rc, 'copying php-host for nobody');
        foreach (['cgi-smoke.php', 'basic.wat'] as $f) {
            copy(__DIR__ . '/fixtures/' . $f, $app . '/fixtures/' . $f);
        }
        exec('chmod -R a+rX ' . escapeshellarg($app));

        // Filled from the CLI (as root): read-only for nobody, so the web SAPI may load it.
        $artifact = (new CompiledWasmCache(self::lib(), $this->tmp . '/ro-cache'))->precompile($wasm);
        self::assertFileExists($artifact);
        $env = ['MESHCONNECTOR_LIBWASMER' => $lib, 'MC_TEST_WASM' => $wasm];
        $out = $this->runCgi($env + ['MC_TEST_CACHE_DIR' => $this->tmp . '/ro-cache'], 'nobody', false, $app);
        self::assertSame('deserialize', $out['load_kind']);

        // A copy in a directory nobody can write: distrusted, compiled instead, and nothing is written there.
        foreach (glob($this->tmp . '/ro-cache/*') ?: [] as $f) {
            copy($f, $this->tmp . '/rw-cache/' . basename($f));
        }
        $out = $this->runCgi($env + ['MC_TEST_CACHE_DIR' => $this->tmp . '/rw-cache'], 'nobody', false, $app);
        self::assertSame('compile', $out['load_kind']);
        self::assertCount(2, glob($this->tmp . '/rw-cache/*') ?: []);

        // Planted for nobody by a third user ("daemon"): a valid artifact of another module under the right key, with
        // a matching manifest, in a directory daemon owns and as daemon's files in a root-owned one. runCgi checks
        // add-via-host answered 42, the real module's value (the planted one answers 63).
        foreach (['dir-nobody', 'files-nobody'] as $setup) {
            $dir = CompiledWasmCacheTest::plantCase($this->tmp, $setup, (string) file_get_contents($wasm));
            foreach ($setup === 'dir-nobody' ? [$dir] : (glob($dir . '/*') ?: []) as $f) {
                exec('chown -R daemon ' . escapeshellarg($f));
            }
            exec('chmod -R a+rX ' . escapeshellarg(dirname($dir)));
            $out = $this->runCgi($env + ['MC_TEST_CACHE_DIR' => $dir], 'nobody', false, $app);
            self::assertSame('compile', $out['load_kind'], $setup);
            self::assertStringContainsString('is owned by uid 1,', $out['cache_report'], $setup);
        }
    }

    /**
     * Every planted cache of CompiledWasmCacheTest under php-cgi with the preload setup, run as root (a web process that
     * can write the PHP code, so it also writes the cache where that is safe): compiled each time, never loaded.
     */
    public function testPlantedArtifactsAreNeverLoadedUnderPhpCgi(): void
    {
        self::lib();
        $this->tmp = sys_get_temp_dir() . '/mc-cgi-' . bin2hex(random_bytes(6));
        mkdir($this->tmp, 0755);
        chmod($this->tmp, 0755);
        $wasm = $this->tmp . '/basic.wasm';
        file_put_contents($wasm, self::fixtureWasm('basic'));
        $env = ['LD_LIBRARY_PATH' => dirname(self::libPath()), 'MC_TEST_WASM' => $wasm];
        foreach (CompiledWasmCacheTest::plantedCaches() as $name => [$setup, $reason]) {
            $dir = CompiledWasmCacheTest::plantCase($this->tmp, $setup, (string) file_get_contents($wasm));
            $out = $this->runCgi($env + ['MC_TEST_CACHE_DIR' => $dir], null, true);
            self::assertSame('compile', $out['load_kind'], $name . ': ' . $out['cache_report']);
            self::assertStringContainsString($reason, $out['cache_report'], $name);
        }
        // The good case under the same setup: a private directory of this user is written, then loaded.
        mkdir($this->tmp . '/own', 0700);
        self::assertSame('compile', $this->runCgi($env + ['MC_TEST_CACHE_DIR' => $this->tmp . '/own'], null, true)['load_kind']);
        self::assertSame('deserialize', $this->runCgi($env + ['MC_TEST_CACHE_DIR' => $this->tmp . '/own'], null, true)['load_kind']);
    }
}
