<?php

declare(strict_types=1);

// One fresh PHP process doing what a WHMCS page load with our module does: load libwasmer, load the module (compile or
// deserialize the cached artifact), instantiate, run test connection. Prints one JSON line of microsecond timings.
require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;

$start = hrtime(true);
[$wasm, $cacheDir, $settingsJson] = array_slice($argv, 1, 3);
$connector = Connector::load($wasm, new ConnectorOptions(cacheDir: $cacheDir === '-' ? null : $cacheDir));
$loaded = hrtime(true);
$report = $connector->testConnection(json_decode($settingsJson, true, 16, JSON_THROW_ON_ERROR));
$done = hrtime(true);
echo json_encode($connector->timings() + [
    'operation' => ($done - $loaded) / 1000,
    'total_in_process' => ($done - $start) / 1000,
    'ok' => $report['rights']['ok'],
]), "\n";
