<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/** Sets the service password (WHMCS has already stored it) as the MeshCentral user's password. */
final class ChangePassword
{
    public function __invoke(ServiceContext $ctx): string
    {
        $service = $ctx->service();
        $server = $ctx->server();
        $password = $ctx->params->password();
        $ctx->run('ChangePassword', ['service' => $service], static fn (Connector $c): array => $c->changePassword($server, $service, $password));
        return 'success';
    }
}
