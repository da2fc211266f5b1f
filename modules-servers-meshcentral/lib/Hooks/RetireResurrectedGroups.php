<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Hooks;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Meshcentral\FunctionRunner;
use WHMCS\Module\Server\Meshcentral\Params;
use WHMCS\Module\Server\Meshcentral\ServiceContext;
use WHMCS\Module\Server\Meshcentral\Support\ModuleLog;

/**
 * WHMCS's DailyCronJob hook: the sweep of device groups that came back (core op `sweep`, src/ops/sweep.rs).
 *
 * MeshCentral never really deletes a group: when any agent enrols with a deleted group's id (a machine installed
 * after Terminate from an installer the customer downloaded before), it undeletes the group. Nobody but the server's
 * administrators can reach such a group (Terminate deleted the customer's user), and Server Sync does not list it,
 * but it holds a device that should not be there. Once a day, per MeshCentral server record (one connection each),
 * the groups of this install's terminated services (ServiceStore::terminatedKeys) that MeshCentral shows again are
 * retired as Terminate retires them: devices into the server's pinned retired-agents group, online agents asked to
 * uninstall, the group deleted.
 *
 * Why the daily cron and not UsageUpdate: WHMCS calls UsageUpdate only when the admin enabled the usage statistics
 * task, and its return value is discarded; DailyCronJob runs on every install once a day. Each retired group, each
 * group left alone (with the reason) and each server that failed is written to the activity log; one server failing
 * does not stop the others. Idempotent: a second run finds nothing to do.
 */
final class RetireResurrectedGroups
{
    /**
     * @param array<string, mixed> $vars
     * @return array<int, array<string, mixed>|string> per server id: the core's answer, or why the sweep failed
     */
    public function __invoke(array $vars = []): array
    {
        $servers = Capsule::table('tblservers')->where('type', 'meshcentral')->where('disabled', 0)
            ->orderBy('id')->pluck('id')->map(static fn ($id): int => (int) $id)->all();
        if ($servers === []) {
            return [];
        }
        $out = [];
        // Computed once: a key is per install, not per server (a service may have moved servers since Create); the
        // core only acts on groups it finds on the server it talks to.
        $keys = null;
        foreach ($servers as $serverId) {
            $ctx = null;
            try {
                $params = ServiceParams::forServer($serverId);
                if ($params === null) {
                    continue;
                }
                $ctx = new ServiceContext(new Params($params), 'RetireResurrectedGroups');
                $keys ??= $ctx->store->terminatedKeys();
                if ($keys === []) {
                    return [];
                }
                $out[$serverId] = $this->sweep($ctx, $serverId, $keys);
            } catch (\Throwable $e) {
                $log = $ctx?->log ?? new ModuleLog();
                $out[$serverId] = FunctionRunner::describe($e);
                $log->activity('daily sweep of groups that came back failed', 0, 0, sprintf('server ID %d: %s: %s (tried again by the next daily cron)', $serverId, get_class($e), FunctionRunner::describe($e)));
            }
        }
        return $out;
    }

    /**
     * @param list<string> $keys
     * @return array<string, mixed>
     */
    private function sweep(ServiceContext $ctx, int $serverId, array $keys): array
    {
        $server = $ctx->server();
        $prefix = $ctx->keyPrefix();
        $pinned = $ctx->store->retiredGroup($serverId);
        $request = ['op' => 'sweep', 'server' => $server, 'key_prefix' => $prefix, 'terminated_keys' => array_values($keys)];
        if ($pinned !== null) {
            $request['retired_mesh_id'] = $pinned;
        }
        $done = $ctx->op($request, ['serverid' => $serverId, 'terminated_services' => count($keys), 'retired_mesh_id' => $pinned]);
        $retired = $done['retired_group'] ?? null;
        if (is_string($retired) && $retired !== $pinned) {
            $ctx->store->pinRetiredGroup($serverId, $retired);
        }
        $found = array_merge(array_column($done['retired'], 'service_key'), array_column($done['left_alone'], 'service_key'));
        $serviceOf = $ctx->store->servicesByKey(array_values(array_map('strval', $found)));
        foreach ($done['retired'] as $g) {
            $ctx->log->activity('retired a device group that came back', $serviceOf[$g['service_key']] ?? 0, 0, sprintf(
                "server ID %d: the group %s ('%s') of the terminated service (key %s, user '%s') was undeleted by MeshCentral when an agent"
                . ' enrolled with its old group id; deleted again, %d device(s) moved to the retired-agents group %s, %d online agent(s) asked to uninstall',
                $serverId,
                $g['mesh_id'],
                $g['group_name'],
                $g['service_key'],
                $g['username'],
                $g['retired_devices'],
                is_string($retired) ? $retired : '(none needed)',
                $g['uninstall_requested']
            ));
        }
        foreach ($done['left_alone'] as $g) {
            $ctx->log->activity('device group of a terminated service left alone', $serviceOf[$g['service_key']] ?? 0, 0, sprintf(
                'server ID %d: the group %s (service key %s) exists again in MeshCentral but was not retired because %s; decide in MeshCentral',
                $serverId,
                $g['mesh_id'],
                $g['service_key'],
                $g['reason']
            ));
        }
        return $done;
    }
}
