<?php

declare(strict_types=1);

// The differential run of random modules against Wasmer at scale (tests/php/Translated/RandomModulesTest.php runs a
// few hundred): generates and translates them with tools/wasm2php/difftest in batches, runs each batch on both
// backends with tools/wasm2php/difftest/run.php, and prints how many modules, instances and calls ran and how many
// differed.
//   php bench/random-modules.php [MODULES=20000] [FIRST_SEED=1]
// Env: MESHCONNECTOR_LIBWASMER.

require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Tests\Translated\TranslatedFixture;

$total = (int) ($argv[1] ?? 20000);
$first = (int) ($argv[2] ?? 1);
$batch = 2000;
$root = TranslatedFixture::root();
$lib = TranslatedFixture::libPath();
TranslatedFixture::run('cd ' . escapeshellarg("$root/tools/wasm2php") . ' && cargo build --quiet --release --locked -p wasm2php-difftest');
$sum = ['modules' => 0, 'refused' => 0, 'instances' => 0, 'calls' => 0, 'differed' => 0];
$start = hrtime(true);
for ($seed = $first; $seed < $first + $total; $seed += $batch) {
    $n = min($batch, $first + $total - $seed);
    $dir = sys_get_temp_dir() . '/meshconnector-wasm2php/bench-diff-' . getmypid();
    TranslatedFixture::run(sprintf(
        'cd %s && cargo run --quiet --release --locked -p wasm2php-difftest -- %s --seed %d --count %d',
        escapeshellarg("$root/tools/wasm2php"),
        escapeshellarg($dir),
        $seed,
        $n
    ));
    $lines = [];
    exec(sprintf(
        'MESHCONNECTOR_LIBWASMER=%s %s %s %s 2>&1',
        escapeshellarg($lib),
        escapeshellarg(PHP_BINARY),
        escapeshellarg("$root/tools/wasm2php/difftest/run.php"),
        escapeshellarg($dir)
    ), $lines, $code);
    TranslatedFixture::run('rm -rf ' . escapeshellarg($dir));
    $text = implode("\n", $lines);
    if (!preg_match('/^difftest: (\d+) modules \((\d+) refused by the translator\), (\d+) instances, (\d+) calls, (\d+) differed/m', $text, $m)) {
        fwrite(STDERR, "run.php failed (exit $code):\n$text\n");
        exit(1);
    }
    foreach (array_keys($sum) as $i => $key) {
        $sum[$key] += (int) $m[$i + 1];
    }
    foreach (preg_grep('/^DIFF /', $lines) as $line) {
        echo "$line\n";
    }
    printf("seeds %d..%d: %s\n", $seed, $seed + $n - 1, $m[0]);
}
printf(
    "random modules: %d seeds, %d modules run (%d refused by the translator), %d instances, %d calls, %d differed, %.0f s\n",
    $total,
    $sum['modules'],
    $sum['refused'],
    $sum['instances'],
    $sum['calls'],
    $sum['differed'],
    (hrtime(true) - $start) / 1e9
);
exit($sum['differed'] > 0 ? 1 : 0);
