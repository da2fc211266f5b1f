<?php

/**
 * Hooks of the MeshCentral module (WHMCS reads modules/servers/<name>/hooks.php on every request). Each hook runs
 * through Hooks\Guard: it never throws into WHMCS; failures go to the activity log.
 *
 * - ClientEdit: the client's name and e-mail follow into the MeshCentral accounts of their provisioned Active or
 *   Suspended services (lib/Hooks/ClientEdit.php).
 * - ServiceDelete: a service deleted without Terminate leaves its MeshCentral group; a warning names it
 *   (lib/Hooks/ServiceDelete.php). Nothing is deleted remotely.
 * - DailyCronJob: device groups of terminated services that MeshCentral undeleted (an agent enrolled with the old
 *   group id) are retired again, one connection per server (lib/Hooks/RetireResurrectedGroups.php).
 */

declare(strict_types=1);

use WHMCS\Module\Server\Meshcentral\Hooks;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/autoload.php';

add_hook('ClientEdit', 1, static function (array $vars): void {
    Hooks\Guard::run('ClientEdit', new Hooks\ClientEdit(), $vars);
});

add_hook('ServiceDelete', 1, static function (array $vars): void {
    Hooks\Guard::run('ServiceDelete', new Hooks\ServiceDelete(), $vars);
});

add_hook('DailyCronJob', 1, static function (array $vars): void {
    Hooks\Guard::run('DailyCronJob', new Hooks\RetireResurrectedGroups(), $vars);
});
