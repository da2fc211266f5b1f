<?php

declare(strict_types=1);

// Benchmark of the two backends of the Wasm core: Wasmer through FFI, and the module translated to PHP by
// tools/wasm2php (no FFI). Every row is measured in fresh PHP processes:
//   php bench/translated.php [ITERATIONS]
// Env: MESHCONNECTOR_WASM (default build/meshcentral_connector.wasm), MESHCONNECTOR_LIBWASMER, WASM2PHP (translator
// binary; default: built with cargo from tools/wasm2php).
//
// Columns: load = loading the code (translated: the `require` of the generated PHP; wasmer: libwasmer + module from the
// artifact cache); instantiate; a version round trip; minting an SSO cookie (login_url op); parsing a 100 KB request
// (usage op with 1,400 mesh ids: all of it is parsed, then it stops at the refused WebSocket open).

require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Runtime\ModuleCache;
use MeshCentralConnector\Runtime\WasmerLibrary;
use MeshCentralConnector\Tests\Translated\DeterministicHost;
use MeshCentralConnector\Tests\Translated\TranslatedFixture;
use MeshCentralConnector\Translated\TranslatedModule;

const CLASS_NAME = 'MeshCentralConnector\\Translated\\Generated\\MeshCentralConnectorWasm';

if (($argv[1] ?? '') === '--child') {
    [, , $backend, $path, $iterations] = $argv;
    child($backend, $path, (int) $iterations);
    exit(0);
}

function child(string $backend, string $path, int $iterations): void
{
    $t0 = hrtime(true);
    $host = new DeterministicHost(3);
    if ($backend === 'translated') {
        $module = TranslatedModule::load($path, CLASS_NAME);
        $t1 = hrtime(true);
        $instance = $module->instantiate($host->functions());
    } else {
        [$wasm, $cache] = explode('|', $path);
        $lib = new WasmerLibrary(TranslatedFixture::libPath());
        $module = (new ModuleCache($lib, $cache))->load($wasm);
        $t1 = hrtime(true);
        $instance = $module->instantiate($host->functions());
    }
    $host->bind($instance);
    $t2 = hrtime(true);
    $call = static function (string $json) use ($instance): string {
        $ptr = $instance->callInt('alloc', strlen($json));
        $instance->writeMemory($ptr, $json);
        $len = $instance->callInt('call', $ptr, strlen($json)) & 0xFFFFFFFF;
        return $instance->readMemory($instance->callInt('result-ptr'), $len);
    };
    $version = json_encode(['op' => 'version']);
    $sso = json_encode(['op' => 'login_url', 'base_url' => 'https://mc.example.com', 'login_token_key' => str_repeat('0123456789abcdef', 10), 'user' => 'admin', 'lifetime_seconds' => 60, 'node_id' => 'node//' . str_repeat('aB3$', 16), 'view_mode' => 11]);
    $ids = [];
    for ($i = 0; $i < 1400; $i++) {
        $ids[] = 'mesh//' . substr(str_repeat(hash('sha384', (string) $i), 2), 0, 64);
    }
    $usage = json_encode(['op' => 'usage', 'server' => ['url' => 'wss://127.0.0.1:1', 'username' => 'admin', 'password' => 'x'], 'mesh_ids' => $ids]);
    $first = $call($version);
    $t3 = hrtime(true);
    $measure = static function (string $json, int $n) use ($call): float {
        $call($json);
        $s = hrtime(true);
        for ($i = 0; $i < $n; $i++) {
            $out = $call($json);
        }
        return (hrtime(true) - $s) / $n / 1e6;
    };
    $ssoOut = json_decode($call($sso), true);
    if (($ssoOut['ok'] ?? false) !== true) {
        throw new RuntimeException('login_url failed: ' . json_encode($ssoOut));
    }
    echo json_encode([
        'load_ms' => ($t1 - $t0) / 1e6,
        'instantiate_ms' => ($t2 - $t1) / 1e6,
        'first_call_ms' => ($t3 - $t2) / 1e6,
        'version_ms' => $measure($version, $iterations * 4),
        'sso_ms' => $measure($sso, $iterations),
        'parse_ms' => $measure($usage, max(2, intdiv($iterations, 4))),
        'parse_bytes' => strlen($usage),
        'rss_mb' => memory_get_peak_usage(true) / 1048576,
    ]), "\n";
}

function runChild(string $flags, string $backend, string $path, int $iterations): array
{
    $cmd = sprintf('%s %s %s --child %s %s %d 2>&1', escapeshellarg(PHP_BINARY), $flags, escapeshellarg(__FILE__), $backend, escapeshellarg($path), $iterations);
    $start = hrtime(true);
    $out = shell_exec($cmd);
    $wall = (hrtime(true) - $start) / 1e6;
    $row = json_decode(trim((string) $out), true);
    if (!is_array($row)) {
        throw new RuntimeException("$cmd:\n$out");
    }
    return $row + ['process_ms' => $wall];
}

$iterations = (int) ($argv[1] ?? 20);
$wasm = TranslatedFixture::wasmPath();
$php = TranslatedFixture::translatedPath();
$tmp = sys_get_temp_dir() . '/meshconnector-bench-' . getmypid();
mkdir("$tmp/opcache", 0700, true);
mkdir("$tmp/artifacts", 0700, true);
printf("module: %s (%d KiB), generated PHP: %d KiB\n", basename($wasm), filesize($wasm) >> 10, filesize($php) >> 10);

$opcache = "-d opcache.enable_cli=1 -d opcache.file_update_protection=0 -d opcache.file_cache=$tmp/opcache -d opcache.file_cache_only=1 -d opcache.jit=off";
// The JIT needs opcache's shared memory (not the file cache), so this row compiles in-process: its load column is a cold
// compile; its per-operation columns show what a warm FPM worker with the JIT gets.
$jit = "-d opcache.enable_cli=1 -d opcache.file_update_protection=0 -d opcache.jit=tracing -d opcache.jit_buffer_size=64M";
$configs = [
    ['translated, no opcache (compiles the PHP)', '-d opcache.enable_cli=0 -d ffi.enable=0', 'translated', $php],
    ['translated, opcache cold (compile + store)', $opcache . ' -d ffi.enable=0', 'translated', $php],
    ['translated, opcache warm (file cache)', $opcache . ' -d ffi.enable=0', 'translated', $php],
    ['translated, opcache + JIT (tracing), in-process', $jit . ' -d ffi.enable=0', 'translated', $php],
];
if (extension_loaded('ffi') && is_file(TranslatedFixture::libPath())) {
    $configs[] = ['wasmer (FFI), artifact cache cold (compile)', '-d ffi.enable=1', 'wasmer', "$wasm|$tmp/artifacts"];
    $configs[] = ['wasmer (FFI), artifact cache warm', '-d ffi.enable=1', 'wasmer', "$wasm|$tmp/artifacts"];
}
printf("%-44s %9s %9s %9s %9s %9s %11s %9s\n", 'backend', 'load', 'instant.', '1st call', 'version', 'SSO', 'parse', 'peak');
printf("%-44s %9s %9s %9s %9s %9s %11s %9s\n", '', 'ms', 'ms', 'ms', 'ms', 'ms', 'MB/s', 'MiB');
foreach ($configs as [$label, $flags, $backend, $path]) {
    $r = runChild($flags, $backend, $path, $iterations);
    printf(
        "%-44s %9.2f %9.2f %9.2f %9.3f %9.2f %11.2f %9.0f\n",
        $label,
        $r['load_ms'],
        $r['instantiate_ms'],
        $r['first_call_ms'],
        $r['version_ms'],
        $r['sso_ms'],
        $r['parse_bytes'] / 1048576 / ($r['parse_ms'] / 1000),
        $r['rss_mb']
    );
}
shell_exec('rm -rf ' . escapeshellarg($tmp));
