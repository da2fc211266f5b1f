<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Config;

use MeshCentralConnector\Exception\InvalidSettingsException;
use WHMCS\Module\Server\Meshcentral\Exception\SettingsException;
use WHMCS\Module\Server\Meshcentral\Support\Core;

/**
 * The product's module settings. WHMCS passes them by position (`configoption1..24`), so each position is a named
 * constant here and must never move: a new setting always takes the next free position.
 *
 * Every rule (presets, platforms, ranges, defaults) lives in the core (src/product_settings.rs, op
 * `product_settings`): this class maps positions to the op's field names, hands over what the admin typed and keeps
 * the answer, so the module and the core can never disagree about what a setting means.
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

    /** The op's field of each position. */
    private const FIELDS = [
        self::RIGHTS_PRESET => 'rights_preset',
        self::GROUP_NAME_TEMPLATE => 'group_name_template',
        self::SSO_LIFETIME => 'sso_lifetime',
        self::DEVICE_LIMIT => 'device_limit',
        self::INVITE_HOURS => 'invite_hours',
        self::INSTALLERS => 'installers',
        self::LEGACY_SERVER_URL => 'legacy_server_url',
        self::LEGACY_API_KEY => 'legacy_api_key',
    ];

    /**
     * @param list<string> $installers
     * @param array<string, mixed> $rules the core's `rules` (presets with their views, platforms, ranges)
     */
    private function __construct(
        public readonly string $preset,
        public readonly string $groupNameTemplate,
        public readonly int $ssoLifetimeSeconds,
        public readonly int $deviceLimit,
        public readonly int $inviteHours,
        public readonly array $installers,
        public readonly string $legacyServerUrl,
        public readonly string $legacyApiKey,
        private readonly array $rules,
    ) {
    }

    /**
     * @param array<string, mixed> $params WHMCS module params
     * @throws SettingsException with the core's message (names the setting and what to type)
     */
    public static function fromParams(array $params, Core $core): self
    {
        $fields = [];
        foreach (self::FIELDS as $n => $field) {
            $value = $params['configoption' . $n] ?? null;
            $fields[$field] = is_scalar($value) ? (string) $value : null;
        }
        try {
            $r = (array) $core->call(['op' => 'product_settings'] + $fields);
        } catch (InvalidSettingsException $e) {
            throw new SettingsException($e->getMessage(), 0, $e);
        }
        return new self(
            (string) $r['preset'],
            (string) $r['group_name_template'],
            (int) $r['sso_lifetime_seconds'],
            (int) $r['device_limit'],
            (int) $r['invite_hours'],
            array_values(array_map('strval', (array) $r['installers'])),
            (string) $r['legacy_server_url'],
            (string) $r['legacy_api_key'],
            (array) $r['rules'],
        );
    }

    /** The rights presets (names), for the configurable option rights_preset. @return list<string> */
    public function presets(): array
    {
        return array_values(array_map(static fn (array $p): string => (string) $p['name'], (array) $this->rules['presets']));
    }

    /**
     * The remote views (desktop, terminal, files) a preset lets MeshCentral open (view_only: NOTERMINAL and NOFILES,
     * so MeshCentral would refuse those and offering them would only lead to an error). [] for an unknown preset.
     *
     * @return list<string>
     */
    public function viewsOf(string $preset): array
    {
        foreach ((array) $this->rules['presets'] as $p) {
            if ($p['name'] === $preset) {
                return array_values(array_map('strval', (array) $p['views']));
            }
        }
        return [];
    }

    /** The `_ConfigOptions` definition, in position order: the defaults are the core's reading of empty settings. */
    public static function definition(Core $core): array
    {
        $defaults = self::fromParams([], $core);
        $rules = $defaults->rules;
        $labels = ['full' => 'Full device control', 'remote_only' => 'Remote control only', 'view_only' => 'View only'];
        $presets = $defaults->presets();
        $range = static fn (string $name): string => $rules[$name]['min'] . '-' . $rules[$name]['max'];
        return [
            'Rights preset' => [
                'Type' => 'dropdown',
                'Options' => array_combine($presets, array_map(static fn (string $p): string => $labels[$p] ?? $p, $presets)),
                'Default' => $defaults->preset,
                'Description' => 'What the customer may do with the devices of its group (a configurable option rights_preset overrides it)',
            ],
            'Group name template' => [
                'Type' => 'text',
                'Size' => '40',
                'Default' => $defaults->groupNameTemplate,
                'Description' => '{company} {client} {firstname} {lastname} {email} {service_id} {product} {domain}',
            ],
            'SSO lifetime (seconds)' => ['Type' => 'text', 'Size' => '5', 'Default' => (string) $defaults->ssoLifetimeSeconds, 'Description' => $range('sso_lifetime') . '; each link works once'],
            'Device limit' => ['Type' => 'text', 'Size' => '6', 'Default' => (string) $defaults->deviceLimit, 'Description' => '0 = unlimited; plus a configurable option extra_devices; at the limit no installers or invite links'],
            'Invite link lifetime (hours)' => ['Type' => 'text', 'Size' => '5', 'Default' => (string) $defaults->inviteHours, 'Description' => $range('invite_hours')],
            'Installers shown' => [
                'Type' => 'text',
                'Size' => '60',
                'Default' => implode(',', $defaults->installers),
                'Description' => 'Comma-separated: ' . implode(', ', array_map('strval', (array) $rules['platforms'])),
            ],
            'ServerURL' => ['Type' => 'text', 'Size' => '40', 'Description' => 'Optional override of the server record for this product\'s services: https://host[:port]. Server-level functions (Test Connection, usage, Server Sync, admin SSO) always use the server record.'],
            'APIKey' => ['Type' => 'password', 'Size' => '40', 'Description' => 'Optional override for this product\'s services: login token key (160 hex) or user:password / ~t:token:password. Not used by server-level functions.'],
        ];
    }
}
