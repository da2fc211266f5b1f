<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\ServiceContext;

/** Locks the service's MeshCentral user (site right LOCKED); devices and group stay. */
final class SuspendAccount implements ChangesMeshCentral
{
    public function __invoke(ServiceContext $ctx): string
    {
        $service = $ctx->service();
        $server = $ctx->server();
        $ctx->op(['op' => 'suspend', 'server' => $server, 'service' => $service], ['service' => $service]);
        return 'success';
    }
}
