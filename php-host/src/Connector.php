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
     * @param null|callable(string, string): void $transportHook see HostImports (tests inject transport faults)
     */
    public static function load(
        string $wasmPath,
        ?string $libwasmer = null,
        ?string $cacheDir = null,
        ?callable $logger = null,
        ?callable $clock = null,
        ?callable $transportHook = null
    ): self {
        $lib = new WasmerLibrary($libwasmer ?? (getenv('MESHCONNECTOR_LIBWASMER') ?: null));
        $module = $cacheDir !== null
            ? (new ModuleCache($lib, $cacheDir))->load($wasmPath)
            : WasmModule::compileFile($lib, $wasmPath);
        $host = new HostImports($logger, $clock, $transportHook);
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

    /**
     * Creates, or finishes creating, a service's device group, user and link (idempotent; see src/ops/provision.rs).
     *
     * @param array<string, mixed> $server
     * @param array{key: string, username?: string, mesh_id?: string} $service
     * @param array<string, mixed> $vars values for the group name template ({company}, {client}, {service_id}, ...)
     * @param string $preset full | remote_only | view_only
     * @return array{mesh_id: string, group_name: string, username: string, user_id: string, generated_password: ?string, group_rights: int, created_group: bool, created_user: bool}
     */
    public function provision(
        array $server,
        array $service,
        string $groupNameTemplate,
        array $vars,
        string $preset,
        ?string $password = null,
        ?string $email = null,
        ?string $realname = null,
        string $description = ''
    ): array {
        return (array) $this->call([
            'op' => 'provision',
            'server' => $server,
            'service' => $service,
            'group_name_template' => $groupNameTemplate,
            'vars' => (object) $vars,
            'description' => $description,
            'password' => $password,
            'email' => $email,
            'realname' => $realname,
            'preset' => $preset,
        ]);
    }

    /**
     * @param array<string, mixed> $server
     * @param array{key: string, username?: string, mesh_id?: string} $service
     * @return array{username: string, mesh_id: string, locked: bool, group_rights: int, changed: bool}
     */
    public function suspend(array $server, array $service): array
    {
        return (array) $this->call(['op' => 'suspend', 'server' => $server, 'service' => $service]);
    }

    /** @see suspend() */
    public function unsuspend(array $server, array $service): array
    {
        return (array) $this->call(['op' => 'unsuspend', 'server' => $server, 'service' => $service]);
    }

    /** @see suspend() */
    public function changePassword(array $server, array $service, string $password): array
    {
        return (array) $this->call(['op' => 'change_password', 'server' => $server, 'service' => $service, 'password' => $password]);
    }

    /** @see suspend() */
    public function changePackage(array $server, array $service, string $preset): array
    {
        return (array) $this->call(['op' => 'change_package', 'server' => $server, 'service' => $service, 'preset' => $preset]);
    }

    /**
     * Removes the service's user, parks its devices in the retired-agents group, deletes its group (idempotent).
     *
     * @return array{deleted_user: bool, retired_devices: int, uninstall_requested: int, deleted_group: bool, retired_group: ?string}
     */
    public function terminate(array $server, array $service): array
    {
        return (array) $this->call(['op' => 'terminate', 'server' => $server, 'service' => $service]);
    }

    /**
     * Every service the connector provisioned on this server (optionally only keys starting with `$keyPrefix`).
     *
     * @return list<array{service_key: string, mesh_id: string, group_name: string, username: string, user_exists: bool, locked: bool, preset: ?string, devices: int, online: int}>
     */
    public function listAccounts(array $server, string $keyPrefix = ''): array
    {
        return (array) $this->call(['op' => 'list_accounts', 'server' => $server, 'key_prefix' => $keyPrefix]);
    }

    /** @return list<array{id: string, name: string, os: ?string, online: bool, ip: ?string, last_seen_ms: ?int}> */
    public function devices(array $server, string $meshId): array
    {
        return (array) $this->call(['op' => 'devices', 'server' => $server, 'mesh_id' => $meshId]);
    }

    /**
     * @param list<string> $meshIds
     * @return array<string, ?array{devices: int, online: int}> null for a group that no longer exists
     */
    public function usage(array $server, array $meshIds): array
    {
        return (array) $this->call(['op' => 'usage', 'server' => $server, 'mesh_ids' => array_values($meshIds)]);
    }

    /**
     * @param list<string>|null $platforms null: all
     * @return list<array{platform: string, label: string, url: string}>
     */
    public function installerLinks(string $baseUrl, string $meshId, ?array $platforms = null): array
    {
        return (array) $this->call(['op' => 'installer_links', 'base_url' => $baseUrl, 'mesh_id' => $meshId, 'platforms' => $platforms]);
    }

    /** @return array{url: string, expire_hours: int} */
    public function inviteLink(array $server, string $meshId, int $expireHours): array
    {
        return (array) $this->call(['op' => 'invite_link', 'server' => $server, 'mesh_id' => $meshId, 'expire_hours' => $expireHours]);
    }

    /** @return array{library: float, module: float, instantiate: float, module_load_kind: string} microseconds */
    public function timings(): array
    {
        return $this->timings;
    }
}
