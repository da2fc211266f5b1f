<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

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
        $url = $ctx->op(
            ['op' => 'login_url', 'base_url' => $settings->baseUrl, 'login_token_key' => $key, 'user' => $settings->username, 'lifetime_seconds' => 60],
            ['username' => $settings->username],
            remote: false
        );
        return ['success' => true, 'redirectTo' => $url['url']];
    }
}
