<?php

declare(strict_types=1);

// What reading the server settings costs per module call now that the core does it (one `server_settings` call per
// PHP request, memoised in Params), per backend, in one process with the connector already loaded:
//   php -d opcache.enable_cli=1 -d opcache.jit=off bench/server-settings.php [ITERATIONS]
// Prints the median and the first (cold) call in microseconds, for a typical record (URL in Hostname, key + CA file
// in the Access Hash) and for the first release's product override.

require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Backend\BackendSelector;
use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;

$iterations = max(5, (int) ($argv[1] ?? 200));
$wasm = getenv('MESHCONNECTOR_WASM') ?: dirname(__DIR__) . '/build/meshcentral_connector.wasm';
$key = str_repeat('0123456789abcdef', 10);
$records = [
    'server record' => [
        'hostname' => 'https://127.0.0.1:4430/', 'ip' => '127.0.0.1', 'port' => '443', 'secure' => true,
        'username' => 'connector-admin', 'password' => 'Pw-' . bin2hex(random_bytes(8)),
        'accesshash' => $key . "\nca_file=/etc/meshcentral/root-cert-public.crt\naccepted_creators=old-admin",
    ],
    'legacy override' => [
        'hostname' => '', 'ip' => '', 'port' => '', 'secure' => '', 'username' => '', 'password' => '',
        'accesshash' => 'ca_file=/etc/meshcentral/root-cert-public.crt',
        'legacy_server_url' => 'https://127.0.0.1:4430', 'legacy_api_key' => 'connector-admin:Pw-1',
    ],
];
printf("%-11s %-16s %10s %10s\n", 'backend', 'record', 'first us', 'median us');
foreach ([BackendSelector::WASMER, BackendSelector::TRANSLATED] as $backend) {
    $c = Connector::load($wasm, new ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache', backend: $backend));
    foreach ($records as $name => $fields) {
        $times = [];
        for ($i = 0; $i < $iterations; $i++) {
            $t = hrtime(true);
            $c->serverSettings($fields);
            $times[] = (hrtime(true) - $t) / 1000;
        }
        $first = $times[0];
        sort($times);
        printf("%-11s %-16s %10.0f %10.0f\n", $backend, $name, $first, $times[intdiv(count($times), 2)]);
    }
    unset($c);
}
