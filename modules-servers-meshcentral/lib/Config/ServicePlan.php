<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Config;

use WHMCS\Module\Server\Meshcentral\Exception\SettingsException;

/**
 * What one service is sold: the product's module settings with the service's WHMCS configurable options on top.
 *
 * Configurable options reach the module in `$params['configoptions']`, keyed by the option's name (for an option
 * named `name|Label` WHMCS passes `name`). Two names count here; any other option of the product is billing only:
 *
 * - `extra_devices`: devices added to the product's device limit (setting 4). A quantity option arrives as the
 *   number; a dropdown or radio option as its chosen sub-option's name (`5|5 more devices` arrives as `5`), which
 *   must then be a whole number; a yes/no option as 0 or 1.
 * - `rights_preset`: replaces the product's rights preset (setting 1). A dropdown or radio option whose sub-options
 *   are named `full`, `remote_only`, `view_only` (with any `|Label`).
 *
 * An empty value (no choice stored for the service, e.g. an option added to the product after the order) means the
 * product's setting applies. Any other value outside these rules is refused with the option's name and what to
 * type, never replaced by a default: the plan the client paid for must be what MeshCentral gets.
 *
 * The device limit rule lives here and only here (limitReached): the client area, the invite link and UsageUpdate
 * all ask this class.
 */
final class ServicePlan
{
    public const EXTRA_DEVICES = 'extra_devices';
    public const RIGHTS_PRESET = 'rights_preset';
    public const MAX_EXTRA_DEVICES = 1_000_000;

    private function __construct(
        public readonly string $preset,
        /** The product's own limit (setting 4); 0 = unlimited. */
        public readonly int $baseDeviceLimit,
        public readonly int $extraDevices,
    ) {
    }

    /**
     * @param array<string, mixed> $configOptions `$params['configoptions']`
     * @throws SettingsException naming the option and the value expected
     */
    public static function of(ProductSettings $product, array $configOptions): self
    {
        $extra = 0;
        if (array_key_exists(self::EXTRA_DEVICES, $configOptions)) {
            $extra = self::extraDevices($configOptions[self::EXTRA_DEVICES]);
        }
        $preset = $product->preset;
        if (array_key_exists(self::RIGHTS_PRESET, $configOptions)) {
            $preset = self::preset($configOptions[self::RIGHTS_PRESET], $product->presets()) ?? $preset;
        }
        return new self($preset, $product->deviceLimit, $extra);
    }

    /** @param array<string, mixed> $params WHMCS module params */
    public static function fromParams(ProductSettings $product, array $params): self
    {
        return self::of($product, is_array($params['configoptions'] ?? null) ? $params['configoptions'] : []);
    }

    /** The service's device limit: the product's plus the extra devices bought; 0 = unlimited (a 0 product stays so). */
    public function deviceLimit(): int
    {
        return $this->baseDeviceLimit === 0 ? 0 : $this->baseDeviceLimit + $this->extraDevices;
    }

    /** THE rule: with `$devices` in the group, may no further device be added? (At the limit, not only past it.) */
    public function limitReached(int $devices): bool
    {
        return $this->deviceLimit() > 0 && $devices >= $this->deviceLimit();
    }

    /** For staff: the numbers behind a refusal. */
    public function describeLimit(int $devices): string
    {
        return sprintf(
            '%d of %d devices (product limit %d + %d extra from the configurable option %s)',
            $devices,
            $this->deviceLimit(),
            $this->baseDeviceLimit,
            $this->extraDevices,
            self::EXTRA_DEVICES
        );
    }

    private static function extraDevices(mixed $value): int
    {
        if (is_int($value)) {
            $text = (string) $value;
        } elseif (is_string($value)) {
            $text = trim($value);
            if ($text === '') {
                return 0;
            }
        } else {
            $text = get_debug_type($value);
        }
        if (preg_match('/^\d{1,7}$/', $text) !== 1 || (int) $text > self::MAX_EXTRA_DEVICES) {
            throw new SettingsException(sprintf(
                "The configurable option %s has the value '%s', not a whole number of devices from 0 to %d (a quantity "
                . 'option, or dropdown choices named like 5|5 more devices)',
                self::EXTRA_DEVICES,
                self::printable($text),
                self::MAX_EXTRA_DEVICES
            ));
        }
        return (int) $text;
    }

    /** @param list<string> $presets the core's preset names */
    private static function preset(mixed $value, array $presets): ?string
    {
        $text = is_string($value) || is_int($value) ? trim((string) $value) : get_debug_type($value);
        if ($text === '') {
            return null;
        }
        if (!in_array($text, $presets, true)) {
            throw new SettingsException(sprintf(
                "The configurable option %s has the value '%s'; name its choices %s (a dropdown or radio option, e.g. remote_only|Remote control only)",
                self::RIGHTS_PRESET,
                self::printable($text),
                implode(', ', $presets)
            ));
        }
        return $text;
    }

    /** A value quoted in an error: admin-typed text, kept short and single-line. */
    private static function printable(string $text): string
    {
        $text = (string) preg_replace('/[^\x20-\x7E]/', '?', $text);
        return strlen($text) > 40 ? substr($text, 0, 40) . '...' : $text;
    }
}
