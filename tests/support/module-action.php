<?php

declare(strict_types=1);

/*
 * One module action in a PHP process of its own, started at a barrier, for the concurrency tests
 * (tests/php/Module/ConcurrentRunsTest.php): several of these are started, each touches <barrier>/<name>.ready and
 * waits for <barrier>/go, so their module calls really overlap. Prints JSON: the action's result, start/end times and
 * this process's id.
 *
 * usage: php module-action.php <whmcs root> <action> <service id> <barrier dir> <name>
 *   action: create | terminate | resync | client-invite (as the client: CLIENTAREA defined) |
 *           hold-lock (takes the service's lock through the module's own ServiceLock, touches <name>.holding and sleeps:
 *           a run to be killed with SIGKILL)
 */

use MeshCentralConnector\WhmcsEmulator\Whmcs;
use WHMCS\Module\Server\Meshcentral\Storage\ServiceLock;

require dirname(__DIR__, 2) . '/whmcs-emulator/autoload.php';

[, $root, $action, $serviceId, $barrier, $name] = $argv + array_fill(0, 6, '');
$serviceId = (int) $serviceId;
$whmcs = Whmcs::open($root);
if ($action === 'client-invite') {
    // What WHMCS's client-area entry points define (FunctionRunner::forClient).
    define('CLIENTAREA', true);
}
touch("$barrier/$name.ready");
$deadline = microtime(true) + 60;
while (!file_exists("$barrier/go")) {
    if (microtime(true) > $deadline) {
        fwrite(STDERR, "no go within 60 s\n");
        exit(2);
    }
    usleep(1000);
}
$start = microtime(true);
$result = match ($action) {
    'create' => $whmcs->modules()->create($serviceId),
    'terminate' => $whmcs->modules()->terminate($serviceId),
    'resync' => $whmcs->modules()->customButton($serviceId, 'Resync'),
    'client-invite' => $whmcs->modules()->customButton($serviceId, 'InviteLink', true),
    'hold-lock' => (static function () use ($root, $serviceId, $barrier, $name): string {
        require_once $root . '/modules/servers/meshcentral/lib/autoload.php';
        return (new ServiceLock())->run($serviceId, 'HoldForTest', static function () use ($barrier, $name): string {
            touch("$barrier/$name.holding");
            sleep(600);
            return 'slept';
        });
    })(),
    default => throw new InvalidArgumentException("unknown action '$action'"),
};
echo json_encode(['result' => $result, 'start' => $start, 'end' => microtime(true), 'pid' => getmypid()], JSON_UNESCAPED_SLASHES), "\n";
