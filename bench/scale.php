<?php

declare(strict_types=1);

// What each lifecycle action and the client-area page cost with SERVICES connector services on one real MeshCentral,
// per backend. A dedicated MeshCentral 1.1.55 on 127.0.0.1 (data dir in a temp dir); one service is made by the
// installed release module's Create in the emulated WHMCS (so the client-area page is the real one), the others are
// clones of the documents MeshCentral stored for it, written into its database while it is stopped
// (tests/support/ServiceRecords). Before measuring, the script checks that the server serves them: the connector's
// server sync lists every service, and a clone's customer logs in by login-token cookie and sees only its group.
//
// Per backend (a child PHP process: Wasmer through FFI; the translated module with opcache, file cache, no JIT, as
// bench/translated.php runs it) RUNS calls of each action on one connector (code loaded once; per call: the TLS
// session, login, the server's replies and the core's work), median / min / max ms. Provision makes new services and
// terminate removes those again. The client-area page is one PHP request per page through the emulated WHMCS under
// php -S (as bench/client-area.php), the service's own account listing its group (no devices).
//
// Where the time goes: the Connector's transport hook timestamps every frame (open, send, recv), so each call splits
// into connect (TCP + TLS + upgrade + login), waits for the server (from the previous transport event to the arrival
// of a reply, named by its `action`; a frame pushed right after another one also carries the core's work on the
// previous one), and core (from a frame's arrival to the next request the core sends, and from the last frame to the
// result: the core's parsing and decisions plus the host's copying). The sizes of the greeting and of the `meshes` /
// `users` replies are those frames' lengths.
//
// Usage: php bench/scale.php [services=10000] [runs=5] [pages=RUNS]
require dirname(__DIR__) . '/tests/php/bootstrap.php';
require dirname(__DIR__) . '/whmcs-emulator/autoload.php';

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\ProvisionOptions;
use MeshCentralConnector\Tests\Support\ControlChannel;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Support\ReleaseInstall;
use MeshCentralConnector\Tests\Support\ServiceRecords;
use MeshCentralConnector\Tests\Whmcs\HttpClient;
use MeshCentralConnector\WhmcsEmulator\WebServer;
use MeshCentralConnector\WhmcsEmulator\Whmcs;

const ACTIONS = [
    'provision' => 'provision (a new service: first attempt)',
    'provision_search' => 'provision after a cut-off attempt (searches the server)',
    'provision_again' => 'provision again (Create re-run on a provisioned service)',
    'suspend' => 'suspend',
    'unsuspend' => 'unsuspend',
    'change_password' => 'change password',
    'change_package' => 'change package',
    'terminate' => 'terminate',
    'sso' => 'SSO URL (no remote call)',
    'devices' => 'devices (as the service\'s account)',
    'usage' => 'usage, all services (one connection)',
    'list_accounts' => 'server sync (list_accounts), all services',
    'test_connection' => 'test connection',
];

if (($argv[1] ?? '') === '--child') {
    child($argv[2], $argv[3]);
    exit(0);
}

$services = max(2, (int) ($argv[1] ?? 10000));
$runs = max(1, (int) ($argv[2] ?? 5));
$pages = max(1, (int) ($argv[3] ?? $runs));
$wasm = dirname(__DIR__) . '/build/meshcentral_connector.wasm';
$cache = sys_get_temp_dir() . '/meshconnector-bench-cache';
$tmp = sys_get_temp_dir() . '/meshconnector-bench-scale-' . bin2hex(random_bytes(3));
mkdir("$tmp/opcache", 0700, true);
$root = "$tmp/whmcs";
$web = null;
$t0 = microtime(true);
$mc = MeshCentralServer::start();
try {
    $whmcs = Whmcs::create($root);
    ReleaseInstall::unpackInto($root);
    putenv("MESHCONNECTOR_CACHE_DIR=$cache");
    $serverId = ReleaseInstall::addServer($whmcs, $mc);
    $product = $whmcs->addProduct(['servertype' => 'meshcentral', 'name' => 'Bench', 'configoption1' => 'full']);
    $client = $whmcs->addClient(['firstname' => 'Bea', 'lastname' => 'Bench', 'companyname' => 'Bench Ltd', 'email' => 'bea@example.com']);
    $serviceId = $whmcs->addService(['userid' => $client, 'packageid' => $product, 'server' => $serverId]);
    if ($whmcs->modules()->create($serviceId) !== 'success') {
        throw new RuntimeException('create failed');
    }
    $row = $whmcs->db()->table('mod_meshcentral_services')->where('service_id', $serviceId)->first();
    $meshId = (string) $row->mesh_id;
    $userId = 'user//' . strtolower((string) $row->username);
    // whmcs-<install tag>-<service id>: the clones get keys of the same install, so server sync counts them.
    $prefix = (string) preg_replace('/\d+$/', '', (string) $row->service_key);
    ServiceRecords::waitForService($mc->dataDir(), $meshId, $userId);
    $clones = [];
    $mc = $mc->restart(static function (string $dir) use ($meshId, $userId, $prefix, $services, &$clones): void {
        $clones = ServiceRecords::append($dir, ServiceRecords::template($dir, $meshId, $userId), $prefix, 1_000_000, $services - 1);
    });
    $setupSeconds = microtime(true) - $t0;
    $server = [
        'url' => $mc->httpsUrl(), 'username' => $mc->adminUser(), 'password' => $mc->adminPassword(),
        'login_token_key' => $mc->loginTokenKey(), 'tls' => ['ca_file' => $mc->caFile()], 'timeout_ms' => 300000, // the most the core accepts: the translated core works for seconds at 10,000 services
    ];
    verify(Connector::load($wasm, new ConnectorOptions(cacheDir: $cache)), $mc, $server, $prefix, $services, $clones[intdiv(count($clones), 2)]);

    $plan = [
        'server' => $server, 'wasm' => $wasm, 'cache' => $cache, 'runs' => $runs, 'prefix' => $prefix,
        'mesh_ids' => array_merge([$meshId], array_column($clones, 'mesh_id')), 'services' => $services,
    ];
    $backends = [];
    if (extension_loaded('ffi') && (string) getenv('MESHCONNECTOR_LIBWASMER') !== '') {
        $backends['wasmer (FFI)'] = ['wasmer', '-d ffi.enable=1 -d opcache.enable_cli=0', ['ffi.enable=1', 'opcache.enable=1', 'opcache.jit=off']];
    }
    $opcache = "-d opcache.enable_cli=1 -d opcache.file_update_protection=0 -d opcache.file_cache=$tmp/opcache -d opcache.file_cache_only=1 -d opcache.jit=off";
    $backends['translated, opcache'] = ['translated', "$opcache -d ffi.enable=0", ['ffi.enable=0', 'opcache.enable=1', 'opcache.jit=off']];
    $results = [];
    $n = 0;
    foreach ($backends as $label => [$backend, $flags, $webOptions]) {
        // A service of its own per backend (suspend/unsuspend/password/package act on it), from the clones.
        $plan['service'] = $clones[$n++];
        $plan['backend'] = $backend;
        file_put_contents("$tmp/plan.json", json_encode($plan, JSON_UNESCAPED_SLASHES));
        $cmd = sprintf('%s %s %s --child %s %s 2>&1', escapeshellarg(PHP_BINARY), $flags, escapeshellarg(__FILE__), $backend, escapeshellarg("$tmp/plan.json"));
        $out = (string) shell_exec($cmd);
        $result = json_decode(trim(substr($out, (int) strrpos("\n" . trim($out), "\n"))), true);
        if (!is_array($result)) {
            throw new RuntimeException("$cmd:\n$out");
        }
        $web = WebServer::start($whmcs, ['MESHCONNECTOR_LIBWASMER' => (string) getenv('MESHCONNECTOR_LIBWASMER'), 'MESHCONNECTOR_CACHE_DIR' => $cache, 'MESHCONNECTOR_BACKEND' => $backend], $webOptions);
        $result['times']['page'] = clientAreaPages(new HttpClient($web->baseUrl()), $client, $serviceId, $pages);
        $web->stop();
        $web = null;
        $results[$label] = $result;
    }
    report($results, $services, $runs, $pages, $setupSeconds, $mc);
} finally {
    $web?->stop();
    $mc->stop();
    shell_exec('rm -rf ' . escapeshellarg($tmp));
}

/**
 * Fails unless MeshCentral serves the written records: the connector's session lists every service (groups and
 * users), and a clone's customer logs in by cookie and sees its one group.
 *
 * @param array<string, mixed> $server
 * @param array{key: string, mesh_id: string, username: string} $clone
 */
function verify(Connector $connector, MeshCentralServer $mc, array $server, string $prefix, int $services, array $clone): void
{
    $accounts = $connector->listAccounts($server, $prefix);
    $withUser = count(array_filter($accounts, static fn (array $a): bool => $a['user_exists'] === true));
    if (count($accounts) !== $services || $withUser !== $services) {
        throw new RuntimeException(sprintf('server sync lists %d services (%d with their user), expected %d', count($accounts), $withUser, $services));
    }
    $sso = $connector->loginUrl($mc->httpsUrl(), $mc->loginTokenKey(), $clone['username'], 60);
    parse_str((string) parse_url($sso['url'], PHP_URL_QUERY), $query);
    $channel = ControlChannel::withCookie($mc, (string) $query['login']);
    if (!$channel instanceof ControlChannel) {
        throw new RuntimeException('the customer could not log in: ' . json_encode($channel));
    }
    $meshes = $channel->request(['action' => 'meshes', 'tag' => 'bench'], 'meshes', 30.0);
    $channel->close();
    $ids = array_column((array) ($meshes['meshes'] ?? []), '_id');
    if ($ids !== [$clone['mesh_id']] || array_keys((array) ($channel->userinfo['links'] ?? [])) !== [$clone['mesh_id']]) {
        throw new RuntimeException('the customer sees groups ' . json_encode($ids) . ', expected only ' . $clone['mesh_id']);
    }
}

/** @return list<float> ms per page; the first page (templates compile, opcache fills) is not counted */
function clientAreaPages(HttpClient $http, int $client, int $serviceId, int $pages): array
{
    $http->get('login.php?clientid=' . $client);
    $url = "clientarea.php?action=productdetails&id=$serviceId";
    $first = $http->get($url);
    // The service's group has no devices: the page lists none and offers the installers (no error text instead).
    if ($first['status'] !== 200 || !str_contains($first['body'], 'class="meshcentral-installer"') || str_contains($first['body'], 'class="meshcentral-device"')) {
        throw new RuntimeException('client area: HTTP ' . $first['status'] . "\n" . substr(strip_tags($first['body']), 0, 2000));
    }
    $times = [];
    for ($i = 0; $i < $pages; $i++) {
        $t = hrtime(true);
        $r = $http->get($url);
        $times[] = (hrtime(true) - $t) / 1e6;
        if ($r['status'] !== 200) {
            throw new RuntimeException('HTTP ' . $r['status']);
        }
    }
    return $times;
}

/** Runs every action RUNS times on one connector of one backend; prints one JSON line. */
function child(string $backend, string $planFile): void
{
    $plan = json_decode((string) file_get_contents($planFile), true);
    $server = $plan['server'];
    $events = [];
    $hook = static function (string $kind, string $frame) use (&$events): void {
        $action = null;
        // Frames lead with their action (MeshCentral's JSON.stringify keeps insertion order); only the head is read.
        if ($kind !== 'open' && preg_match('/"action"\s*:\s*"([^"]{1,40})"/', substr($frame, 0, 200), $m) === 1) {
            $action = $m[1];
        }
        $events[] = [hrtime(true), $kind, $action, strlen($frame)];
    };
    $connector = Connector::load($plan['wasm'], new ConnectorOptions(cacheDir: $plan['cache'], transportHook: $hook, backend: $backend));
    if ($connector->backend()['backend'] !== $backend) {
        throw new RuntimeException('backend is ' . json_encode($connector->backend()));
    }
    $times = [];
    $phases = [];
    $sizes = [];
    $measure = static function (string $name, callable $call) use (&$events, &$times, &$phases, &$sizes): mixed {
        $events = [];
        $start = hrtime(true);
        $result = $call();
        $end = hrtime(true);
        $times[$name][] = ($end - $start) / 1e6;
        foreach (phases($events, $start, $end) as $phase => $ms) {
            $phases[$name][$phase] = ($phases[$name][$phase] ?? 0.0) + $ms;
        }
        foreach ($events as [, $kind, $action, $bytes]) {
            if ($kind === 'recv' && in_array($action, ['userinfo', 'meshes', 'users', 'serverinfo'], true)) {
                $sizes[$action] = max($sizes[$action] ?? 0, $bytes);
            }
        }
        return $result;
    };
    $service = ['key' => $plan['service']['key'], 'username' => $plan['service']['username'], 'mesh_id' => $plan['service']['mesh_id']];
    $connector->testConnection($server); // warm-up: code paths, opcache
    $made = [];
    $retired = null;
    for ($i = 0; $i < $plan['runs']; $i++) {
        $key = $plan['prefix'] . $backend . '-' . $i . '-' . bin2hex(random_bytes(2));
        // As the module's Create calls it: a first attempt is `fresh` (its journal has no earlier one).
        $made[] = ['key' => $key] + $measure('provision', static fn () => $connector->provision($server, ['key' => $key], new ProvisionOptions(groupNameTemplate: 'Bench {n}', preset: 'full', vars: ['n' => $i], fresh: true)));
        $made[] = ['key' => "$key-s"] + $measure('provision_search', static fn () => $connector->provision($server, ['key' => "$key-s"], new ProvisionOptions(groupNameTemplate: 'Bench {n}', preset: 'full', vars: ['n' => $i])));
        $measure('provision_again', static fn () => $connector->provision($server, $service, new ProvisionOptions(groupNameTemplate: 'Bench {n}', preset: 'full', vars: ['n' => $i])));
        $measure('suspend', static fn () => $connector->suspend($server, $service));
        $measure('unsuspend', static fn () => $connector->unsuspend($server, $service));
        $measure('change_password', static fn () => $connector->changePassword($server, $service, 'Pw-' . bin2hex(random_bytes(8))));
        $measure('change_package', static fn () => $connector->changePackage($server, $service, $i % 2 === 0 ? 'remote_only' : 'full'));
        $measure('sso', static fn () => $connector->loginUrl('https://127.0.0.1', $server['login_token_key'], $service['username'], 60));
        $devices = $measure('devices', static fn () => $connector->devices($server, $service['mesh_id'], $service['username']));
        $usage = $measure('usage', static fn () => $connector->usage($server, $plan['mesh_ids']));
        $accounts = $measure('list_accounts', static fn () => $connector->listAccounts($server, $plan['prefix']));
        $measure('test_connection', static fn () => $connector->testConnection($server));
        if ($devices !== [] || count(array_filter($usage)) !== $plan['services'] || count($accounts) < $plan['services']) {
            throw new RuntimeException(sprintf('devices %d, usage %d, accounts %d', count($devices), count(array_filter($usage)), count($accounts)));
        }
    }
    foreach ($made as $made1) {
        $t = $measure('terminate', static fn () => $connector->terminate($server, ['key' => $made1['key'], 'username' => $made1['username'], 'mesh_id' => $made1['mesh_id']], $retired));
        $retired = $t['retired_group'] ?? $retired;
        if ($t['deleted_group'] !== true) {
            throw new RuntimeException('terminate: ' . json_encode($t));
        }
    }
    echo json_encode(['times' => $times, 'phases' => $phases, 'sizes' => $sizes, 'backend' => $connector->backend()]), "\n";
}

/**
 * Splits one call's wall time by its transport events (see the header).
 *
 * @param list<array{0: int, 1: string, 2: ?string, 3: int}> $events
 * @return array<string, float> ms per phase
 */
function phases(array $events, int $start, int $end): array
{
    $out = [];
    $prev = $start;
    $prevKind = 'start';
    $sent = false;
    foreach ($events as [$t, $kind, $action]) {
        $ms = ($t - $prev) / 1e6;
        if ($prevKind === 'open') {
            $phase = 'connect';
        } elseif ($kind === 'recv') {
            $phase = match (true) {
                in_array($action, ['meshes', 'users'], true) => $action,
                !$sent || in_array($action, ['serverinfo', 'userinfo', 'traceinfo'], true) => 'greeting',
                default => 'other replies',
            };
        } else {
            $phase = 'core';
        }
        $sent = $sent || $kind === 'send';
        if ($kind === 'open') {
            $sent = false;
        }
        $out[$phase] = ($out[$phase] ?? 0.0) + $ms;
        $prev = $t;
        $prevKind = $kind;
    }
    $out['core'] = ($out['core'] ?? 0.0) + ($end - $prev) / 1e6;
    return $out;
}

/** @param array<string, array{times: array<string, list<float>>, phases: array<string, array<string, float>>, sizes: array<string, int>}> $results */
function report(array $results, int $services, int $runs, int $pages, float $setupSeconds, MeshCentralServer $mc): void
{
    $labels = array_keys($results);
    printf("%d services on one MeshCentral %s (setup incl. writing the records and a restart: %.0f s, MeshCentral start %.1f s), %d runs per action, %d client-area pages\n", $services, MeshCentralServer::MESHCENTRAL_VERSION, $setupSeconds, (float) $mc->startSeconds(), $runs, $pages);
    echo '| action | ', implode(' | ', array_map(static fn (string $l): string => "$l: median | min | max", $labels)), " |\n";
    echo '|---', str_repeat('|---:|---:|---:', count($labels)), "|\n";
    foreach (ACTIONS + ['page' => 'client-area page (emulated WHMCS, HTTP)'] as $name => $title) {
        $cells = [];
        foreach ($results as $r) {
            $t = $r['times'][$name];
            sort($t);
            $cells[] = sprintf('%s | %s | %s', ms($t[intdiv(count($t), 2)]), ms($t[0]), ms($t[count($t) - 1]));
        }
        echo "| $title | ", implode(' | ', $cells), " |\n";
    }
    $sizes = reset($results)['sizes'];
    printf(
        "\nreplies every admin session / lifecycle action reads: userinfo greeting %s bytes, meshes %s bytes, users %s bytes\n",
        number_format($sizes['userinfo'] ?? 0),
        number_format($sizes['meshes'] ?? 0),
        number_format($sizes['users'] ?? 0)
    );
    $phaseNames = ['connect', 'greeting', 'meshes', 'users', 'other replies', 'core'];
    foreach ($results as $label => $r) {
        echo "\nwhere the time goes, $label (mean ms per call: connect = TCP+TLS+upgrade+login; greeting/meshes/users/other = waiting for that reply; core = the core's work after a reply)\n";
        echo '| action | ', implode(' | ', $phaseNames), " |\n|---", str_repeat('|---:', count($phaseNames)), "|\n";
        foreach (ACTIONS as $name => $title) {
            $count = count($r['times'][$name]);
            $cells = array_map(static fn (string $p): string => ms(($r['phases'][$name][$p] ?? 0.0) / $count), $phaseNames);
            echo "| $title | ", implode(' | ', $cells), " |\n";
        }
    }
}

function ms(float $ms): string
{
    return $ms >= 100 ? sprintf('%.0f', $ms) : sprintf('%.1f', $ms);
}
