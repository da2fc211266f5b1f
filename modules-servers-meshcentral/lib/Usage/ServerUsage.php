<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Usage;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * One count of every provisioned service on a WHMCS server: one `usage` call to the core (one MeshCentral
 * connection for all the server's groups), shared by UsageUpdate and the MetricProvider of the same cron run.
 *
 * WHMCS runs its cron in one PHP process and calls UsageUpdate and the metric collection for each server there; in
 * which order is not documented. So whichever of the two comes first counts, and the other takes that count when it
 * comes within CACHE_SECONDS in the same process; each takes a count once, so the next cron run (or a second
 * UsageUpdate in one process) counts again. A failed count is shared the same way: a server that is down is asked
 * once per run. Every count is also written into the module's table per service (shown on the admin service tab),
 * and every failure goes to WHMCS's activity log (always on; the cron discards UsageUpdate's return value and the
 * module log is off by default), masked.
 *
 * Services counted: Active or Suspended on this server, provisioned by a successful Create. A service whose stored
 * group id is malformed or whose group is gone is reported on its own and left out of the counts (not billed as 0
 * devices); the other services are counted.
 */
final class ServerUsage
{
    public const CACHE_SECONDS = 600;

    /** @var array<int, array{at: float, result: self|\Throwable, taken: array<string, true>}> server id => last count */
    private static array $runs = [];

    /**
     * @param array<int, ServiceCount> $services service id => what was found
     */
    private function __construct(public readonly int $serverId, public readonly array $services)
    {
    }

    /**
     * The count of the server's services for this cron run: the other consumer's count of this run when there is
     * one, otherwise counted now. The context's action names the consumer (UsageUpdate, MetricProvider).
     */
    public static function forServer(ServiceContext $ctx): self
    {
        $action = $ctx->action;
        $serverId = $ctx->params->serverId();
        $run = self::$runs[$serverId] ?? null;
        if ($run === null || isset($run['taken'][$action]) || microtime(true) - $run['at'] > self::CACHE_SECONDS) {
            try {
                $result = self::count($ctx, self::services($ctx));
            } catch (\Throwable $e) {
                $result = $e;
            }
            $run = ['at' => microtime(true), 'result' => $result, 'taken' => []];
        }
        $run['taken'][$action] = true;
        self::$runs[$serverId] = $run;
        if ($run['result'] instanceof \Throwable) {
            throw $run['result'];
        }
        return $run['result'];
    }

    /**
     * One service's count now: one `usage` call for that service's group alone (recorded like a server count).
     * Null when the service is not a provisioned Active/Suspended service of this server.
     */
    public static function forService(ServiceContext $ctx, int $serviceId): ?ServiceCount
    {
        $services = array_intersect_key(self::services($ctx), [$serviceId => true]);
        if ($services === []) {
            return null;
        }
        return self::count($ctx, $services)->services[$serviceId] ?? null;
    }

    /** @return list<ServiceCount> the services that could not be counted */
    public function failures(): array
    {
        return array_values(array_filter($this->services, static fn (ServiceCount $s): bool => $s->error !== null));
    }

    /**
     * Provisioned Active/Suspended services of the server.
     *
     * @return array<int, array{mesh_id: string, username: string}>
     */
    public static function services(ServiceContext $ctx): array
    {
        $ids = Capsule::table('tblhosting')
            ->where('server', $ctx->params->serverId())
            ->whereIn('domainstatus', ['Active', 'Suspended'])
            ->pluck('id')
            ->map(static fn ($id): int => (int) $id)
            ->all();
        return $ids === [] ? [] : $ctx->store->provisionedRows($ids);
    }

    /**
     * @param array<int, array{mesh_id: string, username: string}> $services
     */
    private static function count(ServiceContext $ctx, array $services): self
    {
        $action = $ctx->action;
        $serverId = $ctx->params->serverId();
        $now = date('Y-m-d H:i:s');
        if ($services === []) {
            return new self($serverId, []);
        }
        $meshIds = array_values(array_unique(array_column($services, 'mesh_id')));
        try {
            $server = $ctx->server();
            $usage = $ctx->op(['op' => 'usage', 'server' => $server, 'mesh_ids' => $meshIds], ['serverid' => $serverId, 'groups' => count($meshIds)]);
        } catch (\Throwable $e) {
            $message = $e->getMessage();
            foreach (array_keys($services) as $serviceId) {
                $ctx->store->saveUsage($serviceId, null, null, 'the usage run could not reach MeshCentral: ' . $message, $now);
            }
            $ctx->log->activity($action . ' failed', 0, 0, sprintf('server ID %d: no service counted (%d services): %s', $serverId, count($services), $message));
            throw $e;
        }
        $counts = [];
        foreach ($services as $serviceId => $s) {
            $count = ServiceCount::fromCore($serviceId, $s['username'], $s['mesh_id'], $usage[$s['mesh_id']] ?? null, array_key_exists($s['mesh_id'], $usage));
            $ctx->store->saveUsage($serviceId, $count->devices, $count->online, $count->error, $now);
            if ($count->error !== null) {
                $ctx->log->activity($action . ': service not counted', $serviceId, 0, $count->error . ' (the other services of server ID ' . $serverId . ' were counted)');
            }
            $counts[$serviceId] = $count;
        }
        return new self($serverId, $counts);
    }
}
