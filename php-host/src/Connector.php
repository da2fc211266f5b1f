<?php

declare(strict_types=1);

namespace MeshCentralConnector;

use MeshCentralConnector\Backend\BackendSelector;
use MeshCentralConnector\Backend\LoadedBackend;
use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Exception\GuestTrapException;
use MeshCentralConnector\Exception\InvalidSettingsException;
use MeshCentralConnector\Host\HostImports;
use MeshCentralConnector\Runtime\GuestInstance;
use MeshCentralConnector\Runtime\WasmException;
use MeshCentralConnector\Runtime\WasmTrap;
use Throwable;

/**
 * The typed PHP facade over the Wasm core: one instance per request, one `call` per operation. An instance that
 * trapped (or answered something that is not an envelope) is never called again (wit/connector.wit): it is dropped and
 * the next call runs on a fresh instance of the same module, so nothing of the failed one (memory, globals, half-done
 * state, open connections, the host's result slot) reaches it.
 *
 * Which backend runs the core (Wasmer through FFI, or the .wasm translated to PHP) is Backend\BackendSelector's
 * choice; this class only makes instances with what it loaded.
 */
final class Connector
{
    /** Contract versions of wit/connector.wit this host speaks (major * 1000 + minor). */
    private const ABI_MAJOR = 1;

    /** @var array{library: float, module: float, instantiate: float, module_load_kind: string} */
    private array $timings;

    /** null after a trap until the next call makes a fresh one */
    private ?GuestInstance $instance;

    /** @var \Closure(): GuestInstance makes a fresh instance of the loaded module, bound to the host imports */
    private \Closure $instantiate;

    /** @var array{backend: string, reason: string, requested: string, cache?: string} */
    private array $backend;

    private int $instances = 1;

    private function __construct(LoadedBackend $loaded, private HostImports $host)
    {
        $this->instantiate = $loaded->instantiate;
        $this->backend = $loaded->report;
        $instance = $this->instance = ($this->instantiate)();
        $this->timings = [
            'library' => $loaded->libraryMicros,
            'module' => $loaded->moduleMicros,
            'instantiate' => $instance->instantiateMicros(),
            'module_load_kind' => $loaded->moduleLoadKind,
        ];
        $abi = $instance->callInt('abi-version');
        if (intdiv($abi, 1000) !== self::ABI_MAJOR) {
            throw new ConnectorException('host', sprintf('The .wasm speaks contract %d, this PHP host speaks %d.x', $abi, self::ABI_MAJOR));
        }
    }

    /**
     * Loads the core on the backend BackendSelector picks from $options (see there) and makes its first instance.
     *
     * @param string $wasmPath the release meshcentral_connector.wasm (the translated backend loads
     *                         meshcentral_connector.php from the same directory)
     *
     * @throws InvalidSettingsException for an unknown backend name
     * @throws WasmException when the chosen backend cannot load
     */
    public static function load(string $wasmPath, ConnectorOptions $options = new ConnectorOptions()): self
    {
        $host = new HostImports($options->logger, $options->clock, $options->transportHook);
        return new self(BackendSelector::load($wasmPath, $options, $host), $host);
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
     * @return array{mesh_id: string, group_name: string, username: string, user_id: string, generated_password: ?string, group_rights: int, created_group: bool, created_user: bool}
     */
    public function provision(array $server, array $service, ProvisionOptions $account): array
    {
        return (array) $this->call([
            'op' => 'provision',
            'fresh' => $account->fresh,
            'server' => $server,
            'service' => $service,
            'group_name_template' => $account->groupNameTemplate,
            'vars' => (object) $account->vars,
            'description' => $account->description,
            'password' => $account->password,
            'email' => $account->email,
            'realname' => $account->realname,
            'preset' => $account->preset,
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
