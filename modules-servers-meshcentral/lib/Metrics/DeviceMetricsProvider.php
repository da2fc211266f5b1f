<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Metrics;

use MeshCentralConnector\Connector;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Meshcentral\ServiceContext;
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;
use WHMCS\UsageBilling\Metrics\Metric;
use WHMCS\UsageBilling\Metrics\Units\WholeNumber;
use WHMCS\UsageBilling\Metrics\Usage;

/**
 * WHMCS usage billing (7.9+): devices per service, so a product can price per device. Tenants are the services'
 * MeshCentral usernames (the module's ListAccounts unique identifier). One MeshCentral session per server for all
 * services, like UsageUpdate.
 */
final class DeviceMetricsProvider implements ProviderInterface
{
    public function __construct(private readonly ServiceContext $ctx)
    {
    }

    public function metrics()
    {
        return [
            'devices' => new Metric('devices', 'Devices', MetricInterface::TYPE_SNAPSHOT, new WholeNumber('Devices', 'Device', 'Devices')),
            'devices_online' => new Metric('devices_online', 'Devices online', MetricInterface::TYPE_SNAPSHOT, new WholeNumber('Devices online', 'Device', 'Devices')),
        ];
    }

    public function usage()
    {
        return $this->collect(null);
    }

    public function tenantUsage($tenant)
    {
        return $this->collect((string) $tenant)[(string) $tenant] ?? [];
    }

    /** @return array<string, list<MetricInterface>> tenant => metrics with usage */
    private function collect(?string $onlyTenant): array
    {
        $serverId = (int) ($this->ctx->params->raw['serverid'] ?? 0);
        $query = Capsule::table('tblhosting')->where('server', $serverId)->whereIn('domainstatus', ['Active', 'Suspended']);
        if ($onlyTenant !== null) {
            $query->where('username', $onlyTenant);
        }
        $tenants = [];
        foreach ($query->get(['id', 'username']) as $row) {
            $tenants[(int) $row->id] = (string) $row->username;
        }
        $meshIds = $this->ctx->store->meshIds(array_keys($tenants));
        if ($meshIds === []) {
            return [];
        }
        $server = $this->ctx->server();
        $usage = $this->ctx->run('MetricProvider', ['groups' => count($meshIds)], static fn (Connector $c): array => $c->usage($server, array_values($meshIds)));
        $out = [];
        foreach ($meshIds as $serviceId => $meshId) {
            $u = $usage[$meshId] ?? null;
            $values = ['devices' => $u['devices'] ?? 0, 'devices_online' => $u['online'] ?? 0];
            $out[$tenants[$serviceId]] = array_values(array_map(
                static fn (Metric $m): MetricInterface => $m->withUsage(new Usage($values[$m->systemName()])),
                $this->metrics()
            ));
        }
        return $out;
    }
}
