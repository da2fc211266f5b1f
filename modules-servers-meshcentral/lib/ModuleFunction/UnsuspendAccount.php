<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\ServiceContext;

/** Unlocks the service's MeshCentral user. */
final class UnsuspendAccount implements ChangesMeshCentral
{
    public function __invoke(ServiceContext $ctx): string
    {
        $service = $ctx->service();
        $server = $ctx->server();
        $ctx->op(['op' => 'unsuspend', 'server' => $server, 'service' => $service], ['service' => $service]);
        return 'success';
    }
}
