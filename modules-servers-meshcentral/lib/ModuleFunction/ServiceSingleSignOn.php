<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * A single-use `?login=` URL that logs the client into MeshCentral as the service's user (minted locally with the
 * login token key: no round trip to MeshCentral). Short-lived (product setting).
 *
 * The cookie is a master key to the account it names (MeshCentral skips password and 2FA for it), so it is minted
 * only for what the connector provisioned: a service that is Active in WHMCS (an allowlist: Pending, Suspended,
 * Terminated, Cancelled, Fraud, Completed and anything unknown are refused), with the group id and username stored by
 * a successful Create (never the WHMCS username field, which staff can set to any account's name), and not the
 * connector's own account. A refusal is logged for staff (activity log) and the client gets a short text.
 */
final class ServiceSingleSignOn
{
    /** @return array{success: bool, redirectTo?: string, errorMsg?: string} */
    public function __invoke(ServiceContext $ctx): array
    {
        $row = $ctx->usableService('error_sso');
        $settings = $ctx->settings();
        $key = $settings->requireLoginTokenKey();
        $ctx->log->addSecret($key);
        $username = $row['username'];
        $lifetime = $ctx->product()->ssoLifetimeSeconds;
        $url = $ctx->op(
            ['op' => 'login_url', 'base_url' => $settings->baseUrl, 'login_token_key' => $key, 'user' => $username, 'lifetime_seconds' => $lifetime],
            ['username' => $username, 'lifetime' => $lifetime],
            remote: false
        );
        return ['success' => true, 'redirectTo' => $url['url']];
    }
}
