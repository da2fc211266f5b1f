<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/** Applies the (new) product's rights preset to the service's group link; the device limit is read per page load. */
final class ChangePackage
{
    public function __invoke(ServiceContext $ctx): string
    {
        $service = $ctx->service();
        $server = $ctx->server();
        $preset = $ctx->params->product()->preset;
        $ctx->run('ChangePackage', ['service' => $service, 'preset' => $preset], static fn (Connector $c): array => $c->changePackage($server, $service, $preset));
        return 'success';
    }
}
