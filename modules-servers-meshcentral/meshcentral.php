<?php

/**
 * MeshCentral Connector for WHMCS: sells MeshCentral remote management (one device group and one scoped user per
 * service, single sign-on, agent installers, device list).
 *
 * This file is only the list of functions WHMCS calls; each is one class under lib/ModuleFunction/, run through
 * FunctionRunner::run (one try/catch, logging with secrets masked, WHMCS's return shapes). The protocol logic is the Rust
 * core in wasm/meshcentral_connector.wasm, run by the PHP host in php-host/.
 */

declare(strict_types=1);

use WHMCS\Module\Server\Meshcentral\Metrics\DeviceMetricsProvider;
use WHMCS\Module\Server\Meshcentral\FunctionRunner;
use WHMCS\Module\Server\Meshcentral\ModuleFunction as F;
use WHMCS\Module\Server\Meshcentral\Params;
use WHMCS\Module\Server\Meshcentral\ServiceContext;
use WHMCS\Module\Server\Meshcentral\Support\ConnectorFactory;
use WHMCS\Module\Server\Meshcentral\Support\Lang;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/autoload.php';

function meshcentral_MetaData(): array
{
    return (new F\MetaData())();
}

/** WHMCS passes the product's params (e.g. producttype) on the product's Module Settings tab; none are needed. */
function meshcentral_ConfigOptions(array $params = []): array
{
    return (new F\ConfigOptions())(ConnectorFactory::core());
}

function meshcentral_CreateAccount(array $params): string
{
    return FunctionRunner::run(F\CreateAccount::class, $params, static fn (string $e): string => $e);
}

function meshcentral_SuspendAccount(array $params): string
{
    return FunctionRunner::run(F\SuspendAccount::class, $params, static fn (string $e): string => $e);
}

function meshcentral_UnsuspendAccount(array $params): string
{
    return FunctionRunner::run(F\UnsuspendAccount::class, $params, static fn (string $e): string => $e);
}

function meshcentral_TerminateAccount(array $params): string
{
    return FunctionRunner::run(F\TerminateAccount::class, $params, static fn (string $e): string => $e);
}

function meshcentral_ChangePassword(array $params): string
{
    // WHMCS shows this error to the client when the client changed the password.
    return FunctionRunner::run(F\ChangePassword::class, $params, static fn (string $e, string $c): string => FunctionRunner::audienceText($e, $c), 'error_password');
}

function meshcentral_ChangePackage(array $params): string
{
    return FunctionRunner::run(F\ChangePackage::class, $params, static fn (string $e): string => $e);
}

function meshcentral_TestConnection(array $params): array
{
    return FunctionRunner::run(F\TestConnection::class, $params, static fn (string $e): array => ['success' => false, 'error' => $e]);
}

function meshcentral_ServiceSingleSignOn(array $params): array
{
    return FunctionRunner::run(F\ServiceSingleSignOn::class, $params, static fn (string $e, string $c): array => ['success' => false, 'errorMsg' => FunctionRunner::audienceText($e, $c)], 'error_sso');
}

function meshcentral_AdminSingleSignOn(array $params): array
{
    return FunctionRunner::run(F\AdminSingleSignOn::class, $params, static fn (string $e): array => ['success' => false, 'errorMsg' => $e]);
}

function meshcentral_ClientArea(array $params): array
{
    return FunctionRunner::run(F\ClientArea::class, $params, static fn (string $e, string $c): array => F\ClientArea::errorOutput($c));
}

function meshcentral_AdminServicesTabFields(array $params): array
{
    return FunctionRunner::run(F\AdminServicesTabFields::class, $params, static fn (string $e): array => ['MeshCentral' => htmlspecialchars($e, ENT_QUOTES, 'UTF-8')]);
}

function meshcentral_AdminCustomButtonArray(): array
{
    return ['Re-sync with MeshCentral' => 'Resync', 'New invite link' => 'InviteLink'];
}

function meshcentral_ClientAreaCustomButtonArray(): array
{
    // The label is shown to the client: in the client-area session's language (WHMCS passes no params here).
    return [Lang::get('button_invite', Lang::active()) => 'InviteLink'];
}

/**
 * Client functions that are not buttons (WHMCS's ClientAreaAllowedFunctions): Connect is reached from the device
 * list's forms (modop=custom&a=Connect) with the device and the mode.
 */
function meshcentral_ClientAreaAllowedFunctions(): array
{
    return ['Connect'];
}

/** Per-device SSO deep link, minted at click time; a custom page (templatefile) or the error text. */
function meshcentral_Connect(array $params): array|string
{
    return FunctionRunner::run(F\Connect::class, $params, static fn (string $e, string $c): string => FunctionRunner::audienceText($e, $c), 'error_connect');
}

function meshcentral_Resync(array $params): string
{
    return FunctionRunner::run(F\Resync::class, $params, static fn (string $e): string => $e);
}

function meshcentral_InviteLink(array $params): string
{
    // Also a client button (ClientAreaCustomButtonArray): the client sees this error.
    return FunctionRunner::run(F\InviteLink::class, $params, static fn (string $e, string $c): string => FunctionRunner::audienceText($e, $c), 'error_invite');
}

function meshcentral_UsageUpdate(array $params): string
{
    return FunctionRunner::run(F\UsageUpdate::class, $params, static fn (string $e): string => $e);
}

function meshcentral_ListAccounts(array $params): array
{
    return FunctionRunner::run(F\ListAccounts::class, $params, static fn (string $e): array => ['success' => false, 'error' => $e]);
}

/** WHMCS 7.9+ usage billing: devices per service (see lib/Metrics/DeviceMetricsProvider.php). */
function meshcentral_MetricProvider(array $params): ProviderInterface
{
    return new DeviceMetricsProvider(new ServiceContext(new Params($params), 'MetricProvider'));
}
