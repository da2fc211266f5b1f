<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Support;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;

/**
 * Loads the Wasm core once per PHP request. The .wasm ships in wasm/; libwasmer comes from the preloaded FFI scope
 * (php.ini `ffi.preload`, see the README) or MESHCONNECTOR_LIBWASMER; compiled code is cached in cacheDir() (fill it
 * from the CLI as the deploy user: `php bin/precompile.php`; see CompiledWasmCache for what it trusts).
 */
final class ConnectorFactory
{
    private static ?Connector $connector = null;
    private static ?Core $core = null;

    /** The Core every module function gets by default (FunctionRunner::run, hooks, the metric provider). */
    public static function core(): Core
    {
        return self::$core ??= new WasmCore(self::get());
    }

    public static function get(): Connector
    {
        if (self::$connector === null) {
            $module = dirname(__DIR__, 2);
            self::$connector = Connector::load($module . '/wasm/meshcentral_connector.wasm', new ConnectorOptions(cacheDir: self::cacheDir()));
        }
        return self::$connector;
    }

    /**
     * MESHCONNECTOR_CACHE_DIR, else `cache/` inside the module: a directory under the deploy user's own tree, not under
     * the shared temp dir, where any local user could create it first and plant native code.
     */
    public static function cacheDir(): string
    {
        $dir = getenv('MESHCONNECTOR_CACHE_DIR');
        return is_string($dir) && $dir !== '' ? $dir : dirname(__DIR__, 2) . '/cache';
    }
}
