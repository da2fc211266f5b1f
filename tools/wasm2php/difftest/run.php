<?php

// Runs the random modules written by wasm2php-difftest on both backends and compares them:
//   php tools/wasm2php/difftest/run.php OUT_DIR [-v]
// Per module and round: a fresh instance on Wasmer (FFI, php-host/src/Runtime) and on the translation
// (php-host/src/Translated), the same host functions, then the round's export calls in order. After instantiation and
// after every call, the outcome (results, or the trap / error text), the linear memory and the host-call log must be
// identical. Prints the counts and the first differences as "difftest: M modules (R refused), N instances, C calls,
// D differed"; exits 1 when anything differed. Env: MESHCONNECTOR_LIBWASMER.

declare(strict_types=1);

require dirname(__DIR__, 3) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Runtime\GuestInstance;
use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\WasmerLibrary;
use MeshCentralConnector\Runtime\WasmException;
use MeshCentralConnector\Runtime\CompiledWasm;
use MeshCentralConnector\Runtime\WasmTrap;
use MeshCentralConnector\Tests\Translated\TranslatedFixture;
use MeshCentralConnector\Translated\TranslatedWasm;

$args = array_slice($argv, 1);
$verbose = in_array('-v', $args, true);
$args = array_values(array_diff($args, ['-v']));
$dir = $args[0] ?? null;
if ($dir === null || !is_file("$dir/index.php")) {
    fwrite(STDERR, "usage: php run.php OUT_DIR [-v]\n");
    exit(2);
}

/**
 * The `env` functions wasm2php-difftest lets modules import; every call is appended to $log.
 *
 * @param list<string> $log
 * @return array<string, array<string, HostFunction>>
 */
function hostImports(array &$log): array
{
    return ['env' => [
        'mix' => new HostFunction(['i32', 'i64'], ['i64'], static function (int $a, int $b) use (&$log): int {
            $log[] = "mix $a $b";
            return ($a * 31) ^ $b;
        }),
        'note' => new HostFunction(['i32'], [], static function (int $a) use (&$log): void {
            $log[] = "note $a";
        }),
        'fail' => new HostFunction(['i32'], ['i32'], static function (int $a) use (&$log): int {
            $log[] = "fail $a";
            if (($a & 1) === 1) {
                throw new RuntimeException('host refuses odd arguments');
            }
            return $a >> 1;
        }),
    ]];
}

/** What a call did, as text: results, or the kind and text of the failure. */
function outcome(callable $step): string
{
    try {
        return 'ok ' . json_encode($step());
    } catch (WasmTrap $e) {
        return 'trap ' . $e->getMessage();
    } catch (WasmException $e) {
        return 'error ' . $e->getMessage();
    }
}

/**
 * The guest's memory (when exported) and the host calls so far.
 *
 * @param list<string> $log
 */
function state(GuestInstance $instance, array $log): string
{
    try {
        $size = $instance->memorySize();
        $mem = $size . ' ' . sha1($instance->readMemory(0, $size));
    } catch (WasmException $e) {
        $mem = 'no memory';
    }
    return $mem . ' ' . sha1(implode("\n", $log));
}

$lib = new WasmerLibrary(getenv(WasmerLibrary::ENV_LIBRARY) ?: TranslatedFixture::DEFAULT_LIB);
$index = require "$dir/index.php";
$modules = $refused = $instances = $calls = $differed = 0;
$differences = [];
$refusals = [];
/** @var array<string, int> outcomes seen on Wasmer: "ok", or the trap / error text */
$seen = [];
$start = hrtime(true);
foreach ($index as $entry) {
    [$seed, $kind] = $entry;
    if ($kind === 'refused') {
        $refused++;
        $refusals[$entry[2]] = ($refusals[$entry[2]] ?? 0) + 1;
        continue;
    }
    [, , $file, $class, $rounds] = $entry;
    $modules++;
    $wasmerModule = CompiledWasm::compile($lib, (string) file_get_contents("$dir/$file.wasm"));
    $translatedModule = TranslatedWasm::load("$dir/$file.php", $class);
    foreach ($rounds as $r => $round) {
        $hw = [];
        $ht = [];
        $w = $t = null;
        $a = outcome(static function () use (&$w, $wasmerModule, &$hw) {
            $w = $wasmerModule->instantiate(hostImports($hw));
            return 'instantiated';
        });
        $b = outcome(static function () use (&$t, $translatedModule, &$ht) {
            $t = $translatedModule->instantiate(hostImports($ht));
            return 'instantiated';
        });
        $instances++;
        $seen['instantiation: ' . ($a === 'ok "instantiated"' ? 'ok' : $a)] = ($seen['instantiation: ' . ($a === 'ok "instantiated"' ? 'ok' : $a)] ?? 0) + 1;
        if ($a !== $b || ($w !== null && state($w, $hw) !== state($t, $ht))) {
            $differed++;
            $differences[] = "seed $seed round $r instantiation: wasmer [$a] translated [$b]";
        }
        if ($w === null || $t === null) {
            continue;
        }
        foreach ($round as [$name, $callArgs]) {
            $calls++;
            $a = outcome(static fn () => $w->call($name, ...$callArgs));
            $b = outcome(static fn () => $t->call($name, ...$callArgs));
            $key = str_starts_with($a, 'ok ') ? 'ok' : $a;
            $seen[$key] = ($seen[$key] ?? 0) + 1;
            $sa = state($w, $hw);
            $sb = state($t, $ht);
            if ($a !== $b || $sa !== $sb) {
                $differed++;
                $differences[] = sprintf(
                    'seed %d round %d %s(%s): wasmer [%s] translated [%s]%s',
                    $seed,
                    $r,
                    json_encode($name),
                    implode(', ', $callArgs),
                    $a,
                    $b,
                    $sa !== $sb ? " state $sa vs $sb" : ''
                );
            }
        }
        $w->close();
        $t->close();
    }
    $wasmerModule->close();
}
foreach (array_slice($differences, 0, 30) as $d) {
    echo "DIFF $d\n";
}
if ($verbose) {
    foreach ($refusals as $why => $n) {
        echo "refused $n: $why\n";
    }
    arsort($seen);
    foreach ($seen as $what => $n) {
        printf("%6d %s\n", $n, $what);
    }
}
printf(
    "difftest: %d modules (%d refused by the translator), %d instances, %d calls, %d differed, %.1f s\n",
    $modules,
    $refused,
    $instances,
    $calls,
    $differed,
    (hrtime(true) - $start) / 1e9
);
exit($differed > 0 ? 1 : 0);
