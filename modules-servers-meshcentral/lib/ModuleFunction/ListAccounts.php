<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * The Server Sync tool's account list (one MeshCentral session): every service this WHMCS install provisioned on the
 * server, found among the connector's own groups by their marker (other installs' and hand-made groups are left out).
 *
 * WHMCS writes every difference back into the matched service (domain, primary IP, username, product, status,
 * creation date), so each field is either MeshCentral's truth or, where MeshCentral has no such thing, the service's
 * own value:
 * - uniqueIdentifier and username: the MeshCentral username, which Create stored and wrote into the service username
 *   (MetaData's ListAccountsUniqueIdentifierField is `username`; MeshCentral names are unique per domain);
 * - created: the group's creation time (MeshCentral's `creation`), `Y-m-d H:i:s` in PHP's timezone, the one WHMCS
 *   writes its own dates in;
 * - status: LOCKED (what Suspend sets) is Suspended, anything else Active: the only two values WHMCS takes;
 * - product: the rights preset on the user's link (ListAccountsProductField = configoption1, the preset setting);
 * - email: the MeshCentral user's e-mail;
 * - domain and primaryip: MeshCentral has neither, so the matched service's own values (empty for an account no
 *   service of this install holds, which WHMCS then imports with an empty domain); never the group name.
 *
 * Accounts that are not whole are left out and named in the activity log instead: a group whose user is gone would
 * otherwise be synced (or imported) as a healthy Active service, and reporting it Suspended would write a suspension
 * into billing that nobody made. Left out, the service shows in WHMCS's report as missing from the server, which is
 * what it is; staff repair it with "Re-sync with MeshCentral" or terminate it. Likewise a provisioned service whose
 * group is gone (its user may remain) is not listed and is logged. A group of a terminated service that MeshCentral
 * undeleted (an agent enrolled with the old group id; the core's `came_back`, src/ops/sweep.rs) is never an account
 * either: logged as such, and the daily cron's sweep (Hooks\RetireResurrectedGroups) retires it again.
 */
final class ListAccounts
{
    /** @return array{success: bool, accounts: list<array<string, string>>} */
    public function __invoke(ServiceContext $ctx): array
    {
        $server = $ctx->server();
        $prefix = $ctx->keyPrefix();
        $terminated = $ctx->store->terminatedKeys();
        $request = ['op' => 'list_accounts', 'server' => $server, 'key_prefix' => $prefix];
        if ($terminated !== []) {
            $request['terminated_keys'] = array_values($terminated);
        }
        $list = $ctx->op($request, ['key_prefix' => $prefix, 'terminated_services' => count($terminated)]);

        $serviceOfKey = $ctx->store->servicesByKey(array_values(array_map(static fn (array $a): string => (string) $a['service_key'], $list)));
        $services = self::services(array_values($serviceOfKey));
        $accounts = [];
        $listedKeys = [];
        foreach ($list as $a) {
            $key = (string) $a['service_key'];
            $listedKeys[$key] = true;
            $serviceId = $serviceOfKey[$key] ?? 0;
            $service = $services[$serviceId] ?? null;
            $who = sprintf("MeshCentral user '%s', group %s ('%s'), service key %s", $a['username'], $a['mesh_id'], $a['group_name'], $key);
            if ($a['came_back'] ?? false) {
                $ctx->log->activity($ctx->action, $serviceId, 0, "$who: the service was terminated, and MeshCentral undeleted its group when an agent"
                    . ' enrolled with the old group id; not an account (left out of Server Sync). The daily cron retires it again.');
                continue;
            }
            if (!$a['user_exists']) {
                $ctx->log->activity($ctx->action, $serviceId, 0, "$who: the user is gone from MeshCentral; left out of Server Sync"
                    . ' (not an account WHMCS may sync or import). Use "Re-sync with MeshCentral" to recreate it, or terminate the service.');
                continue;
            }
            if (!is_int($a['created_ms'] ?? null)) {
                $ctx->log->activity($ctx->action, $serviceId, 0, "$who: MeshCentral recorded no creation time for the group; left out of Server Sync");
                continue;
            }
            $product = $a['preset'];
            if ($product === null) {
                $ctx->log->activity($ctx->action, $serviceId, 0, "$who: the user's rights on the group match no preset (changed in MeshCentral);"
                    . ' reported with the product\'s preset. Use "Re-sync with MeshCentral" to restore them.');
                $product = $service['preset'] ?? '';
            }
            $accounts[] = [
                'email' => (string) ($a['email'] ?? ''),
                'username' => (string) $a['username'],
                'domain' => $service['domain'] ?? '',
                'uniqueIdentifier' => (string) $a['username'],
                'product' => (string) $product,
                'primaryip' => $service['dedicatedip'] ?? '',
                'created' => date('Y-m-d H:i:s', intdiv($a['created_ms'], 1000)),
                'status' => $a['locked'] ? 'Suspended' : 'Active',
            ];
        }

        // Provisioned services of this server whose group was not listed: gone, or no longer the connector's.
        $serverServices = Capsule::table('tblhosting')->where('server', $ctx->params->serverId())
            ->whereIn('domainstatus', ['Active', 'Suspended'])->pluck('id')->map(static fn ($id): int => (int) $id)->all();
        foreach ($ctx->store->provisionedRows($serverServices) as $serviceId => $row) {
            if (!isset($listedKeys[$row['service_key']])) {
                $ctx->log->activity($ctx->action, $serviceId, 0, sprintf(
                    "MeshCentral group %s of user '%s' (service key %s) is gone or no longer the connector's; Server Sync reports the service"
                    . ' as missing from the server. Use "Re-sync with MeshCentral" to provision it again, or terminate it.',
                    $row['mesh_id'],
                    $row['username'],
                    $row['service_key']
                ));
            }
        }
        return ['success' => true, 'accounts' => $accounts];
    }

    /**
     * The WHMCS side of the services these accounts belong to.
     *
     * @param list<int> $serviceIds
     * @return array<int, array{domain: string, dedicatedip: string, preset: string}>
     */
    private static function services(array $serviceIds): array
    {
        $out = [];
        foreach (array_chunk($serviceIds, 500) as $chunk) {
            $rows = Capsule::table('tblhosting')->join('tblproducts', 'tblproducts.id', '=', 'tblhosting.packageid')
                ->whereIn('tblhosting.id', $chunk)
                ->get(['tblhosting.id', 'tblhosting.domain', 'tblhosting.dedicatedip', 'tblproducts.configoption' . ProductSettings::RIGHTS_PRESET . ' as preset']);
            foreach ($rows as $r) {
                $out[(int) $r->id] = ['domain' => (string) $r->domain, 'dedicatedip' => (string) $r->dedicatedip, 'preset' => (string) $r->preset];
            }
        }
        return $out;
    }
}
