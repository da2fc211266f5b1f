<?php

declare(strict_types=1);

/*
 * Starts or stops a throw-away MeshCentral server on 127.0.0.1 (for the demo and manual tests).
 *
 *   php scripts/meshcentral-server.php start [--port N] [--data DIR]
 *       Starts a detached server (keeps running after this script exits), writes DATA/server.json
 *       (url, httpsUrl, port, adminUser, adminPassword, loginTokenKey, caFile, webCertSha384, dataDir, pid, logFile)
 *       and prints the same JSON on stdout.
 *   php scripts/meshcentral-server.php stop --data DIR
 *       Stops the server recorded in DIR/server.json (SIGINT, SIGKILL after a grace period).
 */

use MeshCentralConnector\Tests\Support\MeshCentralServer;

require dirname(__DIR__) . '/tests/support/MeshCentralServer.php';

function usage(): never
{
    fwrite(STDERR, "usage: php scripts/meshcentral-server.php start [--port N] [--data DIR]\n"
        . "       php scripts/meshcentral-server.php stop --data DIR\n");
    exit(2);
}

/** @return array{0: string, 1: array<string, string>} */
function parseArgs(array $argv): array
{
    $command = $argv[1] ?? '';
    $options = [];
    for ($i = 2; $i < count($argv); $i++) {
        $arg = $argv[$i];
        if (preg_match('/^--(port|data)(?:=(.*))?$/', $arg, $m) !== 1) {
            usage();
        }
        $value = $m[2] ?? null;
        if ($value === null || $value === '') {
            $value = $argv[++$i] ?? usage();
        }
        $options[$m[1]] = $value;
    }

    return [$command, $options];
}

[$command, $options] = parseArgs($argv);

try {
    switch ($command) {
        case 'start':
            if (isset($options['port']) && preg_match('/^[1-9][0-9]{0,4}$/', $options['port']) !== 1) {
                usage();
            }
            $server = MeshCentralServer::start([
                'detached' => true,
                'port' => isset($options['port']) ? (int) $options['port'] : null,
                'dataDir' => $options['data'] ?? null,
            ]);
            $server->writeServerJson();
            echo json_encode($server->toArray(), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
            fwrite(STDERR, sprintf(
                "MeshCentral ready in %.1f s (%s certificates)\n",
                $server->startSeconds(),
                $server->usedCertCache() ? 'cached' : 'new'
            ));
            exit(0);
        case 'stop':
            if (!isset($options['data']) || isset($options['port'])) {
                usage();
            }
            $server = MeshCentralServer::fromDataDir($options['data']);
            $server->stop();
            fwrite(STDERR, sprintf("MeshCentral on port %d stopped\n", $server->port()));
            exit(0);
        default:
            usage();
    }
} catch (Throwable $e) {
    fwrite(STDERR, $e->getMessage() . "\n");
    exit(1);
}
