<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * Custom button (client and admin): a new time-limited agent invitation link for the service's group. Only for a
 * service that is Active and provisioned (the same rule as SSO: an invitation enrols devices into the group), and
 * only below the plan's device limit (ServiceContext::requireRoomForDevice): the button shows in WHMCS's sidebar
 * whatever the page hides, so the limit is checked here, not in the template.
 */
final class InviteLink implements ChangesMeshCentral
{
    public function __invoke(ServiceContext $ctx): string
    {
        $params = $ctx->params;
        $meshId = $ctx->usableService('error_invite')['mesh_id'];
        $ctx->requireRoomForDevice($meshId, 'error_invite');
        $product = $ctx->product();
        $server = $ctx->server();
        $hours = $product->inviteHours;
        $username = $ctx->service()['username'];
        $link = $ctx->op(['op' => 'invite_link', 'server' => $server, 'mesh_id' => $meshId, 'expire_hours' => $hours, 'view_as' => $username], ['mesh_id' => $meshId, 'hours' => $hours]);
        $ctx->store->save($params->serviceId(), ['invite_url' => $link['url'], 'invite_expires' => time() + $hours * 3600]);
        return 'success';
    }
}
