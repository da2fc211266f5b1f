<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/** Custom button (client and admin): a new time-limited agent invitation link for the service's group. */
final class InviteLink
{
    public function __invoke(ServiceContext $ctx): string
    {
        $params = $ctx->params;
        $row = $ctx->store->find($params->serviceId());
        $meshId = $row['mesh_id'] ?? null;
        if ($meshId === null) {
            return 'The service is not provisioned yet.';
        }
        $product = $params->product();
        $server = $ctx->server();
        $hours = $product->inviteHours;
        $username = $ctx->service()['username'];
        $link = $ctx->run('InviteLink', ['mesh_id' => $meshId, 'hours' => $hours], static fn (Connector $c): array => $c->inviteLink($server, $meshId, $hours, $username));
        $ctx->store->save($params->serviceId(), ['invite_url' => $link['url'], 'invite_expires' => time() + $hours * 3600]);
        return 'success';
    }
}
