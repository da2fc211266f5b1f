<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral;

use MeshCentralConnector\Connector;
use MeshCentralConnector\Exception\ConnectorException;
use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;
use WHMCS\Module\Server\Meshcentral\Exception\Refusal;
use WHMCS\Module\Server\Meshcentral\Config\ServerSettings;
use WHMCS\Module\Server\Meshcentral\Exception\ServerUnavailable;
use WHMCS\Module\Server\Meshcentral\Storage\ServiceStore;
use WHMCS\Module\Server\Meshcentral\Support\Breaker;
use WHMCS\Module\Server\Meshcentral\Support\ConnectorFactory;
use WHMCS\Module\Server\Meshcentral\Support\ModuleLog;

/**
 * What every module function works with: the typed params, the Wasm core, the module log (with the secrets of this
 * call registered), and the service's stored identity.
 */
final class ServiceContext
{
    public readonly ModuleLog $log;
    public readonly ServiceStore $store;
    private ?Breaker $breaker = null;

    public function __construct(
        public readonly Params $params,
        ?ModuleLog $log = null,
        ?ServiceStore $store = null,
        private readonly ?Connector $core = null,
    ) {
        $this->log = $log ?? new ModuleLog();
        $this->store = $store ?? new ServiceStore();
        $this->log->addSecret(...self::secretsOf($params->raw));
    }

    /**
     * The secret values in WHMCS's params, read without parsing the settings (a broken Access Hash must not stop the
     * masking): the service password, the server password, the Access Hash's login token key (its 160-hex line or
     * `login_token_key=` value; the other lines, e.g. `verify_tls=0`, are not secret), and the APIKey override's key
     * or password. ServerSettings::secrets() is added once the settings are parsed (server()).
     *
     * @param array<string, mixed> $raw
     * @return list<string>
     */
    public static function secretsOf(array $raw): array
    {
        $secrets = [(string) ($raw['password'] ?? ''), (string) ($raw['serverpassword'] ?? '')];
        foreach (preg_split('/\R/', (string) ($raw['serveraccesshash'] ?? '')) ?: [] as $line) {
            $line = trim($line);
            if (preg_match('/^[0-9a-fA-F]{160}$/', $line) === 1) {
                $secrets[] = $line;
            } elseif (preg_match('/^login_token_key\s*=\s*(.*)$/', $line, $m) === 1) {
                $secrets[] = trim($m[1]);
            }
        }
        $apiKey = trim((string) ($raw['configoption' . ProductSettings::LEGACY_API_KEY] ?? ''));
        if ($apiKey !== '') {
            $secrets[] = $apiKey;
            if (preg_match('/^(~t:[^:\s]+|[^:\s]+):(.+)$/s', $apiKey, $m) === 1) {
                $secrets[] = $m[2];
            }
        }
        return array_values(array_filter($secrets, static fn (string $v): bool => $v !== ''));
    }

    public function connector(): Connector
    {
        return $this->core ?? ConnectorFactory::get();
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

    /** The service's stable key: `whmcs-<install tag>-<service id>` (deterministic; older rows hold the same). */
    public function serviceKey(): string
    {
        return 'whmcs-' . $this->store->installTag() . '-' . $this->params->serviceId();
    }

    /**
     * The core's `service` object. A pure read: nothing is stored here (CreateAccount stores key, username and group
     * id after the core succeeded). A provisioned service is the stored username and group id; any other service is
     * what Create would provision: the WHMCS username (or `mc-<key>`), no group id, and the core's ownership rules
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
        $key = $this->serviceKey();
        return ['key' => $key, 'username' => $this->params->username() !== '' ? $this->params->username() : 'mc-' . $key];
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
    public function requireRoomForDevice(string $action, string $meshId, string $clientTextKey = 'error_generic'): void
    {
        $plan = $this->params->plan();
        if ($plan->deviceLimit() === 0) {
            return;
        }
        $server = $this->server();
        $usage = $this->run($action, ['mesh_id' => $meshId, 'count_devices' => true], static fn (Connector $c): array => $c->usage($server, [$meshId]));
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
     * Runs one core operation, logging what was asked and what came back (secrets masked). A remote operation's
     * outcome also goes to the server's breaker: "not answering" (timeout, unreachable, connection lost) opens it,
     * an answer closes it; this holds for lifecycle actions too, which the breaker never blocks.
     *
     * @param array<string, mixed> $request what to log as the request
     * @param bool $remote false for the core's pure operations (SSO links: no connection, so no news of the server)
     */
    public function run(string $action, array $request, callable $call, bool $remote = true): mixed
    {
        $request = ['serviceid' => $this->params->serviceId()] + $request;
        try {
            $result = $call($this->connector());
            $this->log->call($action, $request, $result);
        } catch (\Throwable $e) {
            $this->log->call($action, $request, get_class($e) . ': ' . $e->getMessage());
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
