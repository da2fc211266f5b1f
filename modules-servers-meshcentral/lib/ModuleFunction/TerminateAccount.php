<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * Removes the user, parks the devices, deletes the group (see src/ops/terminate.rs). Idempotent: already gone counts
 * as done. Refuses (with the reason) to touch anything the connector did not create. The retired-agents group the
 * core used is pinned per server record, so later terminates never look it up by its description again.
 */
final class TerminateAccount implements ChangesMeshCentral
{
    public function __invoke(ServiceContext $ctx): string
    {
        $service = $ctx->service();
        $server = $ctx->server();
        $serverId = $ctx->params->serverId();
        $pinned = $ctx->store->retiredGroup($serverId);
        $request = ['op' => 'terminate', 'server' => $server, 'service' => $service];
        if ($pinned !== null) {
            $request['retired_mesh_id'] = $pinned;
        }
        $done = $ctx->op($request, ['service' => $service, 'retired_mesh_id' => $pinned]);
        $retired = $done['retired_group'] ?? null;
        if (is_string($retired) && $retired !== $pinned) {
            $ctx->store->pinRetiredGroup($serverId, $retired);
        }
        $ctx->store->forget($ctx->params->serviceId());
        return 'success';
    }
}
