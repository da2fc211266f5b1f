<?php

declare(strict_types=1);

/*
 * Compiles the Wasm core once and stores the native artifact in the cache that web requests read
 * (MESHCONNECTOR_CACHE_DIR, default <tmp>/meshcentral-connector-cache). Run it from the CLI as the user that owns the
 * cache after installing or upgrading the module; web requests never write the cache (see php-host ModuleCache).
 *
 *   MESHCONNECTOR_LIBWASMER=/path/libwasmer.so php modules/servers/meshcentral/bin/precompile.php
 */

use MeshCentralConnector\Runtime\ModuleCache;
use MeshCentralConnector\Runtime\WasmerLibrary;
use WHMCS\Module\Server\Meshcentral\Support\ConnectorFactory;

if (PHP_SAPI !== 'cli') {
    exit(1);
}
require dirname(__DIR__) . '/lib/autoload.php';

$lib = new WasmerLibrary(getenv('MESHCONNECTOR_LIBWASMER') ?: null);
$cache = new ModuleCache($lib, ConnectorFactory::cacheDir());
$start = hrtime(true);
$cache->precompile(dirname(__DIR__) . '/wasm/meshcentral_connector.wasm');
printf("compiled into %s in %.0f ms\n", ConnectorFactory::cacheDir(), (hrtime(true) - $start) / 1e6);
