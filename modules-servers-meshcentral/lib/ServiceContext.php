<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\Config\ServerSettings;
use WHMCS\Module\Server\Meshcentral\Storage\ServiceStore;
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

    public function __construct(
        public readonly Params $params,
        ?ModuleLog $log = null,
        ?ServiceStore $store = null,
        private readonly ?Connector $core = null,
    ) {
        $this->log = $log ?? new ModuleLog();
        $this->store = $store ?? new ServiceStore();
        // The raw values are masked from the start; the single secrets inside them (the key within a multi-line
        // Access Hash, the password within APIKey) once the core has read the settings (settings()).
        $this->log->addSecret($params->password(), (string) ($params->raw['serverpassword'] ?? ''), (string) ($params->raw['serveraccesshash'] ?? ''));
        $this->log->addSecret((string) ($params->raw['configoption8'] ?? ''));
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

    /**
     * The core's `service` object: the stable key (made once, stored), the MeshCentral username and the group id.
     *
     * @return array{key: string, username?: string, mesh_id?: string}
     */
    public function service(): array
    {
        $id = $this->params->serviceId();
        $row = $this->store->find($id);
        $key = $row['service_key'] ?? ('whmcs-' . $this->store->installTag() . '-' . $id);
        $username = $row['username'] ?? '';
        if ($username === '') {
            $username = $this->params->username() !== '' ? $this->params->username() : 'mc-' . $key;
        }
        if ($row === null) {
            $this->store->save($id, ['service_key' => $key, 'username' => $username]);
        }
        $service = ['key' => $key, 'username' => $username];
        if (($row['mesh_id'] ?? null) !== null) {
            $service['mesh_id'] = $row['mesh_id'];
        }
        return $service;
    }

    /**
     * Runs one core operation, logging what was asked and what came back (secrets masked).
     *
     * @param array<string, mixed> $request what to log as the request
     */
    public function run(string $action, array $request, callable $call): mixed
    {
        $request = ['serviceid' => $this->params->serviceId()] + $request;
        try {
            $result = $call($this->connector());
            $this->log->call($action, $request, $result);
            return $result;
        } catch (\Throwable $e) {
            $this->log->call($action, $request, get_class($e) . ': ' . $e->getMessage());
            throw $e;
        }
    }
}
