<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Config;

use WHMCS\Module\Server\Meshcentral\Exception\SettingsException;

/**
 * How the module reaches MeshCentral, from WHMCS's server record:
 * - Hostname (or IP), Port (default 443), Secure (https; off = plain http, for a TLS-terminating proxy on loopback),
 * - Username / Password: the MeshCentral service account (a full site administrator listed in
 *   `settings.manageAllDeviceGroups`),
 * - Access Hash: the login token key (160 hex, MeshCentral's `loginCookieEncryptionKey`), needed for single sign-on;
 *   optionally followed by lines `ca_file=/path/ca.pem`, `pin_sha384=<hex>` or `verify_tls=0` for self-signed servers.
 *
 * The first release's setup still works as an override: product settings `ServerURL` and `APIKey` (the login token
 * key, or `user:password`, or a MeshCentral login token `~t:name:password`) with the server username/password blank.
 */
final class ServerSettings
{
    private const KEY_PATTERN = '/^[0-9a-fA-F]{160}$/';

    /**
     * @param array<string, mixed>|null $tls
     */
    private function __construct(
        public readonly string $baseUrl,
        public readonly string $username,
        public readonly ?string $password,
        public readonly ?string $loginTokenKey,
        private readonly ?array $tls,
        private readonly int $timeoutMs,
    ) {
    }

    /** @param array<string, mixed> $params WHMCS module params */
    public static function fromParams(array $params, ?ProductSettings $product = null): self
    {
        $host = trim((string) ($params['serverhostname'] ?? '')) ?: trim((string) ($params['serverip'] ?? ''));
        $secure = self::flag($params['serversecure'] ?? true);
        $port = (int) ($params['serverport'] ?? 0) ?: ($secure ? 443 : 80);
        $username = trim((string) ($params['serverusername'] ?? ''));
        $password = (string) ($params['serverpassword'] ?? '');
        [$key, $tls] = self::parseAccessHash((string) ($params['serveraccesshash'] ?? ''));

        $baseUrl = '';
        if ($host !== '') {
            $baseUrl = ($secure ? 'https' : 'http') . '://' . (str_contains($host, ':') ? "[$host]" : $host) . ':' . $port;
        }
        if ($product !== null && $product->legacyServerUrl !== '') {
            $baseUrl = rtrim($product->legacyServerUrl, '/');
        }
        if ($product !== null && $product->legacyApiKey !== '') {
            $apiKey = $product->legacyApiKey;
            if (preg_match(self::KEY_PATTERN, $apiKey)) {
                $key = $apiKey;
            } elseif (preg_match('/^(~t:[^:\s]+|[^:\s]+):(.+)$/s', $apiKey, $m)) {
                [$username, $password] = [$m[1], $m[2]];
            } else {
                throw new SettingsException('The APIKey product setting must be the 160-hex login token key, user:password, or ~t:token:password');
            }
        }
        if ($baseUrl === '') {
            throw new SettingsException('Set the MeshCentral server hostname (or the ServerURL product setting)');
        }
        if ($username === '') {
            $username = 'admin';
        }
        if ($password === '' && $key === null) {
            throw new SettingsException('Set the MeshCentral account password or the login token key (Access Hash)');
        }
        return new self($baseUrl, $username, $password === '' ? null : $password, $key, $tls, 15000);
    }

    /** The `server` object of the core's requests. */
    public function toConnector(): array
    {
        return array_filter([
            'url' => $this->baseUrl,
            'username' => $this->username,
            'password' => $this->password,
            'login_token_key' => $this->loginTokenKey,
            'tls' => $this->tls,
            'timeout_ms' => $this->timeoutMs,
        ], static fn ($v): bool => $v !== null);
    }

    /** @return list<string> values the module log must never show */
    public function secrets(): array
    {
        return array_values(array_filter([$this->password, $this->loginTokenKey], static fn ($v): bool => $v !== null && $v !== ''));
    }

    public function requireLoginTokenKey(): string
    {
        if ($this->loginTokenKey === null) {
            throw new SettingsException('Single sign-on needs the login token key in the server Access Hash');
        }
        return $this->loginTokenKey;
    }

    /** @return array{0: ?string, 1: ?array<string, mixed>} */
    private static function parseAccessHash(string $raw): array
    {
        $key = null;
        $tls = [];
        foreach (preg_split('/\R/', trim($raw)) ?: [] as $line) {
            $line = trim($line);
            if ($line === '') {
                continue;
            }
            if (preg_match(self::KEY_PATTERN, $line)) {
                $key = $line;
            } elseif (preg_match('/^(login_token_key|ca_file|pin_sha384|verify_tls)\s*=\s*(.*)$/', $line, $m)) {
                match ($m[1]) {
                    'login_token_key' => $key = trim($m[2]),
                    'ca_file' => $tls['ca_file'] = trim($m[2]),
                    'pin_sha384' => $tls['pin_sha384'] = trim($m[2]),
                    'verify_tls' => $tls['verify'] = self::flag(trim($m[2])),
                };
            } else {
                throw new SettingsException('The Access Hash must hold the 160-hex login token key and optional ca_file= / pin_sha384= / verify_tls= lines');
            }
        }
        return [$key, $tls === [] ? null : $tls];
    }

    private static function flag(mixed $v): bool
    {
        return $v === true || $v === 1 || in_array(strtolower((string) $v), ['1', 'on', 'yes', 'true'], true);
    }
}
