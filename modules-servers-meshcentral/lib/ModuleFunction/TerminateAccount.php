<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * Removes the user, parks the devices, deletes the group (see src/ops/terminate.rs). Idempotent: already gone counts
 * as done. Refuses (with the reason) to touch anything the connector did not create.
 */
final class TerminateAccount
{
    public function __invoke(ServiceContext $ctx): string
    {
        $service = $ctx->service();
        $server = $ctx->server();
        $ctx->run('TerminateAccount', ['service' => $service], static fn (Connector $c): array => $c->terminate($server, $service));
        $ctx->store->forget($ctx->params->serviceId());
        return 'success';
    }
}
