<?php

declare(strict_types=1);

// Benchmark (prints numbers; not a test): .wasm size, and for a NEW PHP process doing test connection against a real
// MeshCentral on 127.0.0.1, the time with a cold compile and with the cached artifact, split into runtime (libwasmer)
// load / module load / instantiate / operation. Usage: php bench/test-connection.php [runs]
require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Tests\Support\MeshCentralServer;

$runs = max(1, (int) ($argv[1] ?? 5));
$root = dirname(__DIR__);
$wasm = $root . '/build/meshcentral_connector.wasm';
if (!is_file($wasm)) {
    fwrite(STDERR, "build/meshcentral_connector.wasm missing: run scripts/build-wasm.sh\n");
    exit(1);
}
$server = MeshCentralServer::start();
$settings = json_encode([
    'url' => $server->httpsUrl(),
    'username' => $server->adminUser(),
    'password' => $server->adminPassword(),
    'tls' => ['ca_file' => $server->caFile()],
]);
$cache = sys_get_temp_dir() . '/meshconnector-bench-' . getmypid();

$measure = static function (bool $cold) use ($wasm, $cache, $settings): array {
    if ($cold) {
        array_map('unlink', glob($cache . '/*') ?: []);
    }
    $t = hrtime(true);
    $out = shell_exec(sprintf('php %s %s %s %s', escapeshellarg(__DIR__ . '/one-process.php'), escapeshellarg($wasm), escapeshellarg($cache), escapeshellarg($settings)));
    $wall = (hrtime(true) - $t) / 1000;
    $row = json_decode((string) $out, true);
    if (!is_array($row) || $row['ok'] !== true) {
        throw new RuntimeException('benchmark process failed: ' . $out);
    }
    return $row + ['process_wall' => $wall];
};

$median = static function (array $rows, string $key): float {
    $v = array_column($rows, $key);
    sort($v);
    return $v[intdiv(count($v), 2)];
};

$results = ['cold compile' => [], 'cached artifact' => []];
for ($i = 0; $i < $runs; $i++) {
    $results['cold compile'][] = $measure(true);
    $results['cached artifact'][] = $measure(false);
}
$server->stop();

printf("wasm: %s, %d bytes (%.1f KiB)\n", basename($wasm), filesize($wasm), filesize($wasm) / 1024);
printf("PHP %s, %d runs each, median milliseconds per new PHP process:\n", PHP_VERSION, $runs);
printf("%-16s %9s %9s %9s %9s %9s %12s\n", 'case', 'runtime', 'module', 'instance', 'operation', 'in-proc', 'process wall');
foreach ($results as $case => $rows) {
    printf(
        "%-16s %9.2f %9.2f %9.2f %9.2f %9.2f %12.2f  (module: %s)\n",
        $case,
        $median($rows, 'library') / 1000,
        $median($rows, 'module') / 1000,
        $median($rows, 'instantiate') / 1000,
        $median($rows, 'operation') / 1000,
        $median($rows, 'total_in_process') / 1000,
        $median($rows, 'process_wall') / 1000,
        $rows[0]['module_load_kind']
    );
}
echo "operation = test connection over wss with password auth (TLS handshake, login, serverinfo/userinfo, serverconsole info)\n";
