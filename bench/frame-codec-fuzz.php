<?php

declare(strict_types=1);

// FrameCodec's generated-input run at scale (tests/support/FrameFuzz.php; the test runs 3,000 cases):
//   php bench/frame-codec-fuzz.php [CASES=1000000] [SEED]
// Prints the cases run, their outcomes, the time and the slowest case; exits 1 on the first broken rule.

require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Tests\Support\FrameFuzz;

$cases = max(1, (int) ($argv[1] ?? 1000000));
$seed = (int) ($argv[2] ?? random_int(1, PHP_INT_MAX >> 1));
mt_srand($seed);
set_error_handler(static function (int $no, string $message) use ($seed): bool {
    throw new \ErrorException("seed $seed: PHP warning: $message", 0, $no);
});
$outcomes = ['frames' => 0, 'protocol' => 0, 'too_large' => 0, 'incomplete' => 0];
$slowest = 0.0;
$start = hrtime(true);
try {
    for ($case = 0; $case < $cases; $case++) {
        $t = hrtime(true);
        $outcomes[FrameFuzz::runCase("seed $seed case $case")]++;
        $slowest = max($slowest, (hrtime(true) - $t) / 1e6);
    }
} catch (\Throwable $e) {
    fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . "\n");
    exit(1);
}
$secs = (hrtime(true) - $start) / 1e9;
printf(
    "fuzz frame codec (PHP): %d inputs in %.1f s (%.1f us/input, slowest %.1f ms; seed %d): %s\n",
    $cases,
    $secs,
    $secs * 1e6 / $cases,
    $slowest,
    $seed,
    implode(', ', array_map(static fn ($k, $v) => "$k $v", array_keys($outcomes), $outcomes))
);
