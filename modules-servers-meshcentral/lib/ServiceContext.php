<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral;

use MeshCentralConnector\Exception\ConnectorException;
use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;
use WHMCS\Module\Server\Meshcentral\Config\ServerSettings;
use WHMCS\Module\Server\Meshcentral\Config\ServicePlan;
use WHMCS\Module\Server\Meshcentral\Exception\Refusal;
use WHMCS\Module\Server\Meshcentral\Exception\ServerUnavailable;
use WHMCS\Module\Server\Meshcentral\Storage\ServiceStore;
use WHMCS\Module\Server\Meshcentral\Support\Breaker;
use WHMCS\Module\Server\Meshcentral\Support\ConnectorFactory;
use WHMCS\Module\Server\Meshcentral\Support\Core;
use WHMCS\Module\Server\Meshcentral\Support\ModuleLog;

/**
 * What every module function works with: the typed params, the Wasm core, the module log (with the secrets of this
 * call registered), and the service's stored identity.
 *
 * `$action` is the name of the WHMCS function (or hook) this context runs for: FunctionRunner::run passes the function
 * class's name, so every log line of one call carries the same name and no function retypes its own.
 */
final class ServiceContext
{
    public readonly ModuleLog $log;
    public readonly ServiceStore $store;
    private ?Core $core;
    private ?Breaker $breaker = null;
    /** @var array{key_prefix: string, key?: string, username?: string}|null the core's `service_names` answer */
    private ?array $names = null;

    public function __construct(
        public readonly Params $params,
        public readonly string $action,
        ?Core $core = null,
        ?ModuleLog $log = null,
        ?ServiceStore $store = null,
    ) {
        $this->core = $core;
        $this->log = $log ?? new ModuleLog();
        $this->store = $store ?? new ServiceStore();
        $this->log->addSecret(...$params->secrets());
    }

    /** The core: the injected one, else the request's Wasm core (loaded on first use, so paths without one stay cheap). */
    public function connector(): Core
    {
        return $this->core ??= ConnectorFactory::core();
    }

    /** The product's settings as the core read them (once per request). */
    public function product(): ProductSettings
    {
        return $this->params->product($this->connector());
    }

    /** The product's settings with the service's configurable options applied. */
    public function plan(): ServicePlan
    {
        return $this->params->plan($this->connector());
    }

    /** The server settings as the core read them (once per request), with their secrets registered for masking. */
    public function settings(): ServerSettings
    {
        $settings = $this->params->server($this->connector());
        $this->log->addSecret(...$settings->secrets());
        return $settings;
    }

    /** @return array<string, mixed> the core's `server` object */
    public function server(): array
    {
        return $this->settings()->toConnector();
    }

    /** The breaker of this call's MeshCentral server (see Support\Breaker), keyed by the server's address. */
    public function breaker(): Breaker
    {
        return $this->breaker ??= Breaker::forServer($this->settings()->baseUrl);
    }

    /**
     * The core's `server` object for a page-time call (client area, Connect, the admin services tab): refused at once,
     * with no connection attempt, while the breaker says the server is down; otherwise with one overall deadline
     * (`deadline_ms`, now + the page budget: Access Hash page_timeout=, 2 s by default) that every step of the call
     * shares, so a hung MeshCentral costs the page about the budget, not 15 s per step.
     *
     * @return array<string, mixed>
     * @throws ServerUnavailable while the breaker is open
     */
    public function pageServer(): array
    {
        $state = $this->breaker()->blocking();
        if ($state !== null) {
            throw ServerUnavailable::fromState($this->settings()->baseUrl, $state);
        }
        $server = $this->server();
        $server['deadline_ms'] = (int) floor(microtime(true) * 1000) + $this->settings()->pageBudgetMs;
        return $server;
    }

    /** The service's stable key (the core's rule: `whmcs-<install tag>-<service id>`; older rows hold the same). */
    public function serviceKey(): string
    {
        return (string) $this->names(true)['key'];
    }

    /** What every service key of this install starts with (Server Sync, the sweep and adoption look for it). */
    public function keyPrefix(): string
    {
        return $this->names(false)['key_prefix'];
    }

    /**
     * The core's `service_names` for this install (and service): asked once per request, a pure read.
     *
     * @return array{key_prefix: string, key?: string, username?: string}
     */
    private function names(bool $ofService): array
    {
        if ($this->names === null || ($ofService && !isset($this->names['key']))) {
            $request = ['op' => 'service_names', 'install_tag' => $this->store->installTag()];
            if ($ofService) {
                $request += ['service_id' => $this->params->serviceId(), 'username' => $this->params->username()];
            }
            $this->names = (array) $this->connector()->call($request);
        }
        return $this->names;
    }

    /**
     * The core's `service` object. A pure read: nothing is stored here (CreateAccount stores key, username and group
     * id after the core succeeded). A provisioned service is the stored username and group id; any other service is
     * what Create would provision: the WHMCS username (or the core's default, `mc-<key>` lower-cased), no group id, and the core's ownership rules
     * decide what such a request may touch.
     *
     * @return array{key: string, username: string, mesh_id?: string}
     */
    public function service(): array
    {
        $row = $this->store->provisioned($this->params->serviceId());
        if ($row !== null) {
            return ['key' => $row['service_key'], 'username' => $row['username'], 'mesh_id' => $row['mesh_id']];
        }
        $names = $this->names(true);
        return ['key' => (string) $names['key'], 'username' => (string) $names['username']];
    }

    /**
     * What a client may use (SSO, device list, installers, invite links): a service that is Active in WHMCS, was
     * provisioned by a successful Create (stored group id and username), and whose account is not the connector's
     * own. Returns the provisioned row, or throws a Refusal naming the reason for staff.
     *
     * @return array{service_id: int, service_key: string, mesh_id: string, username: string, invite_url: ?string, invite_expires: ?int}
     */
    public function usableService(string $clientTextKey): array
    {
        $status = $this->params->status();
        if (!$this->params->isActive()) {
            throw new Refusal('the service status is ' . ($status !== '' ? $status : 'unknown') . ', not Active', $clientTextKey);
        }
        $row = $this->store->provisioned($this->params->serviceId());
        if ($row === null) {
            throw new Refusal('the service was never provisioned by a successful Create (no stored group id and username)', $clientTextKey);
        }
        $own = $this->settings()->username;
        if (strcasecmp($row['username'], $own) === 0 || str_starts_with($row['username'], '~')) {
            throw new Refusal("the stored MeshCentral user '{$row['username']}' is the connector's own account", $clientTextKey);
        }
        return $row;
    }

    /**
     * Every path that hands out a way to enrol a device into the service's group (the invite link; any later one)
     * calls this first: the group's devices are counted by the core's `usage` op (MeshCentral's own records, offline
     * devices included) and Config\ServicePlan::limitReached decides. At the limit it throws a Refusal: the client
     * gets the short `at_limit` text, staff the numbers. Without a limit nothing is counted.
     *
     * @param string $meshId the provisioned group (from usableService)
     */
    public function requireRoomForDevice(string $meshId, string $clientTextKey = 'error_generic'): void
    {
        $plan = $this->plan();
        if ($plan->deviceLimit() === 0) {
            return;
        }
        $server = $this->server();
        $usage = $this->op(['op' => 'usage', 'server' => $server, 'mesh_ids' => [$meshId]], ['mesh_id' => $meshId, 'count_devices' => true]);
        $group = $usage[$meshId] ?? null;
        if (!is_array($group)) {
            throw new Refusal("the service's device group $meshId no longer exists in MeshCentral (run Re-sync)", $clientTextKey);
        }
        $devices = (int) $group['devices'];
        if ($plan->limitReached($devices)) {
            throw new Refusal('the device limit is reached: ' . $plan->describeLimit($devices), 'at_limit');
        }
    }

    /**
     * Runs one core operation, logging what was asked and what came back (secrets masked) under this call's action
     * name (plus `$step` when one function makes two kinds of call, e.g. Connect's `SignOn`). A remote operation's
     * outcome also goes to the server's breaker: "not answering" (timeout, unreachable, connection lost) opens it,
     * an answer closes it; this holds for lifecycle actions too, which the breaker never blocks.
     *
     * @param array<string, mixed> $request the core request: `['op' => name] + fields`
     * @param array<string, mixed> $logged what to log as the request (never the `server` object)
     * @param bool $remote false for the core's pure operations (SSO links: no connection, so no news of the server)
     * @return array<mixed> the op's value
     */
    public function op(array $request, array $logged, bool $remote = true, string $step = ''): array
    {
        $action = $this->action . $step;
        $logged = ['serviceid' => $this->params->serviceId()] + $logged;
        try {
            $result = (array) $this->connector()->call($request);
            $this->log->call($action, $logged, $result);
        } catch (\Throwable $e) {
            $this->log->call($action, $logged, get_class($e) . ': ' . $e->getMessage());
            if ($remote && $e instanceof ConnectorException) {
                $this->record(static fn (Breaker $b) => $b->failed($e->kind));
            }
            throw $e;
        }
        if ($remote) {
            $this->record(static fn (Breaker $b) => $b->succeeded());
        }
        return $result;
    }

    /** The breaker is advice: a state that cannot be read or written never fails the call it follows. */
    private function record(\Closure $update): void
    {
        try {
            $update($this->breaker());
        } catch (\Throwable) {
        }
    }
}
