<?php

declare(strict_types=1);

// Where the translated backend spends its time in one operation at scale, by Rust function. Sets up SERVICES
// services on a real MeshCentral (as bench/scale.php: one provisioned, the others cloned into its database), records
// what the core and the server say during OP (tests/support/TranscriptRecorder), then replays that transcript in a
// child PHP process (opcache, no JIT, as bench/scale.php runs the translated module) through a translation of an
// unstripped build of the core, sampled by php-excimer. The release .wasm is stripped, so its translation only has
// f<N> names; the unstripped build is the same code with its name section, which maps each f<N> to its Rust symbol.
// Prints the functions with the most samples of their own and the most samples including what they call.
//
// Needs php-excimer (Debian: apt install php-excimer). Not part of the tests or of scripts/bench.sh.
// Usage: php bench/profile-translated.php [services=10000] [op=list_accounts|usage] [rows=25]
require dirname(__DIR__) . '/tests/php/bootstrap.php';

use MeshCentralConnector\ProvisionOptions;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Support\ServiceRecords;
use MeshCentralConnector\Tests\Support\TranscriptRecorder;
use MeshCentralConnector\Tests\Translated\ReplayHost;
use MeshCentralConnector\Translated\TranslatedWasm;

const GENERATED_CLASS = 'MeshCentralConnector\\Translated\\Generated\\MeshCentralConnectorWasm';

if (($argv[1] ?? '') === '--child') {
    [, , $php, $transcript, $out] = $argv;
    profileReplay($php, $transcript, $out);
    exit(0);
}

$services = max(2, (int) ($argv[1] ?? 10000));
$op = (string) ($argv[2] ?? 'list_accounts');
$rows = max(5, (int) ($argv[3] ?? 25));
if (!in_array($op, ['list_accounts', 'usage'], true)) {
    fwrite(STDERR, "op must be list_accounts or usage\n");
    exit(2);
}
if (!extension_loaded('excimer')) {
    fwrite(STDERR, "php-excimer is not loaded (Debian: apt install php-excimer)\n");
    exit(2);
}
$root = dirname(__DIR__);
$tmp = sys_get_temp_dir() . '/meshconnector-profile-' . bin2hex(random_bytes(3));
mkdir("$tmp/opcache", 0700, true);
try {
    [$named, $php] = namedTranslation($root, $tmp);
    $transcript = "$tmp/transcript.json";
    record($root, $services, $op, $transcript);
    $flags = "-d memory_limit=2G -d opcache.enable_cli=1 -d opcache.file_update_protection=0 -d opcache.file_cache=$tmp/opcache -d opcache.file_cache_only=1 -d opcache.jit=off -d ffi.enable=0";
    $cmd = sprintf('%s %s %s --child %s %s %s 2>&1', escapeshellarg(PHP_BINARY), $flags, escapeshellarg(__FILE__), escapeshellarg($php), escapeshellarg($transcript), escapeshellarg("$tmp/collapsed.txt"));
    passthru($cmd, $rc);
    if ($rc !== 0) {
        throw new RuntimeException("the replay failed: $cmd");
    }
    report(functionNames($named), (string) file_get_contents("$tmp/collapsed.txt"), $rows);
} finally {
    shell_exec('rm -rf ' . escapeshellarg($tmp));
}

/**
 * The core built with its symbols (same code as the release build, which strips them), and its translation.
 *
 * @return array{string, string} the .wasm and the .php
 */
function namedTranslation(string $root, string $tmp): array
{
    $run = static function (string $cmd): void {
        passthru($cmd, $rc);
        if ($rc !== 0) {
            throw new RuntimeException("failed: $cmd");
        }
    };
    // Builds wasm-finalize and wasm2php too.
    $run('cd ' . escapeshellarg($root) . ' && scripts/build-wasm.sh >/dev/null');
    $run('cd ' . escapeshellarg($root) . ' && CARGO_PROFILE_RELEASE_STRIP=false cargo build --quiet --release --locked --target wasm32-unknown-unknown --lib --target-dir target/profile');
    $run(sprintf('%s/target/release/wasm-finalize %s/target/profile/wasm32-unknown-unknown/release/meshcentral_connector.wasm %s/named.wasm', $root, $root, $tmp));
    $run(sprintf("%s/target/release/wasm2php %s/named.wasm %s/named.php --class MeshCentralConnectorWasm --namespace 'MeshCentralConnector\\Translated\\Generated' >/dev/null", $root, $tmp, $tmp));
    return ["$tmp/named.wasm", "$tmp/named.php"];
}

/** Records OP against SERVICES services on a fresh MeshCentral. */
function record(string $root, int $services, string $op, string $file): void
{
    $mc = MeshCentralServer::start();
    try {
        $settings = [
            'url' => $mc->httpsUrl(), 'username' => $mc->adminUser(), 'password' => $mc->adminPassword(),
            'login_token_key' => $mc->loginTokenKey(), 'tls' => ['ca_file' => $mc->caFile()], 'timeout_ms' => 300000,
        ];
        $recorder = new TranscriptRecorder("$root/build/meshcentral_connector.wasm");
        $first = $recorder->connector()->provision($settings, ['key' => 'whmcs-profile-1'], new ProvisionOptions(groupNameTemplate: 'Profile {n}', preset: 'full', vars: ['n' => '1'], fresh: true));
        $userId = 'user//' . strtolower($first['username']);
        ServiceRecords::waitForService($mc->dataDir(), $first['mesh_id'], $userId);
        $clones = [];
        $mc = $mc->restart(static function (string $dir) use ($first, $userId, $services, &$clones): void {
            $clones = ServiceRecords::append($dir, ServiceRecords::template($dir, $first['mesh_id'], $userId), 'whmcs-profile-', 1_000_000, $services - 1);
        });
        $settings['url'] = $mc->httpsUrl();
        $request = $op === 'usage'
            ? ['op' => 'usage', 'server' => $settings, 'mesh_ids' => array_merge([$first['mesh_id']], array_column($clones, 'mesh_id'))]
            : ['op' => 'list_accounts', 'server' => $settings, 'key_prefix' => 'whmcs-profile-'];
        ob_start();
        $recorder->record($file, $request);
        ob_end_clean();
    } finally {
        $mc->stop();
    }
}

/** In the child: one warm-up replay, then one sampled replay; writes excimer's collapsed stacks. */
function profileReplay(string $php, string $transcript, string $out): void
{
    $doc = json_decode((string) file_get_contents($transcript), true, 512, JSON_THROW_ON_ERROR);
    $module = TranslatedWasm::load($php, GENERATED_CLASS);
    $replay = ReplayHost::fromTranscript($transcript);
    $instance = $module->instantiate($replay->functions());
    $replay->bind($instance);
    $request = ['server' => ['url' => 'wss://127.0.0.1:1', 'username' => 'admin', 'password' => 'x', 'timeout_ms' => 300000]] + $doc['request'];
    $json = json_encode($request, JSON_UNESCAPED_SLASHES);
    $call = static function () use ($instance, $json): array {
        $ptr = $instance->callInt('alloc', strlen($json));
        $instance->writeMemory($ptr, $json);
        $len = $instance->callInt('call', $ptr, strlen($json)) & 0xFFFFFFFF;
        return json_decode($instance->readMemory($instance->callInt('result-ptr'), $len), true);
    };
    $call();
    $profiler = new ExcimerProfiler();
    $profiler->setPeriod(0.0005);
    $profiler->setEventType(EXCIMER_CPU);
    $profiler->start();
    $t = hrtime(true);
    $answer = $call();
    $ms = (hrtime(true) - $t) / 1e6;
    $profiler->stop();
    if (($answer['ok'] ?? false) !== true) {
        throw new RuntimeException('the replayed op failed: ' . json_encode($answer));
    }
    printf("%s replayed in %.0f ms (sampled)\n", $doc['request']['op'], $ms);
    file_put_contents($out, $profiler->getLog()->formatCollapsed());
}

/**
 * f<N> -> the function's Rust name, from the wasm name section (subsection 1: function names).
 *
 * @return array<string, string>
 */
function functionNames(string $wasm): array
{
    $b = (string) file_get_contents($wasm);
    $leb = static function (int &$i) use ($b): int {
        $n = 0;
        $shift = 0;
        do {
            $byte = ord($b[$i++]);
            $n |= ($byte & 0x7f) << $shift;
            $shift += 7;
        } while ($byte & 0x80);
        return $n;
    };
    $names = [];
    $i = 8;
    while ($i < strlen($b)) {
        $id = ord($b[$i++]);
        $size = $leb($i);
        $end = $i + $size;
        if ($id === 0) {
            $j = $i;
            $len = $leb($j);
            if (substr($b, $j, $len) === 'name') {
                $j += $len;
                while ($j < $end) {
                    $sub = ord($b[$j++]);
                    $subEnd = $leb($j);
                    $subEnd += $j;
                    if ($sub === 1) {
                        for ($count = $leb($j); $count > 0; $count--) {
                            $index = $leb($j);
                            $len = $leb($j);
                            $names['f' . $index] = substr($b, $j, $len);
                            $j += $len;
                        }
                    }
                    $j = $subEnd;
                }
            }
        }
        $i = $end;
    }
    return demangled($names);
}

/**
 * Rust symbols made readable: demangled by binutils' c++filt when it is there (it reads both Rust manglings), without
 * the hash suffix and the crate disambiguators; the symbols as they are otherwise.
 *
 * @param array<string, string> $symbols
 * @return array<string, string>
 */
function demangled(array $symbols): array
{
    $filter = proc_open(['c++filt', '-s', 'rust'], [['pipe', 'r'], ['pipe', 'w'], ['file', '/dev/null', 'w']], $pipes);
    if (!is_resource($filter)) {
        return $symbols;
    }
    fwrite($pipes[0], implode("\n", $symbols) . "\n");
    fclose($pipes[0]);
    $lines = explode("\n", (string) stream_get_contents($pipes[1]));
    fclose($pipes[1]);
    if (proc_close($filter) !== 0 || count($lines) < count($symbols)) {
        return $symbols;
    }
    $out = [];
    foreach (array_keys($symbols) as $i => $key) {
        $out[$key] = (string) preg_replace(['/::h[0-9a-f]{16}$/', '/\[[0-9a-f]{16}\]/'], '', $lines[$i]);
    }
    return $out;
}

/** @param array<string, string> $names */
function report(array $names, string $collapsed, int $rows): void
{
    $self = [];
    $inclusive = [];
    $total = 0;
    foreach (explode("\n", trim($collapsed)) as $line) {
        $at = strrpos($line, ' ');
        $count = (int) substr($line, $at + 1);
        $total += $count;
        // Frames of the generated class are `...\MeshCentralConnectorWasm::f<N>`; the runtime's helpers (memory
        // copies, 64-bit arithmetic) are `...\GeneratedCode::<name>`; the rest is this script and the host.
        $guest = [];
        foreach (explode(';', substr($line, 0, $at)) as $frame) {
            if (preg_match('/MeshCentralConnectorWasm::(f\d+)$/', $frame, $m) === 1) {
                $guest[] = $names[$m[1]] ?? $m[1];
            } elseif (str_contains($frame, 'GeneratedCode::')) {
                $guest[] = 'runtime: ' . substr($frame, (int) strrpos($frame, ':') + 1);
            }
        }
        $leaf = $guest === [] ? '(host)' : end($guest);
        $self[$leaf] = ($self[$leaf] ?? 0) + $count;
        foreach (array_unique($guest) as $frame) {
            $inclusive[$frame] = ($inclusive[$frame] ?? 0) + $count;
        }
    }
    foreach (['own samples' => $self, 'samples including callees' => $inclusive] as $title => $table) {
        arsort($table);
        printf("\n| function (%s of %d) | %% |\n|---|---:|\n", $title, $total);
        foreach (array_slice($table, 0, $rows, true) as $name => $count) {
            printf("| %s | %.1f |\n", $name, 100 * $count / max(1, $total));
        }
    }
}
