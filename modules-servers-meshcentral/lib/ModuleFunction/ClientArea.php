<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\Exception\Refusal;
use WHMCS\Module\Server\Meshcentral\Exception\ServerUnavailable;
use WHMCS\Module\Server\Meshcentral\FunctionRunner;
use WHMCS\Module\Server\Meshcentral\ServiceContext;
use WHMCS\Module\Server\Meshcentral\Support\Lang;
use WHMCS\Module\Server\Meshcentral\Support\ThemeFamily;

/**
 * The module's block on the service's overview tab (tabOverviewModuleOutputTemplate: WHMCS keeps its own overview
 * with status, dates, amounts, billing cycle, payment method, Upgrade/Cancel and usage billing, and prints this block
 * in it): the SSO button, per-device Connect (desktop / terminal / files as the rights preset allows; the deep link
 * is minted on click by the Connect custom function), installer links with the Linux one-line install commands and
 * the invite link for the service's own group, and its devices with online/offline and last seen. One control-channel session per page load (nodes + lastconnects, per page of nodes when the server pages), logged
 * in as the service's own MeshCentral account when the server has a login token key; the links are built locally.
 * Every value from MeshCentral is escaped by the template.
 */
final class ClientArea
{
    public function __invoke(ServiceContext $ctx): array
    {
        $params = $ctx->params;
        $lang = Lang::texts($params->language());
        $vars = [
            'lang' => $lang,
            'mcTheme' => ThemeFamily::forWhmcs(),
            'connect_modes' => [],
            'serviceid' => $params->serviceId(),
            'sso_url' => 'clientarea.php?action=productdetails&id=' . $params->serviceId() . '&dosinglesignon=1',
            'installers' => [],
            'invite_url' => null,
            'invite_expires' => null,
            'devices' => [],
            'device_count' => 0,
            'online_count' => 0,
            'device_limit' => 0,
            'at_limit' => false,
            'error' => null,
            'ready' => false,
        ];
        try {
            $product = $ctx->product();
            $plan = $ctx->plan();
            $vars['device_limit'] = $plan->deviceLimit();
            try {
                // The same rule as SSO: only an Active service the connector provisioned shows devices and links.
                $row = $ctx->usableService('not_ready');
            } catch (Refusal $r) {
                $status = strtolower($params->status());
                $vars['error'] = match (true) {
                    $status === 'suspended' => $lang['meshcentral_suspended'],
                    $status === 'pending' || ($status === 'active' && $ctx->store->provisioned($params->serviceId()) === null) => $lang['meshcentral_not_ready'],
                    $status === 'active' => FunctionRunner::clientMessage($params->language()),
                    in_array($status, ['terminated', 'cancelled', 'completed'], true) => $lang['meshcentral_ended'],
                    $status === 'fraud' => $lang['meshcentral_unavailable'],
                    default => $lang['meshcentral_inactive'],
                };
                if ($status === 'active') {
                    // Active but not usable: staff should know (an unprovisioned Active service needs a Create).
                    $ctx->log->activity($ctx->action . ' refused', $params->serviceId(), $params->clientId(), $r->getMessage());
                }
                return self::output($vars);
            }
            $meshId = $row['mesh_id'];
            // Page time: one overall budget (2 s unless page_timeout=), and no call at all while the breaker is open.
            $server = $ctx->pageServer();
            $base = $ctx->settings()->baseUrl;
            // Listed as the customer's own account: MeshCentral scopes the answer to what the customer may see (and
            // its `lastconnects` to their devices instead of the whole server's).
            $viewAs = $row['username'];
            $devices = $ctx->op(['op' => 'devices', 'server' => $server, 'mesh_id' => $meshId, 'view_as' => $viewAs], ['mesh_id' => $meshId]);
            $vars['devices'] = array_map(static fn (array $d): array => [
                'id' => (string) $d['id'],
                'name' => (string) $d['name'],
                'os' => (string) ($d['os'] ?? ''),
                'online' => (bool) $d['online'],
                'last_seen' => isset($d['last_seen_ms']) ? gmdate('Y-m-d H:i', intdiv((int) $d['last_seen_ms'], 1000)) . ' UTC' : '',
            ], $devices);
            $vars['device_count'] = count($devices);
            $vars['online_count'] = count(array_filter($devices, static fn (array $d): bool => (bool) $d['online']));
            $vars['at_limit'] = $plan->limitReached(count($devices));
            if (!$vars['at_limit']) {
                // The core's labels are English; the client reads them in its own language (one key per platform).
                $vars['installers'] = array_map(static function (array $i) use ($lang): array {
                    $i['label'] = $lang['meshcentral_platform_' . $i['platform']] ?? (string) $i['label'];
                    return $i;
                }, (array) $ctx->connector()->call(['op' => 'installer_links', 'base_url' => $base, 'mesh_id' => $meshId, 'platforms' => $product->installers]));
                if (($row['invite_url'] ?? null) !== null && (int) $row['invite_expires'] > time()) {
                    $vars['invite_url'] = $row['invite_url'];
                    $vars['invite_expires'] = gmdate('Y-m-d H:i', (int) $row['invite_expires']) . ' UTC';
                }
            }
            $vars['connect_modes'] = array_map(static fn (string $m): array => ['mode' => $m, 'label' => $lang['meshcentral_mode_' . $m]], $product->viewsOf($ctx->plan()->preset));
            $vars['ready'] = true;
        } catch (ServerUnavailable $e) {
            // The breaker is open: the failure that opened it was logged; this page only says so, at once.
            $ctx->log->call($ctx->action, ['serviceid' => $params->serviceId()], $e->getMessage());
            $vars['error'] = $lang['meshcentral_temporarily_unavailable'];
        } catch (\Throwable $e) {
            // The client sees a short, safe text; staff get the cause in the activity log and the module log.
            $ctx->log->activity($ctx->action . ' failed', $params->serviceId(), $params->clientId(), get_class($e) . ': ' . FunctionRunner::describe($e));
            $vars['error'] = FunctionRunner::serverDown($e) ? $lang['meshcentral_temporarily_unavailable'] : FunctionRunner::clientMessage($params->language());
        }
        return self::output($vars);
    }

    /** What WHMCS gets when even building the page failed (meshcentral_ClientArea's error path). */
    public static function errorOutput(string $clientText): array
    {
        return self::output(['lang' => Lang::texts(), 'mcTheme' => ThemeFamily::forWhmcs(), 'error' => $clientText, 'ready' => false]);
    }

    private static function output(array $vars): array
    {
        return ['tabOverviewModuleOutputTemplate' => 'templates/clientareadetails.tpl', 'templateVariables' => $vars];
    }
}
