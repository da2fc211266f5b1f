<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/** The service's MeshCentral identity and live device counts on the admin service page (values HTML-escaped). */
final class AdminServicesTabFields
{
    /** @return array<string, string> label => HTML */
    public function __invoke(ServiceContext $ctx): array
    {
        $row = $ctx->store->find($ctx->params->serviceId());
        $e = static fn (string $s): string => htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
        $fields = [
            'MeshCentral service key' => $e($row['service_key'] ?? '-'),
            'MeshCentral user' => $e($row['username'] ?? '-'),
            'MeshCentral device group' => $e($row['mesh_id'] ?? 'not provisioned'),
        ];
        $meshId = $row['mesh_id'] ?? null;
        if ($meshId !== null) {
            try {
                $server = $ctx->server();
                $usage = $ctx->run('AdminServicesTabFields', ['mesh_id' => $meshId], static fn (Connector $c): array => $c->usage($server, [$meshId]));
                $u = $usage[$meshId] ?? null;
                $fields['Devices'] = $u === null ? 'the group no longer exists in MeshCentral' : $e(sprintf('%d (%d online)', $u['devices'], $u['online']));
            } catch (\Throwable $ex) {
                $fields['Devices'] = 'unavailable: ' . $e($ex->getMessage());
            }
        }
        return $fields;
    }
}
