<?php

declare(strict_types=1);

/*
 * Autoloader of the WHMCS emulator (no Composer in this project).
 *
 * - MeshCentralConnector\WhmcsEmulator\  -> whmcs-emulator/src/
 * - WHMCS\Database\Capsule              -> an alias of Laravel's Capsule, as WHMCS 8 ships it
 * - WHMCS\Module\Server\<Name>\         -> <root>/modules/servers/<name>/lib/ (registered per module by ModuleLoader)
 * - other WHMCS\ classes                -> whmcs-emulator/whmcs/ (the few WHMCS classes modules touch: the service model...)
 *
 * The real parts come from Debian: Laravel's database layer (php-illuminate-database) and Smarty 3 (smarty3).
 * Their autoloaders are loaded lazily, so requiring this file costs nothing until the emulator is used.
 */

spl_autoload_register(static function (string $class): void {
    static $illuminateLoaded = false;

    $prefix = 'MeshCentralConnector\\WhmcsEmulator\\';
    if (str_starts_with($class, $prefix)) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require $file;
        }
        return;
    }

    if (str_starts_with($class, 'Illuminate\\') || str_starts_with($class, 'WHMCS\\')) {
        if (!$illuminateLoaded) {
            $illuminateLoaded = true;
            // Debian's autoload.php requires its siblings by include_path-relative names ('Illuminate/...'), so
            // /usr/share/php must be on the include_path (it is in Debian's php.ini default).
            if (!str_contains(get_include_path(), '/usr/share/php')) {
                set_include_path(get_include_path() . PATH_SEPARATOR . '/usr/share/php');
            }
            require_once '/usr/share/php/Illuminate/Database/autoload.php';
        }
    }

    if ($class === 'WHMCS\\Database\\Capsule') {
        // WHMCS 8: "use WHMCS\Database\Capsule;" is Laravel's Capsule manager (illuminate/database).
        class_alias(\Illuminate\Database\Capsule\Manager::class, 'WHMCS\\Database\\Capsule');
        return;
    }

    if (str_starts_with($class, 'WHMCS\\') && !str_starts_with($class, 'WHMCS\\Module\\')) {
        $file = __DIR__ . '/whmcs/' . str_replace('\\', '/', substr($class, strlen('WHMCS\\'))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
