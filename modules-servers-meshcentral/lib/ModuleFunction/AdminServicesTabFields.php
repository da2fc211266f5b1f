<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * The service's MeshCentral identity and device counts on the admin service page (values HTML-escaped).
 *
 * The counts shown first are those of the last usage run (stored per service by the cron's UsageUpdate /
 * MetricProvider), read from the module's table: the page never waits for them. A live count follows, asked with
 * a short timeout (LIVE_TIMEOUT_MS for the connection and for each reply) so a slow or unreachable MeshCentral
 * costs the page at most a few seconds and a refused connection nothing noticeable; its failure is shown in the
 * field, not as a page error.
 */
final class AdminServicesTabFields
{
    public const LIVE_TIMEOUT_MS = 2000;

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
            $server = $ctx->server();
            $server['timeout_ms'] = self::LIVE_TIMEOUT_MS;
            $usage = $ctx->run('AdminServicesTabFields', ['mesh_id' => $meshId], static fn (Connector $c): array => $c->usage($server, [$meshId]));
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
