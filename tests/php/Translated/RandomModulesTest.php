<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Translated;

use MeshCentralConnector\Runtime\WasmerLibrary;
use PHPUnit\Framework\TestCase;

/**
 * Random valid MODULES (where DifferentialTest feeds random inputs to the one release module) on both backends:
 * tools/wasm2php/difftest generates them from fixed seeds (wasm-smith, and a bulk-operation template of its own) and
 * translates them; tools/wasm2php/difftest/run.php runs every module's export calls on Wasmer and on the translation
 * and compares results, trap texts, memory and host calls. A small count here; `php bench/random-modules.php` runs
 * tens of thousands. MESHCONNECTOR_DIFF_MODULES / MESHCONNECTOR_DIFF_MODULE_SEED change the count and the first seed.
 */
final class RandomModulesTest extends TestCase
{
    public function testRandomModulesBehaveTheSameOnWasmerAndTranslated(): void
    {
        $lib = TranslatedFixture::libPath();
        if (!extension_loaded('ffi') || !is_file($lib)) {
            self::markTestSkipped('FFI or libwasmer not available (set MESHCONNECTOR_LIBWASMER)');
        }
        $count = (int) (getenv('MESHCONNECTOR_DIFF_MODULES') ?: 300);
        $seed = (int) (getenv('MESHCONNECTOR_DIFF_MODULE_SEED') ?: 1);
        $out = self::compare($seed, $count, $lib);
        self::assertMatchesRegularExpression('/^difftest: (\d+) modules \((\d+) refused by the translator\), \d+ instances, (\d+) calls, 0 differed/m', $out, $out);
        preg_match('/^difftest: (\d+) modules \((\d+) refused.*?, (\d+) calls/m', $out, $m);
        // Nearly every module must translate and be exercised, or the comparison proves little.
        self::assertGreaterThanOrEqual(intdiv($count * 9, 10), (int) $m[1], $out);
        self::assertGreaterThan($count, (int) $m[3], $out);
    }

    /** Generates and compares modules $seed .. $seed + $count - 1; returns run.php's output (fails on a difference). */
    public static function compare(int $seed, int $count, string $lib): string
    {
        $root = TranslatedFixture::root();
        $dir = sys_get_temp_dir() . '/meshconnector-wasm2php/diff-' . getmypid() . '-' . $seed;
        // From inside tools/wasm2php so its .cargo/config.toml applies (the repository's target/ is shared).
        TranslatedFixture::run(sprintf(
            'cd %s && cargo run --quiet --release --locked -p wasm2php-difftest -- %s --seed %d --count %d',
            escapeshellarg($root . '/tools/wasm2php'),
            escapeshellarg($dir),
            $seed,
            $count
        ));
        try {
            $lines = [];
            exec(sprintf(
                '%s=%s %s %s %s 2>&1',
                WasmerLibrary::ENV_LIBRARY,
                escapeshellarg($lib),
                escapeshellarg(PHP_BINARY),
                escapeshellarg($root . '/tools/wasm2php/difftest/run.php'),
                escapeshellarg($dir)
            ), $lines, $code);
            $text = implode("\n", $lines);
            TestCase::assertSame(0, $code, $text);
            return $text;
        } finally {
            TranslatedFixture::run('rm -rf ' . escapeshellarg($dir));
        }
    }
}
