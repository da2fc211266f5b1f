<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * WHMCS's daily usage run, once per server: device counts of every active or suspended service on this server in one
 * MeshCentral session, written to the service's usage fields as WHMCS modules do (disk usage = devices, disk limit =
 * the product's device limit, bandwidth usage = devices online; there is no byte count in this product).
 */
final class UsageUpdate
{
    public function __invoke(ServiceContext $ctx): string
    {
        $serverId = (int) ($ctx->params->raw['serverid'] ?? 0);
        $services = Capsule::table('tblhosting')
            ->join('tblproducts', 'tblproducts.id', '=', 'tblhosting.packageid')
            ->where('tblhosting.server', $serverId)
            ->whereIn('tblhosting.domainstatus', ['Active', 'Suspended'])
            ->get(['tblhosting.id', 'tblproducts.configoption' . ProductSettings::DEVICE_LIMIT . ' as device_limit']);
        $limits = [];
        foreach ($services as $s) {
            $limits[(int) $s->id] = (int) $s->device_limit;
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
            Capsule::table('tblhosting')->where('id', $serviceId)->update([
                'diskusage' => $u['devices'] ?? 0,
                'disklimit' => $limits[$serviceId] ?? 0,
                'bwusage' => $u['online'] ?? 0,
                'bwlimit' => 0,
                'lastupdate' => $now,
            ]);
        }
        return 'success';
    }
}
