<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * WHMCS's per-server "log in to the control panel": a single-use SSO URL for the server's MeshCentral service
 * account (minted locally with the login token key). Staff who want the customer's view use the service's own
 * SSO button on the service page instead.
 */
final class AdminSingleSignOn
{
    /** @return array{success: bool, redirectTo?: string, errorMsg?: string} */
    public function __invoke(ServiceContext $ctx): array
    {
        $settings = $ctx->settings();
        $key = $settings->requireLoginTokenKey();
        $ctx->log->addSecret($key);
        if (str_starts_with($settings->username, '~t:')) {
            return ['success' => false, 'errorMsg' => 'The server account is a MeshCentral login token; single sign-on needs a real username'];
        }
        $url = $ctx->run('AdminSingleSignOn', ['username' => $settings->username], static fn (Connector $c): array => $c->loginUrl($settings->baseUrl, $key, $settings->username, 60), remote: false);
        return ['success' => true, 'redirectTo' => $url['url']];
    }
}
