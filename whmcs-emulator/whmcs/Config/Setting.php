<?php

declare(strict_types=1);

namespace WHMCS\Config;

use MeshCentralConnector\WhmcsEmulator\Whmcs;

/**
 * WHMCS's system settings (tblconfiguration), as modules read them: `Setting::getValue('Language')` is the system
 * default language, `Setting::getValue('SystemURL')` the installation's URL. WHMCS answers null for a setting that
 * does not exist.
 */
final class Setting
{
    public static function getValue(string $setting): ?string
    {
        $value = Whmcs::current()->db()->table('tblconfiguration')->where('setting', $setting)->value('value');
        return $value === null ? null : (string) $value;
    }

    public static function setValue(string $setting, mixed $value): void
    {
        Whmcs::current()->setSetting($setting, (string) $value);
    }
}
