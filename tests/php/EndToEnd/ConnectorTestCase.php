<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\EndToEnd;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use PHPUnit\Framework\TestCase;

/**
 * Base for tests that run the real release .wasm in real PHP (Wasmer through FFI) against the real MeshCentral.
 */
abstract class ConnectorTestCase extends TestCase
{
    protected static function wasmPath(): string
    {
        $path = dirname(__DIR__, 3) . '/build/meshcentral_connector.wasm';
        if (!is_file($path)) {
            self::fail('build/meshcentral_connector.wasm is missing: run scripts/build-wasm.sh (scripts/test.sh does)');
        }
        return $path;
    }

    /**
     * The backend is Connector::load's choice: env MESHCONNECTOR_BACKEND when set (scripts/test.sh runs the whole PHP
     * suite a second time with `translated`), else auto (Wasmer through FFI here). Passing null keeps one rule for every test,
     * including those that call Connector::load themselves.
     */
    protected static function connector(): Connector
    {
        return Connector::load(self::wasmPath(), new ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache'));
    }

    protected static function server(): MeshCentralServer
    {
        return MeshCentralServer::shared();
    }

    /** @return array<string, mixed> settings that work against the shared server */
    protected static function goodSettings(): array
    {
        $s = self::server();
        return [
            'url' => $s->httpsUrl(),
            'username' => $s->adminUser(),
            'password' => $s->adminPassword(),
            'login_token_key' => $s->loginTokenKey(),
            'tls' => ['ca_file' => $s->caFile()],
            'timeout_ms' => 5000,
        ];
    }

    /** Makes a device group with meshctrl (independently of our code) and returns its id. */
    protected static function groupMadeByMeshctrl(string $prefix): string
    {
        $out = trim(self::server()->meshctrl(['adddevicegroup', '--name', $prefix . '-' . bin2hex(random_bytes(3))]));
        self::assertSame(1, preg_match('~^ok (mesh//\S+)~', $out, $m), 'meshctrl adddevicegroup: ' . $out);
        return $m[1];
    }

    /** GETs a page of the test server (trusting its CA) and returns the body whatever the status. */
    protected function fetch(string $url): string
    {
        $ctx = stream_context_create(['ssl' => ['cafile' => self::server()->caFile()], 'http' => ['ignore_errors' => true, 'timeout' => 10]]);
        $body = file_get_contents($url, false, $ctx);
        self::assertIsString($body);
        return $body;
    }
}
