<?php

declare(strict_types=1);

// What reading the product settings and the service names costs per module call now that the core does it (one
// `product_settings` and at most one `service_names` call per PHP request, memoised in Params / ServiceContext), per
// backend, in one process with the connector already loaded:
//   php -d opcache.enable_cli=1 -d opcache.jit=off bench/product-settings.php [ITERATIONS]
// Prints the median and the first (cold) call in microseconds.

require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Connector;

$iterations = max(5, (int) ($argv[1] ?? 200));
$wasm = getenv('MESHCONNECTOR_WASM') ?: dirname(__DIR__) . '/build/meshcentral_connector.wasm';
$requests = [
    'product_settings' => [
        'op' => 'product_settings', 'rights_preset' => 'remote_only', 'group_name_template' => '{company} #{service_id}',
        'sso_lifetime' => '60', 'device_limit' => '10', 'invite_hours' => '24', 'installers' => 'windows_x64,linux_x64,macos',
        'legacy_server_url' => '', 'legacy_api_key' => '',
    ],
    'service_names' => ['op' => 'service_names', 'install_tag' => 'a1b2c3', 'service_id' => 1234, 'username' => ''],
];
printf("%-11s %-17s %10s %10s\n", 'backend', 'op', 'first us', 'median us');
foreach ([Connector::BACKEND_WASMER, Connector::BACKEND_TRANSLATED] as $backend) {
    $c = Connector::load($wasm, new \MeshCentralConnector\ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache', backend: $backend));
    foreach ($requests as $name => $request) {
        $times = [];
        for ($i = 0; $i < $iterations; $i++) {
            $t = hrtime(true);
            $c->call($request);
            $times[] = (hrtime(true) - $t) / 1000;
        }
        $first = $times[0];
        sort($times);
        printf("%-11s %-17s %10.0f %10.0f\n", $backend, $name, $first, $times[intdiv(count($times), 2)]);
    }
    unset($c);
}
