<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * A single-use `?login=` URL that logs the client into MeshCentral as the service's user (minted locally with the
 * login token key: no round trip to MeshCentral). Short-lived (product setting), refused while suspended.
 */
final class ServiceSingleSignOn
{
    /** @return array{success: bool, redirectTo?: string, errorMsg?: string} */
    public function __invoke(ServiceContext $ctx): array
    {
        $status = strtolower((string) ($ctx->params->raw['status'] ?? ($ctx->params->raw['model']->domainstatus ?? 'active')));
        if (in_array($status, ['suspended', 'terminated', 'cancelled'], true)) {
            return ['success' => false, 'errorMsg' => 'This service is ' . $status . '.'];
        }
        $key = $ctx->settings()->requireLoginTokenKey();
        $ctx->log->addSecret($key);
        $base = $ctx->settings()->baseUrl;
        $username = $ctx->service()['username'];
        $lifetime = $ctx->params->product()->ssoLifetimeSeconds;
        $url = $ctx->run('SingleSignOn', ['username' => $username, 'lifetime' => $lifetime], static fn (Connector $c): array => $c->loginUrl($base, $key, $username, $lifetime));
        return ['success' => true, 'redirectTo' => $url['url']];
    }
}
