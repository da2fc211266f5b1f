<?php

declare(strict_types=1);

namespace MeshCentralConnector;

use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Exception\GuestTrapException;
use MeshCentralConnector\Exception\InvalidSettingsException;
use MeshCentralConnector\Host\HostImports;
use MeshCentralConnector\Runtime\GuestInstance;
use MeshCentralConnector\Runtime\CompiledWasmCache;
use MeshCentralConnector\Runtime\WasmerLibrary;
use MeshCentralConnector\Runtime\WasmException;
use MeshCentralConnector\Runtime\CompiledWasm;
use MeshCentralConnector\Runtime\WasmTrap;
use MeshCentralConnector\Translated\TranslatedWasm;
use Throwable;

/**
 * The typed PHP facade over the Wasm core: one instance per request, one `call` per operation. An instance that
 * trapped (or answered something that is not an envelope) is never called again (wit/connector.wit): it is dropped and
 * the next call runs on a fresh instance of the same module, so nothing of the failed one (memory, globals, half-done
 * state, open connections, the host's result slot) reaches it.
 *
 * Two backends run the same core: Wasmer through FFI (the .wasm compiled to native code; fast, but needs ext-ffi and
 * libwasmer) and the .wasm translated to PHP at build time by tools/wasm2php (`meshcentral_connector.php` beside the
 * .wasm; runs on any PHP). See load() for how one is chosen.
 */
final class Connector
{
    /** Contract versions of wit/connector.wit this host speaks (major * 1000 + minor). */
    private const ABI_MAJOR = 1;

    public const BACKEND_AUTO = 'auto';
    public const BACKEND_WASMER = 'wasmer';
    public const BACKEND_TRANSLATED = 'translated';

    /** Admins force a backend with this environment variable (auto | wasmer | translated). */
    public const ENV_BACKEND = 'MESHCONNECTOR_BACKEND';

    /** The class scripts/build-wasm.sh has wasm2php generate into `<name>.php` beside `<name>.wasm`. */
    public const TRANSLATED_CLASS = 'MeshCentralConnector\\Translated\\Generated\\MeshCentralConnectorWasm';

    /** @var array{library: float, module: float, instantiate: float, module_load_kind: string} */
    private array $timings;

    /** null after a trap until the next call makes a fresh one */
    private ?GuestInstance $instance;

    /** @var \Closure(): GuestInstance makes a fresh instance of the loaded module, bound to the host imports */
    private \Closure $instantiate;

    private int $instances = 1;

    /**
     * @param \Closure(): GuestInstance $instantiate
     * @param array{backend: string, reason: string, requested: string, cache?: string} $backend
     */
    private function __construct(
        \Closure $instantiate,
        private HostImports $host,
        private array $backend,
        float $libraryMicros,
        float $moduleMicros,
        string $moduleLoadKind
    ) {
        $this->instantiate = $instantiate;
        $instance = $this->instance = $instantiate();
        $this->timings = [
            'library' => $libraryMicros,
            'module' => $moduleMicros,
            'instantiate' => $instance->instantiateMicros(),
            'module_load_kind' => $moduleLoadKind,
        ];
        $abi = $instance->callInt('abi-version');
        if (intdiv($abi, 1000) !== self::ABI_MAJOR) {
            throw new ConnectorException('host', sprintf('The .wasm speaks contract %d, this PHP host speaks %d.x', $abi, self::ABI_MAJOR));
        }
    }

    /**
     * Which backend runs:
     * - `auto` (default): Wasmer through FFI when ext-ffi is loaded, ffi.enable allows it and libwasmer is found (the
     *   preloaded scope, $libwasmer or env MESHCONNECTOR_LIBWASMER) and loads; otherwise the translated module;
     * - `wasmer`: only Wasmer (its errors are thrown, no fallback);
     * - `translated`: only the translated module; nothing of FFI is touched.
     * $backend null means env MESHCONNECTOR_BACKEND, or `auto` when that is unset, so an admin can force either one
     * without code changes; an explicit $backend wins over the environment.
     *
     * @param string      $wasmPath    the release meshcentral_connector.wasm (the translated backend loads
     *                                 meshcentral_connector.php from the same directory)
     * @param string|null $libwasmer   path of libwasmer.so (null: env MESHCONNECTOR_LIBWASMER, or the preloaded scope)
     * @param string|null $cacheDir    compiled-artifact cache of the Wasmer backend (null: compile every time)
     * @param null|callable(int, string): void $logger
     * @param null|callable(): int $clock ms since the epoch (default: the wall clock)
     * @param null|callable(string, string): void $transportHook see HostImports (tests inject transport faults)
     * @param string|null $backend     auto | wasmer | translated (null: env MESHCONNECTOR_BACKEND, else auto)
     *
     * @throws InvalidSettingsException for an unknown backend name
     * @throws WasmException when the chosen backend cannot load
     */
    public static function load(
        string $wasmPath,
        ?string $libwasmer = null,
        ?string $cacheDir = null,
        ?callable $logger = null,
        ?callable $clock = null,
        ?callable $transportHook = null,
        ?string $backend = null
    ): self {
        $source = 'requested by the caller';
        if ($backend === null) {
            $env = getenv(self::ENV_BACKEND);
            if (is_string($env) && trim($env) !== '') {
                $backend = $env;
                $source = 'forced by ' . self::ENV_BACKEND;
            } else {
                $backend = self::BACKEND_AUTO;
            }
        }
        $requested = strtolower(trim($backend));
        // Nothing is bound to it before an instance exists, so a failed Wasmer attempt leaves it clean for the fallback.
        $host = new HostImports($logger, $clock, $transportHook);
        switch ($requested) {
            case self::BACKEND_WASMER:
                return self::loadWasmer($wasmPath, $libwasmer, $cacheDir, $host, self::choice(self::BACKEND_WASMER, $source, $requested));
            case self::BACKEND_TRANSLATED:
                return self::loadTranslated($wasmPath, $host, self::choice(self::BACKEND_TRANSLATED, $source, $requested));
            case self::BACKEND_AUTO:
                break;
            default:
                throw new InvalidSettingsException(
                    'invalid_input',
                    sprintf('Unknown connector backend "%s" (auto, wasmer or translated)', $backend)
                );
        }

        $unusable = self::ffiUnusable();
        if ($unusable === null) {
            try {
                return self::loadWasmer($wasmPath, $libwasmer, $cacheDir, $host, self::choice(self::BACKEND_WASMER, 'FFI available', $requested));
            } catch (WasmException $e) {
                // No libwasmer, or it does not load here (FFI::cdef refused by ffi.enable=preload in a web SAPI,
                // another architecture, ...): the translated module needs none of that.
                $unusable = $e->getMessage();
            }
        }
        return self::loadTranslated($wasmPath, $host, self::choice(self::BACKEND_TRANSLATED, $unusable, $requested));
    }

    /** @return array{backend: string, reason: string, requested: string, cache?: string} */
    private static function choice(string $backend, string $reason, string $requested): array
    {
        return ['backend' => $backend, 'reason' => $reason, 'requested' => $requested];
    }

    /** Why FFI cannot be used at all in this PHP (cheap checks, no library loaded), or null when it may be. */
    private static function ffiUnusable(): ?string
    {
        if (!extension_loaded('ffi')) {
            return 'FFI extension not loaded';
        }
        $mode = strtolower(trim((string) ini_get('ffi.enable')));
        if (in_array($mode, ['0', '', 'off', 'false', 'no'], true)) {
            return 'FFI disabled (ffi.enable=0)';
        }
        return null;
    }

    /** @param array{backend: string, reason: string, requested: string, cache?: string} $backend */
    private static function loadWasmer(string $wasmPath, ?string $libwasmer, ?string $cacheDir, HostImports $host, array $backend): self
    {
        $lib = new WasmerLibrary($libwasmer ?? (getenv(WasmerLibrary::ENV_LIBRARY) ?: null));
        if ($cacheDir !== null) {
            $cache = new CompiledWasmCache($lib, $cacheDir);
            $module = $cache->load($wasmPath);
            $backend['cache'] = $cache->report();
            if (str_contains($backend['cache'], 'refused')) {
                // Not an error (the module runs, compiled), but the admin should know why every request compiles.
                $host->log(1, 'compiled-module cache not used: ' . $backend['cache']);
            }
        } else {
            $module = CompiledWasm::compileFile($lib, $wasmPath);
        }
        $instantiate = static function () use ($module, $host): GuestInstance {
            $instance = $module->instantiate($host->functions());
            $host->bind($instance);
            return $instance;
        };
        if ($backend['requested'] === self::BACKEND_AUTO) {
            $backend['reason'] = $lib->fromScope()
                ? sprintf('FFI available (preloaded scope %s)', WasmerLibrary::SCOPE)
                : 'FFI available (libwasmer loaded with FFI::cdef)';
        }
        return new self($instantiate, $host, $backend, $lib->loadMicros(), $module->loadMicros(), $module->loadKind());
    }

    /**
     * The generated class is only required here, so a request on the Wasmer backend never pays for compiling (or
     * loading from opcache) the large generated file.
     *
     * @param array{backend: string, reason: string, requested: string} $backend
     */
    private static function loadTranslated(string $wasmPath, HostImports $host, array $backend): self
    {
        $phpFile = self::translatedPath($wasmPath);
        if (!class_exists(self::TRANSLATED_CLASS, false) && !is_file($phpFile)) {
            throw new WasmException(sprintf(
                'The translated module %s is missing (it ships beside the .wasm; scripts/build-wasm.sh writes it)%s',
                $phpFile,
                $backend['requested'] === self::BACKEND_AUTO ? '; Wasmer is not usable either: ' . $backend['reason'] : ''
            ));
        }
        $module = TranslatedWasm::load($phpFile, self::TRANSLATED_CLASS);
        $instantiate = static function () use ($module, $host): GuestInstance {
            $instance = $module->instantiate($host->functions());
            $host->bind($instance);
            return $instance;
        };
        return new self($instantiate, $host, $backend, 0.0, $module->loadMicros(), 'php');
    }

    /** `dir/name.wasm` -> `dir/name.php`: where the release build puts the translation of a .wasm. */
    public static function translatedPath(string $wasmPath): string
    {
        $dir = dirname($wasmPath);
        return $dir . '/' . basename($wasmPath, '.wasm') . '.php';
    }

    /**
     * Which backend runs this connector and why, for test connection and support:
     * ['backend' => 'translated', 'reason' => 'FFI extension not loaded', 'requested' => 'auto']. With a compiled-module
     * cache, 'cache' says whether the module came from it and, when not, why (e.g. the directory is not trusted).
     *
     * @return array{backend: string, reason: string, requested: string, cache?: string}
     */
    public function backend(): array
    {
        return $this->backend;
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
        if ($this->instance === null) {
            $this->instance = ($this->instantiate)();
            $this->instances++;
        }
        $instance = $this->instance;
        try {
            $ptr = $instance->callInt('alloc', $len);
            if ($ptr === 0) {
                throw new GuestTrapException('host', 'The Wasm module could not allocate memory for the request');
            }
            $instance->writeMemory($ptr, $json);
            $outLen = $instance->callInt('call', $ptr, $len) & 0xFFFFFFFF;
            $out = $instance->readMemory($instance->callInt('result-ptr'), $outLen);
            $envelope = json_decode($out, true);
            if (!is_array($envelope) || !array_key_exists('ok', $envelope)) {
                throw new GuestTrapException('host', 'The connector core answered something that is not a response envelope');
            }
        } catch (WasmTrap $trap) {
            $this->discardInstance();
            $cause = $trap->hostException();
            throw new GuestTrapException('trap', 'The connector core stopped unexpectedly: ' . ($cause !== null ? $cause->getMessage() : $trap->getMessage()), $trap);
        } catch (Throwable $e) {
            // A guest that answers out of bounds or not an envelope is as broken as one that trapped.
            $this->discardInstance();
            throw $e;
        }
        if ($envelope['ok'] === true) {
            return $envelope['value'] ?? null;
        }
        $error = is_array($envelope['error'] ?? null) ? $envelope['error'] : [];
        throw ConnectorException::fromKind((string) ($error['kind'] ?? 'unknown'), (string) ($error['message'] ?? 'unknown error'));
    }

    /**
     * WHMCS's raw server fields turned into the `server` object of the other operations (pure, no connection). Every
     * rule (address forms, port rule, Access Hash lines, plaintext, the legacy product override) is in the core
     * (src/settings.rs); values go in as WHMCS hands them (Secure may be a bool, 'on', '1', '', ...).
     *
     * @param array{hostname?: mixed, ip?: mixed, port?: mixed, secure?: mixed, username?: mixed, password?: mixed,
     *              accesshash?: mixed, legacy_server_url?: mixed, legacy_api_key?: mixed} $fields
     * @return array{server: array<string, mixed>, base_url: string, warnings: list<string>, secrets: list<string>}
     * @throws InvalidSettingsException with a message that says what to type (never quoting a secret)
     */
    public function serverSettings(array $fields): array
    {
        return (array) $this->call(['op' => 'server_settings'] + $fields);
    }

    /**
     * @param array<string, mixed> $server {"url", "username", "password"?, "login_token_key"?, "tls"?, "timeout_ms"?,
     *                                     "accepted_creators"?, "allow_plaintext"?}
     * @return array<string, mixed> server name/version, account, auth methods that worked, rights, warnings
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
     * Writes the client's real name and e-mail (stored verified) into the service's own account; a value that is
     * null or empty is left as it is in MeshCentral.
     *
     * @param array<string, mixed> $server
     * @param array{key: string, username?: string, mesh_id?: string} $service
     * @return array{username: string, mesh_id: string, realname: ?string, email: ?string}
     */
    public function updateContact(array $server, array $service, ?string $realname, ?string $email): array
    {
        return (array) $this->call(['op' => 'update_contact', 'server' => $server, 'service' => $service, 'realname' => $realname, 'email' => $email]);
    }

    /**
     * Removes the service's user, parks its devices in the retired-agents group, deletes its group (idempotent).
     * `$retiredMeshId` is the retired-agents group pinned after an earlier terminate on this server (the result's
     * `retired_group` is the one to pin); it is used only while MeshCentral still says the connector owns it.
     *
     * @return array{deleted_user: bool, retired_devices: int, uninstall_requested: int, deleted_group: bool, retired_group: ?string}
     */
    public function terminate(array $server, array $service, ?string $retiredMeshId = null): array
    {
        $request = ['op' => 'terminate', 'server' => $server, 'service' => $service];
        if ($retiredMeshId !== null) {
            $request['retired_mesh_id'] = $retiredMeshId;
        }
        return (array) $this->call($request);
    }

    /**
     * Every service the connector provisioned on this server (optionally only keys starting with `$keyPrefix`, and
     * only the group whose marker names MeshCentral user `$username`). `created_ms`: the group's creation time.
     * `came_back`: the group of a service named in `$terminatedKeys` that MeshCentral undeleted when an agent enrolled
     * with its old id (its user is gone, nobody but the connector has rights): not an account (see sweep()).
     *
     * @param list<string> $terminatedKeys
     * @return list<array{service_key: string, mesh_id: string, group_name: string, username: string, user_exists: bool, locked: bool, preset: ?string, devices: int, online: int, created_ms: ?int, email: ?string, came_back: bool}>
     */
    public function listAccounts(array $server, string $keyPrefix = '', ?string $username = null, array $terminatedKeys = []): array
    {
        $request = ['op' => 'list_accounts', 'server' => $server, 'key_prefix' => $keyPrefix];
        if ($username !== null) {
            $request['username'] = $username;
        }
        if ($terminatedKeys !== []) {
            $request['terminated_keys'] = array_values($terminatedKeys);
        }
        return (array) $this->call($request);
    }

    /**
     * Retires again the groups of terminated services (`$terminatedKeys`, keys starting with `$keyPrefix`) that
     * MeshCentral undeleted because an agent enrolled with their old group id: devices into the retired-agents group
     * (`$retiredMeshId` when pinned and still the connector's; the result's `retired_group` is the one to pin),
     * online agents asked to uninstall, the group deleted. Only groups whose user is gone and that nobody but the
     * connector has rights on; others are listed in `left_alone` with the reason. Idempotent.
     *
     * @param list<string> $terminatedKeys
     * @return array{retired: list<array{service_key: string, mesh_id: string, group_name: string, username: string, retired_devices: int, uninstall_requested: int}>, left_alone: list<array{service_key: string, mesh_id: string, reason: string}>, retired_group: ?string}
     */
    public function sweep(array $server, string $keyPrefix, array $terminatedKeys, ?string $retiredMeshId = null): array
    {
        $request = ['op' => 'sweep', 'server' => $server, 'key_prefix' => $keyPrefix, 'terminated_keys' => array_values($terminatedKeys)];
        if ($retiredMeshId !== null) {
            $request['retired_mesh_id'] = $retiredMeshId;
        }
        return (array) $this->call($request);
    }

    /**
     * The group's devices. $viewAs: the MeshCentral user whose view this is (a service's own account, for its client
     * area): with a login token key the session logs in as that user, so MeshCentral scopes the answer to what the
     * customer may see; without a key, or when that account cannot log in, the configured account lists the group.
     *
     * @return list<array{id: string, name: string, os: ?string, online: bool, ip: ?string, last_seen_ms: ?int}>
     */
    public function devices(array $server, string $meshId, ?string $viewAs = null): array
    {
        $request = ['op' => 'devices', 'server' => $server, 'mesh_id' => $meshId];
        if ($viewAs !== null) {
            $request['view_as'] = $viewAs;
        }
        return (array) $this->call($request);
    }

    /**
     * One connection for all groups. A malformed id fails only its own entry.
     *
     * @param list<string> $meshIds
     * @return array<string, array{devices: int, online: int}|array{error: array{kind: string, message: string}}|null>
     *         counts; null for a group that no longer exists; `error` for an id that is not a group id
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

    /**
     * A new agent invitation link for the group, made as `$viewAs` (the service's own user) when given, so that
     * MeshCentral itself only lets it reach that customer's group.
     *
     * @return array{url: string, expire_hours: int}
     */
    public function inviteLink(array $server, string $meshId, int $expireHours, ?string $viewAs = null): array
    {
        $request = ['op' => 'invite_link', 'server' => $server, 'mesh_id' => $meshId, 'expire_hours' => $expireHours];
        if ($viewAs !== null) {
            $request['view_as'] = $viewAs;
        }
        return (array) $this->call($request);
    }

    /** @return array{library: float, module: float, instantiate: float, module_load_kind: string} microseconds */
    public function timings(): array
    {
        return $this->timings;
    }

    /** How many instances this connector has made: 1, plus one for each call after a trap. */
    public function instancesCreated(): int
    {
        return $this->instances;
    }

    /**
     * Drops the instance (the next call makes a fresh one) and what the host kept for it: its connections and its
     * result slot.
     */
    private function discardInstance(): void
    {
        $this->host->reset();
        if ($this->instance !== null) {
            $this->instance->close();
            $this->instance = null;
        }
    }

    /**
     * The instance and the host imports point at each other (HostImports::bind), a cycle PHP only frees on a GC run;
     * on the translated backend the instance holds the guest's whole linear memory as a PHP string, so it is released
     * here, as soon as the last reference to this connector goes.
     */
    public function __destruct()
    {
        $this->host->closeAll();
        $this->instance?->close();
    }
}
