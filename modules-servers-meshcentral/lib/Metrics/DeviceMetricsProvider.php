<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Metrics;

use WHMCS\Module\Server\Meshcentral\ServiceContext;
use WHMCS\Module\Server\Meshcentral\Usage\ServerUsage;
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;
use WHMCS\UsageBilling\Metrics\Metric;
use WHMCS\UsageBilling\Metrics\Units\WholeNumber;
use WHMCS\UsageBilling\Metrics\Usage;

/**
 * WHMCS usage billing (7.9+, developer docs "Usage Metrics"): devices per service, so a product can price per device.
 *
 * - `devices` (Devices): the devices in the service's MeshCentral group, online or not. A snapshot (TYPE_SNAPSHOT):
 *   devices stay enrolled until removed, MeshCentral never resets the count. This is the one to bill.
 * - `devices_online` (Devices online): those connected at the moment of the count. Also a snapshot, of a moment;
 *   informative, a poor basis for billing (it depends on the hour the cron runs).
 * Both in whole numbers (Units\WholeNumber "Devices", per unit "Device"/"Devices").
 *
 * Tenants are the services' MeshCentral usernames as Create stored them (the value Create also writes into the
 * service's username field, and ListAccounts' unique identifier). usage() serves every service of the server from
 * the cron run's one count (ServerUsage, shared with UsageUpdate); tenantUsage() counts one service's group only
 * unless that count already exists. metrics() never calls MeshCentral (WHMCS calls it on product pages too).
 *
 * A service that could not be counted (server unreachable, malformed stored group id, group gone) gets no usage
 * rather than a wrong 0; the failure is in the activity log. Exceptions never escape to WHMCS.
 */
final class DeviceMetricsProvider implements ProviderInterface
{
    public const DEVICES = 'devices';
    public const DEVICES_ONLINE = 'devices_online';

    public function __construct(private readonly ServiceContext $ctx)
    {
    }

    /** @return array<string, MetricInterface> keyed by system name, as ProviderInterface documents */
    public function metrics()
    {
        $unit = new WholeNumber('Devices', 'Device', 'Devices');
        return [
            self::DEVICES => new Metric(self::DEVICES, 'Devices', MetricInterface::TYPE_SNAPSHOT, $unit),
            self::DEVICES_ONLINE => new Metric(self::DEVICES_ONLINE, 'Devices online', MetricInterface::TYPE_SNAPSHOT, $unit),
        ];
    }

    /** @return array<string, list<MetricInterface>> tenant => its metrics with usage */
    public function usage()
    {
        try {
            $run = ServerUsage::forServer($this->ctx);
        } catch (\Throwable) {
            return []; // logged by ServerUsage
        }
        $out = [];
        foreach ($run->services as $count) {
            if ($count->devices !== null) {
                $out[$count->tenant] = $this->withUsage($count->devices, (int) $count->online);
            }
        }
        return $out;
    }

    /** @return list<MetricInterface> the tenant's metrics, with usage when it could be counted */
    public function tenantUsage($tenant)
    {
        $tenant = (string) $tenant;
        $serviceId = $this->serviceOf($tenant);
        if ($serviceId === null) {
            $this->ctx->log->activity($this->ctx->action, 0, 0, sprintf("no provisioned service on server ID %d has the MeshCentral user '%s'", $this->ctx->params->serverId(), $tenant));
            return array_values($this->metrics());
        }
        try {
            $count = ServerUsage::forService($this->ctx, $serviceId);
        } catch (\Throwable) {
            $count = null; // logged by ServerUsage
        }
        if ($count === null || $count->devices === null) {
            return array_values($this->metrics());
        }
        return $this->withUsage($count->devices, (int) $count->online);
    }

    /** @return list<MetricInterface> */
    private function withUsage(int $devices, int $online): array
    {
        $values = [self::DEVICES => $devices, self::DEVICES_ONLINE => $online];
        $out = [];
        foreach ($this->metrics() as $name => $metric) {
            $out[] = $metric->withUsage(new Usage($values[$name]));
        }
        return $out;
    }

    /** The provisioned service of this server whose stored MeshCentral user is $tenant. */
    private function serviceOf(string $tenant): ?int
    {
        foreach (ServerUsage::services($this->ctx) as $serviceId => $row) {
            if ($row['username'] === $tenant) {
                return $serviceId;
            }
        }
        return null;
    }
}
