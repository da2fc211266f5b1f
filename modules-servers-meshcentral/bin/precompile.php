<?php

declare(strict_types=1);

/*
 * Compiles the Wasm core once and stores the native artifact in the cache that web requests read
 * (MESHCONNECTOR_CACHE_DIR, default modules/servers/meshcentral/cache/). Run it from the CLI as the deploy user (the
 * owner of the module's files) after installing or upgrading the module. It refuses, and exits 1 saying why, when the
 * cache directory or one of its ancestors is a symbolic link, owned by another user or writable by group or others:
 * such a directory could hold native code planted by someone else (see php-host CompiledWasmCache).
 *
 *   MESHCONNECTOR_LIBWASMER=/path/libwasmer.so php modules/servers/meshcentral/bin/precompile.php
 */

use MeshCentralConnector\Runtime\CompiledWasmCache;
use MeshCentralConnector\Runtime\WasmerLibrary;
use MeshCentralConnector\Runtime\WasmException;
use WHMCS\Module\Server\Meshcentral\Support\ConnectorFactory;

if (PHP_SAPI !== 'cli') {
    exit(1);
}
require dirname(__DIR__) . '/lib/autoload.php';

try {
    $lib = new WasmerLibrary(getenv('MESHCONNECTOR_LIBWASMER') ?: null);
    $cache = new CompiledWasmCache($lib, ConnectorFactory::cacheDir());
    $start = hrtime(true);
    $path = $cache->precompile(dirname(__DIR__) . '/wasm/meshcentral_connector.wasm');
} catch (WasmException $e) {
    fwrite(STDERR, 'precompile: ' . $e->getMessage() . "\n");
    exit(1);
}
printf("compiled into %s in %.0f ms\n", $path, (hrtime(true) - $start) / 1e6);
