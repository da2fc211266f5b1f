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
// (usage op with 1,400 mesh ids: all of it is parsed, then it stops at the refused WebSocket open); the `devices` op
// against a replayed MeshCentral (tests/php/Translated/ReplayHost: captured greeting, a `nodes` reply of 100 / 1,000
// devices shaped like MeshCentral's, `lastconnects`), which is the client area's core work; the `provision` op
// replaying the captured transcript tests/transcripts/op-provision.json (building the createmesh/adduser/addmeshuser
// requests and reading the replies); installer links (the client area's second op). "page core" adds up what the
// client-area page with 100 devices costs in the core: load + instantiate + devices(100) + installer links (the page
// also pays WHMCS itself and the TLS round trips to MeshCentral, the same on both backends: bench/client-area.php).
//
// No JIT row: with opcache.jit=tracing the translated devices op did not finish within 60 s (the tracing JIT on the
// generated functions, which are huge), and opcache.jit=function was slower than no JIT (measured by hand).

require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\Runtime\CompiledWasmCache;
use MeshCentralConnector\Runtime\WasmerLibrary;
use MeshCentralConnector\Tests\Translated\DeterministicHost;
use MeshCentralConnector\Tests\Translated\ReplayHost;
use MeshCentralConnector\Tests\Translated\TranslatedFixture;
use MeshCentralConnector\Translated\TranslatedWasm;

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
        $module = TranslatedWasm::load($path, CLASS_NAME);
        $t1 = hrtime(true);
        $instance = $module->instantiate($host->functions());
    } else {
        [$wasm, $cache] = explode('|', $path);
        $lib = new WasmerLibrary(TranslatedFixture::libPath());
        $module = (new CompiledWasmCache($lib, $cache))->load($wasm);
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
    $transcripts = dirname(__DIR__) . '/tests/transcripts';
    $server = ['url' => 'wss://127.0.0.1:40463', 'username' => 'connector-admin', 'password' => 'x'];
    $meshId = 'mesh//O7Mi@4kTzf3cv4uAtXkhvPp3NSKXBqUH5IOpCLMQN3Z6IgRQiFX6fr39C06z7x9A';
    // One instance per replay host, as one WHMCS request has one connector; the code stays loaded.
    $replayed = static function (ReplayHost $replay, array $request, int $n) use ($module): float {
        $instance = $module->instantiate($replay->functions());
        $replay->bind($instance);
        $json = (string) json_encode($request, JSON_UNESCAPED_SLASHES);
        $times = [];
        for ($i = 0; $i < $n; $i++) {
            $s = hrtime(true);
            $ptr = $instance->callInt('alloc', strlen($json));
            $instance->writeMemory($ptr, $json);
            $len = $instance->callInt('call', $ptr, strlen($json)) & 0xFFFFFFFF;
            $out = json_decode($instance->readMemory($instance->callInt('result-ptr'), $len), true);
            $times[] = (hrtime(true) - $s) / 1e6;
            if (($out['ok'] ?? false) !== true) {
                throw new RuntimeException($request['op'] . ' failed: ' . json_encode($out));
            }
        }
        $instance->close();
        sort($times);
        return $times[intdiv(count($times), 2)];
    };
    $devicesRequest = ['op' => 'devices', 'server' => $server, 'mesh_id' => $meshId];
    $greeting = $transcripts . '/op-devices-unknown-group.json';
    // The first call of a fresh instance is what a page pays, so devices(100) is measured first and alone.
    $devices100First = $replayed(ReplayHost::withDevices($greeting, $meshId, 100), $devicesRequest, 1);
    $devices100 = $replayed(ReplayHost::withDevices($greeting, $meshId, 100), $devicesRequest, max(3, intdiv($iterations, 4)));
    $devices1000 = $replayed(ReplayHost::withDevices($greeting, $meshId, 1000), $devicesRequest, $backend === 'translated' ? 1 : max(3, intdiv($iterations, 4)));
    $provision = json_decode((string) file_get_contents($transcripts . '/op-provision.json'), true);
    $provisionMs = $replayed(ReplayHost::fromTranscript($transcripts . '/op-provision.json'), ['server' => $server] + $provision['request'], max(3, intdiv($iterations, 2)));
    $installers = json_encode(['op' => 'installer_links', 'base_url' => 'https://mc.example.com', 'mesh_id' => $meshId, 'platforms' => null]);
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
        'devices100_first_ms' => $devices100First,
        'devices100_ms' => $devices100,
        'devices1000_ms' => $devices1000,
        'provision_ms' => $provisionMs,
        'installers_ms' => $measure($installers, $iterations),
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
// The file the release ships (scripts/build-wasm.sh), when it is the translation of this .wasm; else translate now.
$built = dirname($wasm) . '/meshcentral_connector.php';
$php = is_file($built) && filemtime($built) >= filemtime($wasm) ? $built : TranslatedFixture::translatedPath();
$tmp = sys_get_temp_dir() . '/meshconnector-bench-' . getmypid();
mkdir("$tmp/opcache", 0700, true);
mkdir("$tmp/artifacts", 0700, true);
printf("module: %s (%d KiB), generated PHP: %d KiB\n", basename($wasm), filesize($wasm) >> 10, filesize($php) >> 10);

$opcache = "-d opcache.enable_cli=1 -d opcache.file_update_protection=0 -d opcache.file_cache=$tmp/opcache -d opcache.file_cache_only=1 -d opcache.jit=off";
// The JIT needs opcache's shared memory (not the file cache), so this row compiles in-process: its load column is a cold
// compile; its per-operation columns show what a warm FPM worker with the JIT gets.
$configs = [
    ['translated, no opcache (compiles the PHP)', '-d opcache.enable_cli=0 -d ffi.enable=0', 'translated', $php],
    ['translated, opcache cold (compile + store)', $opcache . ' -d ffi.enable=0', 'translated', $php],
    ['translated, opcache warm (file cache)', $opcache . ' -d ffi.enable=0', 'translated', $php],
];
if (extension_loaded('ffi') && is_file(TranslatedFixture::libPath())) {
    $configs[] = ['wasmer (FFI), artifact cache cold (compile)', '-d ffi.enable=1', 'wasmer', "$wasm|$tmp/artifacts"];
    $configs[] = ['wasmer (FFI), artifact cache warm', '-d ffi.enable=1', 'wasmer', "$wasm|$tmp/artifacts"];
}
$cols = ['load', 'instant.', '1st call', 'version', 'SSO', 'parse', 'dev100 1st', 'dev100', 'dev1000', 'provision', 'installers', 'page core', 'peak'];
$units = ['ms', 'ms', 'ms', 'ms', 'ms', 'MB/s', 'ms', 'ms', 'ms', 'ms', 'ms', 'ms', 'MiB'];
echo '| backend | ', implode(' | ', $cols), " |\n", '|---', str_repeat('|---:', count($cols)), "|\n";
echo '| | ', implode(' | ', $units), " |\n";
foreach ($configs as [$label, $flags, $backend, $path]) {
    $r = runChild($flags, $backend, $path, $iterations);
    $page = $r['load_ms'] + $r['instantiate_ms'] + $r['devices100_first_ms'] + $r['installers_ms'];
    printf(
        "| %s | %.2f | %.2f | %.2f | %.3f | %.2f | %.2f | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f | %.0f |\n",
        $label,
        $r['load_ms'],
        $r['instantiate_ms'],
        $r['first_call_ms'],
        $r['version_ms'],
        $r['sso_ms'],
        $r['parse_bytes'] / 1048576 / ($r['parse_ms'] / 1000),
        $r['devices100_first_ms'],
        $r['devices100_ms'],
        $r['devices1000_ms'],
        $r['provision_ms'],
        $r['installers_ms'],
        $page,
        $r['rss_mb']
    );
}
shell_exec('rm -rf ' . escapeshellarg($tmp));
