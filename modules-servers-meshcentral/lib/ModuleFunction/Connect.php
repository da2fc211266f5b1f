<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\Exception\Refusal;
use WHMCS\Module\Server\Meshcentral\ServiceContext;
use WHMCS\Module\Server\Meshcentral\Support\Lang;

/**
 * The client's per-device "Connect" (desktop, terminal, files): a client-area custom function (listed in
 * ClientAreaAllowedFunctions, reached by the device list's POST forms through WHMCS's
 * `clientarea.php?action=productdetails&id=N&modop=custom&a=Connect`), minting the single-use SSO deep link at click
 * time, never at page render (it works once and lives for the product's SSO lifetime).
 *
 * The node id comes from the browser and is not trusted: the device must be in the `nodes` answer for the service's
 * own group, fetched as the service's own MeshCentral account (the core's `devices` op with view_as), so MeshCentral
 * itself scopes what counts. The mode must be one the product's rights preset grants (view_only: no terminal, no
 * files). The link is returned on a custom page (WHMCS's documented `templatefile` return of a custom function) that
 * forwards the browser to it and shows it as a button.
 */
final class Connect
{
    /** MeshCentral's `viewmode` of each mode (its web app: 11 desktop, 12 terminal, 13 files). */
    public const MODES = ['desktop' => 11, 'terminal' => 12, 'files' => 13];

    /** @return array{templatefile: string, pagetitle: string, breadcrumb: array<string, string>, vars: array<string, mixed>} */
    public function __invoke(ServiceContext $ctx): array
    {
        $params = $ctx->params;
        $row = $ctx->usableService('error_connect');
        $product = $ctx->product();
        $mode = is_string($_POST['mode'] ?? null) ? $_POST['mode'] : '';
        $node = is_string($_POST['node'] ?? null) ? trim($_POST['node']) : '';
        // The views the service's rights preset (its plan: the rights_preset option, else the product's) lets
        // MeshCentral open (the core's rule: view_only has no terminal, no files).
        $preset = $ctx->plan()->preset;
        if (!array_key_exists($mode, self::MODES) || !in_array($mode, $product->viewsOf($preset), true)) {
            throw new Refusal(sprintf('Connect: mode %s is not one the rights preset %s allows', json_encode(substr($mode, 0, 40)), $preset), 'error_connect');
        }
        if ($node === '' || strlen($node) > 256) {
            throw new Refusal('Connect: no usable device id in the request', 'error_connect');
        }
        $wanted = str_starts_with($node, 'node//') ? $node : 'node//' . $node;
        $meshId = $row['mesh_id'];
        $username = $row['username'];
        // Page time (a click): the page budget, and no call while the breaker is open (the client reads
        // "temporarily unavailable", see FunctionRunner::run).
        $server = $ctx->pageServer();
        $devices = $ctx->op(['op' => 'devices', 'server' => $server, 'mesh_id' => $meshId, 'view_as' => $username], ['mesh_id' => $meshId, 'node' => $wanted]);
        $device = null;
        foreach ($devices as $d) {
            if ((string) $d['id'] === $wanted) {
                $device = $d;
                break;
            }
        }
        if ($device === null) {
            throw new Refusal(sprintf("Connect: device %s is not in the service's group %s (as seen by %s)", json_encode(substr($node, 0, 100)), $meshId, $username), 'error_connect');
        }

        $settings = $ctx->settings();
        $key = $settings->requireLoginTokenKey();
        $ctx->log->addSecret($key);
        $lifetime = $product->ssoLifetimeSeconds;
        $viewMode = self::MODES[$mode];
        $url = $ctx->op(
            ['op' => 'login_url', 'base_url' => $settings->baseUrl, 'login_token_key' => $key, 'user' => $username, 'lifetime_seconds' => $lifetime, 'node_id' => $wanted, 'view_mode' => $viewMode],
            ['username' => $username, 'node' => $wanted, 'view_mode' => $viewMode, 'lifetime' => $lifetime],
            remote: false,
            step: 'SignOn'
        );
        $lang = Lang::texts($params->language());
        return [
            'templatefile' => 'templates/connect',
            'pagetitle' => $lang['meshcentral_connect_title'],
            'breadcrumb' => ['clientarea.php?action=productdetails&id=' . $params->serviceId() => $lang['meshcentral_title']],
            'vars' => [
                'lang' => $lang,
                'mcTheme' => \WHMCS\Module\Server\Meshcentral\Support\ThemeFamily::forWhmcs(),
                'connect_url' => $url['url'],
                'connect_device' => (string) $device['name'],
                'connect_mode' => $lang['meshcentral_mode_' . $mode],
                'connect_valid_until' => gmdate('H:i:s', intdiv((int) $url['expires_at_ms'], 1000)) . ' UTC',
                'serviceid' => $params->serviceId(),
            ],
        ];
    }
}
