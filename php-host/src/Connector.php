<?php

declare(strict_types=1);

namespace MeshCentralConnector;

use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Exception\GuestTrapException;
use MeshCentralConnector\Host\HostImports;
use MeshCentralConnector\Runtime\ModuleCache;
use MeshCentralConnector\Runtime\WasmerLibrary;
use MeshCentralConnector\Runtime\WasmInstance;
use MeshCentralConnector\Runtime\WasmModule;
use MeshCentralConnector\Runtime\WasmTrap;

/**
 * The typed PHP facade over the Wasm core: one instance per request, one `call` per operation.
 */
final class Connector
{
    /** Contract versions of wit/connector.wit this host speaks (major * 1000 + minor). */
    private const ABI_MAJOR = 1;

    /** @var array{library: float, module: float, instantiate: float, module_load_kind: string} */
    private array $timings;

    private function __construct(
        private WasmInstance $instance,
        private HostImports $host,
        WasmerLibrary $lib,
        WasmModule $module
    ) {
        $this->timings = [
            'library' => $lib->loadMicros(),
            'module' => $module->loadMicros(),
            'instantiate' => $instance->instantiateMicros(),
            'module_load_kind' => $module->loadKind(),
        ];
        $abi = $instance->callInt('abi-version');
        if (intdiv($abi, 1000) !== self::ABI_MAJOR) {
            throw new ConnectorException('host', sprintf('The .wasm speaks contract %d, this PHP host speaks %d.x', $abi, self::ABI_MAJOR));
        }
    }

    /**
     * @param string      $wasmPath    the release meshcentral_connector.wasm
     * @param string|null $libwasmer   path of libwasmer.so (null: env MESHCONNECTOR_LIBWASMER, or the preloaded scope)
     * @param string|null $cacheDir    compiled-artifact cache (null: no cache, compile every time)
     * @param null|callable(int, string): void $logger
     * @param null|callable(): int $clock ms since the epoch (default: the wall clock)
     */
    public static function load(
        string $wasmPath,
        ?string $libwasmer = null,
        ?string $cacheDir = null,
        ?callable $logger = null,
        ?callable $clock = null
    ): self {
        $lib = new WasmerLibrary($libwasmer ?? (getenv('MESHCONNECTOR_LIBWASMER') ?: null));
        $module = $cacheDir !== null
            ? (new ModuleCache($lib, $cacheDir))->load($wasmPath)
            : WasmModule::compileFile($lib, $wasmPath);
        $host = new HostImports($logger, $clock);
        $instance = $module->instantiate($host->functions());
        $host->bind($instance);
        return new self($instance, $host, $lib, $module);
    }

    /**
     * Runs one operation and returns its value; throws the typed exception of the core's error kind.
     *
     * @param array<string, mixed> $request {"op": ..., ...}
     * @return mixed
     */
    public function call(array $request)
    {
        $json = json_encode($request, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES);
        $len = strlen($json);
        try {
            $ptr = $this->instance->callInt('alloc', $len);
            if ($ptr === 0) {
                throw new GuestTrapException('host', 'The Wasm module could not allocate memory for the request');
            }
            $this->instance->writeMemory($ptr, $json);
            $outLen = $this->instance->callInt('call', $ptr, $len) & 0xFFFFFFFF;
            $out = $this->instance->readMemory($this->instance->callInt('result-ptr'), $outLen);
        } catch (WasmTrap $trap) {
            $this->host->closeAll();
            $cause = $trap->hostException();
            throw new GuestTrapException('trap', 'The connector core stopped unexpectedly: ' . ($cause !== null ? $cause->getMessage() : $trap->getMessage()), $trap);
        }
        $envelope = json_decode($out, true);
        if (!is_array($envelope) || !array_key_exists('ok', $envelope)) {
            throw new GuestTrapException('host', 'The connector core answered something that is not a response envelope');
        }
        if ($envelope['ok'] === true) {
            return $envelope['value'] ?? null;
        }
        $error = is_array($envelope['error'] ?? null) ? $envelope['error'] : [];
        throw ConnectorException::fromKind((string) ($error['kind'] ?? 'unknown'), (string) ($error['message'] ?? 'unknown error'));
    }

    /**
     * @param array<string, mixed> $server {"url", "username", "password"?, "login_token_key"?, "tls"?, "timeout_ms"?}
     * @return array<string, mixed> server name/version, account, auth methods that worked, rights
     */
    public function testConnection(array $server): array
    {
        return (array) $this->call(['op' => 'test_connection', 'server' => $server]);
    }

    /**
     * A single sign-on URL that logs a browser into MeshCentral as `$user` (single use, `$lifetimeSeconds` long).
     *
     * @return array{url: string, expires_at_ms: int}
     */
    public function loginUrl(string $baseUrl, string $loginTokenKey, string $user, int $lifetimeSeconds, ?string $nodeId = null, ?int $viewMode = null): array
    {
        $request = ['op' => 'login_url', 'base_url' => $baseUrl, 'login_token_key' => $loginTokenKey, 'user' => $user, 'lifetime_seconds' => $lifetimeSeconds];
        if ($nodeId !== null) {
            $request['node_id'] = $nodeId;
            $request['view_mode'] = $viewMode;
        }
        return (array) $this->call($request);
    }

    /** @return array{library: float, module: float, instantiate: float, module_load_kind: string} microseconds */
    public function timings(): array
    {
        return $this->timings;
    }
}
