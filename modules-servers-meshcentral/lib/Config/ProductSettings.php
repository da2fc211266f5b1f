<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Config;

use WHMCS\Module\Server\Meshcentral\Exception\SettingsException;

/**
 * The product's module settings. WHMCS passes them by position (`configoption1..24`), so each position is a named
 * constant here and must never move: a new setting always takes the next free position.
 */
final class ProductSettings
{
    public const RIGHTS_PRESET = 1;
    public const GROUP_NAME_TEMPLATE = 2;
    public const SSO_LIFETIME = 3;
    public const DEVICE_LIMIT = 4;
    public const INVITE_HOURS = 5;
    public const INSTALLERS = 6;
    /** The first release's setup: MeshCentral URL and credentials per product, server username/password blank. */
    public const LEGACY_SERVER_URL = 7;
    public const LEGACY_API_KEY = 8;

    public const PRESETS = ['full', 'remote_only', 'view_only'];
    public const PLATFORMS = ['windows_x64', 'windows_x86', 'windows_arm64', 'linux_x64', 'linux_script', 'macos'];
    public const DEFAULT_TEMPLATE = '{company} #{service_id}';

    private function __construct(
        public readonly string $preset,
        public readonly string $groupNameTemplate,
        public readonly int $ssoLifetimeSeconds,
        public readonly int $deviceLimit,
        public readonly int $inviteHours,
        /** @var list<string> */
        public readonly array $installers,
        public readonly string $legacyServerUrl,
        public readonly string $legacyApiKey,
    ) {
    }

    /** @param array<string, mixed> $params WHMCS module params */
    public static function fromParams(array $params): self
    {
        $opt = static fn (int $n): string => trim((string) ($params['configoption' . $n] ?? ''));
        $preset = $opt(self::RIGHTS_PRESET) === '' ? 'full' : $opt(self::RIGHTS_PRESET);
        if (!in_array($preset, self::PRESETS, true)) {
            throw new SettingsException("Unknown rights preset '$preset' (product setting 1)");
        }
        $installers = [];
        foreach (preg_split('/[\s,]+/', $opt(self::INSTALLERS)) ?: [] as $p) {
            if ($p === '') {
                continue;
            }
            if (!in_array($p, self::PLATFORMS, true)) {
                throw new SettingsException("Unknown installer '$p' (product setting 6; use " . implode(', ', self::PLATFORMS) . ')');
            }
            $installers[] = $p;
        }
        return new self(
            $preset,
            $opt(self::GROUP_NAME_TEMPLATE) === '' ? self::DEFAULT_TEMPLATE : $opt(self::GROUP_NAME_TEMPLATE),
            self::int($opt(self::SSO_LIFETIME), 60, 10, 3600, 'SSO lifetime'),
            self::int($opt(self::DEVICE_LIMIT), 0, 0, 1_000_000, 'device limit'),
            self::int($opt(self::INVITE_HOURS), 24, 1, 8760, 'invite link lifetime'),
            $installers === [] ? self::PLATFORMS : $installers,
            $opt(self::LEGACY_SERVER_URL),
            $opt(self::LEGACY_API_KEY),
        );
    }

    /** The `_ConfigOptions` definition, in position order. */
    public static function definition(): array
    {
        return [
            'Rights preset' => [
                'Type' => 'dropdown',
                'Options' => ['full' => 'Full device control', 'remote_only' => 'Remote control only', 'view_only' => 'View only'],
                'Default' => 'full',
                'Description' => 'What the customer may do with the devices of its group (a configurable option rights_preset overrides it)',
            ],
            'Group name template' => [
                'Type' => 'text',
                'Size' => '40',
                'Default' => self::DEFAULT_TEMPLATE,
                'Description' => '{company} {client} {firstname} {lastname} {email} {service_id} {product} {domain}',
            ],
            'SSO lifetime (seconds)' => ['Type' => 'text', 'Size' => '5', 'Default' => '60', 'Description' => '10-3600; each link works once'],
            'Device limit' => ['Type' => 'text', 'Size' => '6', 'Default' => '0', 'Description' => '0 = unlimited; plus a configurable option extra_devices; at the limit no installers or invite links'],
            'Invite link lifetime (hours)' => ['Type' => 'text', 'Size' => '5', 'Default' => '24', 'Description' => '1-8760'],
            'Installers shown' => [
                'Type' => 'text',
                'Size' => '60',
                'Default' => implode(',', self::PLATFORMS),
                'Description' => 'Comma-separated: ' . implode(', ', self::PLATFORMS),
            ],
            'ServerURL' => ['Type' => 'text', 'Size' => '40', 'Description' => 'Optional override of the server record for this product\'s services: https://host[:port]. Server-level functions (Test Connection, usage, Server Sync, admin SSO) always use the server record.'],
            'APIKey' => ['Type' => 'password', 'Size' => '40', 'Description' => 'Optional override for this product\'s services: login token key (160 hex) or user:password / ~t:token:password. Not used by server-level functions.'],
        ];
    }

    private static function int(string $raw, int $default, int $min, int $max, string $what): int
    {
        if ($raw === '') {
            return $default;
        }
        if (!preg_match('/^\d+$/', $raw) || (int) $raw < $min || (int) $raw > $max) {
            throw new SettingsException("The $what must be a whole number from $min to $max");
        }
        return (int) $raw;
    }
}
