<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\FunctionRunner;
use WHMCS\Module\Server\Meshcentral\ServiceContext;
use WHMCS\Module\Server\Meshcentral\Usage\ServerUsage;

/**
 * WHMCS's daily usage run, once per server: counts the devices of every provisioned Active/Suspended service of the
 * server in one MeshCentral connection (ServerUsage, shared with the MetricProvider of the same cron run) and records
 * them in the module's table for the admin service tab.
 *
 * It writes nothing into tblhosting's usage fields: `diskusage`, `disklimit`, `bwusage` and `bwlimit` are megabytes
 * (WHMCS shows them as MB and bills disk and bandwidth overage from them), and this product stores and transfers no
 * megabytes WHMCS could bill. Devices are billed through usage metrics (Metrics\DeviceMetricsProvider).
 *
 * WHMCS's cron ignores the returned text; every failure has already been written to the activity log (ServerUsage).
 * The text is returned anyway, for whoever runs the function by hand.
 */
final class UsageUpdate
{
    public function __invoke(ServiceContext $ctx): string
    {
        try {
            $run = ServerUsage::forServer($ctx);
        } catch (\Throwable $e) {
            return 'MeshCentral usage update failed: ' . FunctionRunner::describe($e);
        }
        $failed = $run->failures();
        if ($failed === []) {
            return 'success';
        }
        return sprintf(
            'MeshCentral usage update: %d of %d services not counted (%s); see the activity log',
            count($failed),
            count($run->services),
            implode(', ', array_map(static fn ($f): string => 'service ID ' . $f->serviceId, $failed))
        );
    }
}
