<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;
use WHMCS\Module\Server\Meshcentral\Config\ServerSettings;
use WHMCS\Module\Server\Meshcentral\Config\ServicePlan;
use WHMCS\Module\Server\Meshcentral\Support\Lang;

/**
 * WHMCS's `$params`, read once and defensively (every key may be missing), so no other code reads `configoptionN`.
 */
final class Params
{
    private ?ProductSettings $product = null;
    private ?ServerSettings $server = null;
    private ?ServicePlan $plan = null;
    private ?string $language = null;

    /** @param array<string, mixed> $raw */
    public function __construct(public readonly array $raw)
    {
    }

    public function serviceId(): int
    {
        return (int) ($this->raw['serviceid'] ?? 0);
    }

    /** The WHMCS server record this call is for (0 when the product has none). */
    public function serverId(): int
    {
        return (int) ($this->raw['serverid'] ?? 0);
    }

    public function clientId(): int
    {
        return (int) ($this->raw['userid'] ?? ($this->raw['clientsdetails']['id'] ?? 0));
    }

    public function username(): string
    {
        return trim((string) ($this->raw['username'] ?? ''));
    }

    public function password(): string
    {
        return (string) ($this->raw['password'] ?? '');
    }

    /**
     * The service's WHMCS status (Pending, Active, Suspended, Terminated, Cancelled, Fraud, Completed), '' when
     * unknown. Read from `$params['model']`, the service model WHMCS documents as passed to every module function
     * (developer docs, "Service Properties"; its `domainstatus` column is tblhosting's); `$params['status']` is not
     * in the documented parameter list, so it is only a fallback. Callers treat '' as not Active.
     */
    public function status(): string
    {
        try {
            $model = $this->raw['model'] ?? null;
            $status = is_object($model) ? $model->domainstatus : null;
        } catch (\Throwable) {
            $status = null;
        }
        if (!is_string($status) || $status === '') {
            $status = $this->raw['status'] ?? '';
        }
        return is_string($status) ? trim($status) : '';
    }

    public function isActive(): bool
    {
        return strcasecmp($this->status(), 'Active') === 0;
    }

    public function product(): ProductSettings
    {
        return $this->product ??= ProductSettings::fromParams($this->raw);
    }

    /** The product's settings with the service's configurable options applied (preset, device limit). */
    public function plan(): ServicePlan
    {
        return $this->plan ??= ServicePlan::fromParams($this->product(), $this->raw);
    }

    /** Read by the core once per request (one `server_settings` call), then kept. */
    public function server(Connector $core): ServerSettings
    {
        return $this->server ??= ServerSettings::fromParams($this->raw, $this->hasProduct() ? $this->product() : null, $core);
    }

    /** @return array<string, string> the client's details WHMCS passes (clientsdetails) */
    public function client(): array
    {
        $c = is_array($this->raw['clientsdetails'] ?? null) ? $this->raw['clientsdetails'] : [];
        return array_map(static fn ($v): string => is_scalar($v) ? (string) $v : '', $c);
    }

    /** The reader's language: the client-area session's, else the client's, else the system default (Lang::active). */
    public function language(): string
    {
        return $this->language ??= Lang::active($this->raw);
    }

    /** Values for the group name template. */
    public function templateVars(): array
    {
        $c = $this->client();
        $full = trim(($c['fullname'] ?? '') ?: (($c['firstname'] ?? '') . ' ' . ($c['lastname'] ?? '')));
        return [
            'company' => ($c['companyname'] ?? '') !== '' ? $c['companyname'] : $full,
            'client' => $full,
            'firstname' => $c['firstname'] ?? '',
            'lastname' => $c['lastname'] ?? '',
            'email' => $c['email'] ?? '',
            'service_id' => $this->serviceId(),
            'product' => $this->productName(),
            'domain' => (string) ($this->raw['domain'] ?? ''),
        ];
    }

    /** The product's name from the service model (WHMCS passes no plain field for it). */
    private function productName(): string
    {
        try {
            $model = $this->raw['model'] ?? null;
            return is_object($model) ? (string) ($model->product?->name ?? '') : '';
        } catch (\Throwable) {
            return '';
        }
    }

    /** Server-level calls (TestConnection, ListAccounts, UsageUpdate) carry no product settings. */
    private function hasProduct(): bool
    {
        return array_key_exists('configoption1', $this->raw) || array_key_exists('pid', $this->raw);
    }
}
