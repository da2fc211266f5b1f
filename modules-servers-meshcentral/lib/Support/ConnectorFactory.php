<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Support;

use MeshCentralConnector\Connector;

/**
 * Loads the Wasm core once per PHP request. The .wasm ships in wasm/; libwasmer comes from the preloaded FFI scope
 * (php.ini `ffi.preload`, see the README) or MESHCONNECTOR_LIBWASMER; compiled code is cached in
 * MESHCONNECTOR_CACHE_DIR (precompile it from the CLI: `php bin/precompile.php`; web requests only read the cache).
 */
final class ConnectorFactory
{
    private static ?Connector $connector = null;

    public static function get(): Connector
    {
        if (self::$connector === null) {
            $module = dirname(__DIR__, 2);
            self::$connector = Connector::load(
                $module . '/wasm/meshcentral_connector.wasm',
                null,
                self::cacheDir()
            );
        }
        return self::$connector;
    }

    public static function cacheDir(): string
    {
        $dir = getenv('MESHCONNECTOR_CACHE_DIR');
        return is_string($dir) && $dir !== '' ? $dir : sys_get_temp_dir() . '/meshcentral-connector-cache';
    }
}
