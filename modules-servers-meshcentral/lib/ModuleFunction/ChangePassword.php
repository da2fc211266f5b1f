<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\Exception\Refusal;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * Sets the service password (WHMCS has already stored it) as the provisioned MeshCentral user's password. WHMCS
 * shows this function's error to the client when the client changed the password: FunctionRunner::run returns the short
 * client text there (the core's messages name the MeshCentral host and accounts) and logs the details for staff.
 */
final class ChangePassword implements ChangesMeshCentral
{
    public function __invoke(ServiceContext $ctx): string
    {
        if ($ctx->store->provisioned($ctx->params->serviceId()) === null) {
            throw new Refusal('the service was never provisioned by a successful Create, so there is no MeshCentral user to change', 'error_password');
        }
        $service = $ctx->service();
        $server = $ctx->server();
        $password = $ctx->params->password();
        $ctx->op(['op' => 'change_password', 'server' => $server, 'service' => $service, 'password' => $password], ['service' => $service]);
        return 'success';
    }
}
