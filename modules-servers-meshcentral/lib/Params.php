<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral;

use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;
use WHMCS\Module\Server\Meshcentral\Config\ServerSettings;
use WHMCS\Module\Server\Meshcentral\Config\ServicePlan;
use WHMCS\Module\Server\Meshcentral\Support\Core;
use WHMCS\Module\Server\Meshcentral\Support\Lang;

/**
 * WHMCS's `$params`, read once and defensively (every key may be missing): the raw array stays in here, every other
 * class asks a typed accessor. The settings are read by the core (one `product_settings` / `server_settings` call
 * each per request), then kept.
 */
final class Params
{
    private ?ProductSettings $product = null;
    private ?ServerSettings $server = null;
    private ?ServicePlan $plan = null;
    private ?string $language = null;

    /** @param array<string, mixed> $raw */
    public function __construct(private readonly array $raw)
    {
    }

    /** Set when WHMCS runs the function for a product addon (WHMCS 7.2+); 0 for a product. */
    public function addonId(): int
    {
        return (int) ($this->raw['addonId'] ?? 0);
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
        return (int) ($this->raw['userid'] ?? (is_array($this->raw['clientsdetails'] ?? null) ? ($this->raw['clientsdetails']['id'] ?? 0) : 0));
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

    public function product(Core $core): ProductSettings
    {
        return $this->product ??= ProductSettings::fromParams($this->raw, $core);
    }

    /** The product's settings with the service's configurable options applied (preset, device limit). */
    public function plan(Core $core): ServicePlan
    {
        return $this->plan ??= ServicePlan::fromParams($this->product($core), $this->raw);
    }

    public function server(Core $core): ServerSettings
    {
        return $this->server ??= ServerSettings::fromParams($this->raw, $this->hasProduct() ? $this->product($core) : null, $core);
    }

    /**
     * The secret values in WHMCS's params, read without parsing the settings (a broken Access Hash, or a core that
     * cannot load, must not stop the masking, so this asks no core and over-masks by shape): the service password,
     * the server password, the Access Hash's login token key (a 160-hex line or the `login_token_key=` value; the
     * other lines, e.g. `verify_tls=0`, are not secret), and the APIKey override's key or password.
     * ServerSettings::secrets() (the core's exact list) is added once the settings are parsed.
     *
     * @return list<string>
     */
    public function secrets(): array
    {
        $raw = $this->raw;
        $secrets = [(string) ($raw['password'] ?? ''), (string) ($raw['serverpassword'] ?? '')];
        foreach (preg_split('/\R/', (string) ($raw['serveraccesshash'] ?? '')) ?: [] as $line) {
            $line = trim($line);
            if (preg_match('/^[0-9a-fA-F]{160}$/', $line) === 1) {
                $secrets[] = $line;
            } elseif (preg_match('/^login_token_key\s*=\s*(.*)$/', $line, $m) === 1) {
                $secrets[] = trim($m[1]);
            }
        }
        $apiKey = trim((string) ($raw['configoption' . ProductSettings::LEGACY_API_KEY] ?? ''));
        if ($apiKey !== '') {
            $secrets[] = $apiKey;
            if (preg_match('/^(~t:[^:\s]+|[^:\s]+):(.+)$/s', $apiKey, $m) === 1) {
                $secrets[] = $m[2];
            }
        }
        return array_values(array_filter($secrets, static fn (string $v): bool => $v !== ''));
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
