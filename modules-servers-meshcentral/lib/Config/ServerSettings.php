<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Config;

use MeshCentralConnector\Exception\InvalidSettingsException;
use WHMCS\Module\Server\Meshcentral\Exception\SettingsException;
use WHMCS\Module\Server\Meshcentral\Support\Core;

/**
 * How the module reaches MeshCentral: WHMCS's server record (Hostname or IP, Port, Secure, Username, Password,
 * Access Hash) and the first release's product override (ServerURL, APIKey), as the core's `server_settings`
 * operation reads them. Every rule (address forms, the port rule, Access Hash lines and flags, plaintext, the
 * override) lives in the core (src/settings.rs); this class only hands the raw fields over and keeps the answer, so
 * the module and the core can never disagree about what a setting means.
 */
final class ServerSettings
{
    /**
     * @param array<string, mixed> $server the core's `server` object
     * @param list<string> $warnings
     * @param list<string> $secrets
     */
    private function __construct(
        private readonly array $server,
        public readonly string $baseUrl,
        public readonly string $username,
        public readonly ?string $loginTokenKey,
        public readonly array $warnings,
        private readonly array $secrets,
        public readonly int $pageBudgetMs,
    ) {
    }

    /**
     * @param array<string, mixed> $params WHMCS module params
     * @throws SettingsException with the core's message (what to type; never a secret)
     */
    public static function fromParams(array $params, ?ProductSettings $product, Core $core): self
    {
        try {
            $r = (array) $core->call([
                'op' => 'server_settings',
                'hostname' => $params['serverhostname'] ?? null,
                'ip' => $params['serverip'] ?? null,
                'port' => $params['serverport'] ?? null,
                'secure' => $params['serversecure'] ?? null,
                'username' => $params['serverusername'] ?? null,
                'password' => $params['serverpassword'] ?? null,
                'accesshash' => $params['serveraccesshash'] ?? null,
                'legacy_server_url' => $product?->legacyServerUrl ?? '',
                'legacy_api_key' => $product?->legacyApiKey ?? '',
            ]);
        } catch (InvalidSettingsException $e) {
            throw new SettingsException($e->getMessage(), 0, $e);
        }
        $server = (array) $r['server'];
        return new self(
            $server,
            (string) $r['base_url'],
            (string) $server['username'],
            isset($server['login_token_key']) ? (string) $server['login_token_key'] : null,
            array_values(array_map('strval', (array) $r['warnings'])),
            array_values(array_map('strval', (array) $r['secrets'])),
            // Access Hash page_timeout= (the core's default: 2 s); older cores did not say, so the default is here too.
            (int) ($r['page_budget_ms'] ?? 2000),
        );
    }

    /** @return array<string, mixed> the `server` object of the core's requests */
    public function toConnector(): array
    {
        return $this->server;
    }

    /** @return list<string> values the module log must never show (the core says which) */
    public function secrets(): array
    {
        return $this->secrets;
    }

    public function requireLoginTokenKey(): string
    {
        if ($this->loginTokenKey === null) {
            throw new SettingsException('Single sign-on needs the login token key in the server Access Hash');
        }
        return $this->loginTokenKey;
    }
}
