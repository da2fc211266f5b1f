<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;
use WHMCS\Module\Server\Meshcentral\Config\ServicePlan;
use WHMCS\Module\Server\Meshcentral\Exception\SettingsException;
use WHMCS\Module\Server\Meshcentral\ServiceContext;
use WHMCS\Module\Server\Meshcentral\Storage\ConfigurableOptions;

/**
 * WHMCS's daily usage run, once per server: device counts of every active or suspended service on this server in one
 * MeshCentral session, written to the service's usage fields as WHMCS modules do (disk usage = devices, disk limit =
 * the plan's device limit: product setting 4 + the extra_devices option; bandwidth usage = devices online; there is
 * no byte count in this product).
 */
final class UsageUpdate
{
    public function __invoke(ServiceContext $ctx): string
    {
        $serverId = (int) ($ctx->params->raw['serverid'] ?? 0);
        $columns = ['tblhosting.id'];
        for ($i = 1; $i <= ProductSettings::LEGACY_API_KEY; $i++) {
            $columns[] = 'tblproducts.configoption' . $i;
        }
        $services = Capsule::table('tblhosting')
            ->join('tblproducts', 'tblproducts.id', '=', 'tblhosting.packageid')
            ->where('tblhosting.server', $serverId)
            ->whereIn('tblhosting.domainstatus', ['Active', 'Suspended'])
            ->get($columns);
        $options = ConfigurableOptions::ofServices(
            array_map(static fn ($s): int => (int) $s->id, $services->all()),
            [ServicePlan::EXTRA_DEVICES, ServicePlan::RIGHTS_PRESET]
        );
        // Each service's limit as the plan computes it (product limit + extra devices). A service whose product or
        // options do not read keeps its last disk limit, and staff are told, rather than getting a guessed limit.
        $limits = [];
        foreach ($services as $s) {
            $id = (int) $s->id;
            try {
                $limits[$id] = ServicePlan::of(ProductSettings::fromParams((array) $s), $options[$id] ?? [])->deviceLimit();
            } catch (SettingsException $e) {
                $limits[$id] = null;
                $ctx->log->activity('UsageUpdate', $id, 0, 'device limit not updated: ' . $e->getMessage());
            }
        }
        $meshIds = $ctx->store->meshIds(array_keys($limits));
        if ($meshIds === []) {
            return 'success';
        }
        $server = $ctx->server();
        $usage = $ctx->run('UsageUpdate', ['groups' => count($meshIds)], static fn (Connector $c): array => $c->usage($server, array_values($meshIds)));
        $now = date('Y-m-d H:i:s');
        foreach ($meshIds as $serviceId => $meshId) {
            $u = $usage[$meshId] ?? null;
            $update = ['diskusage' => $u['devices'] ?? 0, 'bwusage' => $u['online'] ?? 0, 'bwlimit' => 0, 'lastupdate' => $now];
            if (($limits[$serviceId] ?? null) !== null) {
                $update['disklimit'] = $limits[$serviceId];
            }
            Capsule::table('tblhosting')->where('id', $serviceId)->update($update);
        }
        return 'success';
    }
}
