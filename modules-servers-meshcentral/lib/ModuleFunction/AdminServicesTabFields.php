<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * The service's MeshCentral identity and device counts on the admin service page (values HTML-escaped).
 *
 * The counts shown first are those of the last usage run (stored per service by the cron's UsageUpdate /
 * MetricProvider), read from the module's table: the page never waits for them. A live count follows as a page-time
 * call (ServiceContext::pageServer): one overall budget for all its steps (2 s unless the Access Hash says
 * page_timeout=), and no call at all while the server's breaker is open (MeshCentral did not answer a moment ago);
 * either is shown in the field, not as a page error.
 */
final class AdminServicesTabFields
{
    /** @return array<string, string> label => HTML */
    public function __invoke(ServiceContext $ctx): array
    {
        $serviceId = $ctx->params->serviceId();
        $row = $ctx->store->find($serviceId);
        $e = static fn (string $s): string => htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
        $fields = [
            'MeshCentral service key' => $e($row['service_key'] ?? '-'),
            'MeshCentral user' => $e($row['username'] ?? '-'),
            'MeshCentral device group' => $e($row['mesh_id'] ?? 'not provisioned'),
        ];
        $meshId = $row['mesh_id'] ?? null;
        if ($meshId === null) {
            return $fields;
        }
        $fields['Devices (last usage run)'] = $e(self::stored($ctx->store->usage($serviceId)));
        try {
            $server = $ctx->pageServer();
            $usage = $ctx->op(['op' => 'usage', 'server' => $server, 'mesh_ids' => [$meshId]], ['mesh_id' => $meshId]);
            $u = $usage[$meshId] ?? null;
            $fields['Devices now'] = match (true) {
                is_array($u) && isset($u['devices'], $u['online']) => $e(sprintf('%d (%d online)', $u['devices'], $u['online'])),
                is_array($u) && isset($u['error']) => $e('the stored group id is not usable: ' . (string) ($u['error']['message'] ?? '')),
                default => 'the group no longer exists in MeshCentral',
            };
        } catch (\Throwable $ex) {
            $fields['Devices now'] = 'unavailable: ' . $e((string) $ctx->log->scrub($ex->getMessage()));
        }
        return $fields;
    }

    /** @param array{devices: ?int, online: ?int, counted_at: ?string, checked_at: ?string, error: ?string}|null $u */
    private static function stored(?array $u): string
    {
        if ($u === null || $u['checked_at'] === null) {
            return 'not counted yet (the daily cron counts them)';
        }
        $text = $u['devices'] !== null
            ? sprintf('%d (%d online), counted %s', $u['devices'], (int) $u['online'], (string) $u['counted_at'])
            : 'never counted';
        if ($u['error'] !== null) {
            $text .= sprintf('; the run of %s did not count it: %s', $u['checked_at'], $u['error']);
        }
        return $text;
    }
}
