<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use MeshCentralConnector\Exception\ServerException;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * Sets the service password (WHMCS has already stored it) as the MeshCentral user's password. WHMCS shows this
 * function's error to the client when the client changed the password, so connection problems (whose messages name
 * the MeshCentral host) get a short text; the details are in the module log.
 */
final class ChangePassword
{
    public function __invoke(ServiceContext $ctx): string
    {
        $service = $ctx->service();
        $server = $ctx->server();
        $password = $ctx->params->password();
        try {
            $ctx->run('ChangePassword', ['service' => $service], static fn (Connector $c): array => $c->changePassword($server, $service, $password));
        } catch (ServerException) {
            return 'MeshCentral could not be reached, so the password was not changed there. Please try again later.';
        }
        return 'success';
    }
}
