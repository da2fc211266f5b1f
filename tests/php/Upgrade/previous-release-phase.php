<?php

declare(strict_types=1);

/*
 * The "before" half of the upgrade test (UpgradeFromPreviousReleaseTest), in a PHP process of its own: PHP cannot
 * unload the module's functions and classes, so the previous release runs here and the new one in the test process.
 * No test bootstrap is loaded, so every MeshCentralConnector\ class comes from the previous release's own php-host/.
 *
 * Reads JSON from stdin: {"root", "zip", "server": {port, username, password, accesshash}, "closed_port"}. Makes a WHMCS
 * installation, unpacks the previous release's zip into it (as an admin installs it), adds the server, two products
 * and these services, and prints their ids as JSON:
 * - active:    Create succeeded (Active);
 * - suspended: Create, then Suspend;
 * - failed:    Create failed (its server record points at a closed port): that release stored a row with the key and
 *              the WHMCS username anyway, before anything was made.
 */

use MeshCentralConnector\WhmcsEmulator\Whmcs;

require dirname(__DIR__, 3) . '/whmcs-emulator/autoload.php';

$in = json_decode((string) stream_get_contents(STDIN), true, 16, JSON_THROW_ON_ERROR);
$fail = static function (string $why): never {
    fwrite(STDERR, $why . "\n");
    exit(1);
};

$whmcs = Whmcs::create($in['root']);
$zip = new ZipArchive();
if ($zip->open($in['zip']) !== true || !$zip->extractTo($in['root'])) {
    $fail('cannot unpack ' . $in['zip']);
}
$zip->close();

$serverFields = [
    'name' => 'MeshCentral on 127.0.0.1', 'type' => 'meshcentral', 'hostname' => '127.0.0.1', 'ipaddress' => '127.0.0.1',
    'secure' => true,
] + $in['server'];
$server = $whmcs->addServer($serverFields);
$down = $whmcs->addServer(['name' => 'MeshCentral (down)', 'port' => $in['closed_port']] + $serverFields);
$product = static fn (string $preset): int => $whmcs->addProduct([
    'servertype' => 'meshcentral', 'name' => "Remote management ($preset)", 'type' => 'other',
    'configoption1' => $preset, 'configoption2' => '{company} #{service_id}', 'configoption3' => '60',
    'configoption4' => '0', 'configoption5' => '24', 'configoption6' => '',
]);
$full = $product('full');
$viewOnly = $product('view_only');
$client = $whmcs->addClient([
    'firstname' => 'Ada', 'lastname' => 'Lovelace', 'companyname' => 'Analytical Ltd',
    'email' => 'ada-' . bin2hex(random_bytes(3)) . '@example.com',
]);
$order = static fn (int $serverId): int => $whmcs->addService(['userid' => $client, 'packageid' => $full, 'server' => $serverId]);

$runner = $whmcs->modules();
$ids = ['server' => $server, 'down_server' => $down, 'client' => $client, 'full' => $full, 'view_only' => $viewOnly];
$ids['active'] = $order($server);
$ids['suspended'] = $order($server);
$ids['failed'] = $order($down);
foreach (['active', 'suspended'] as $name) {
    $result = $runner->create($ids[$name]);
    if ($result !== 'success') {
        $fail("previous release: Create of the $name service: $result");
    }
}
if (($result = $runner->suspend($ids['suspended'], 'Overdue on Payment')) !== 'success') {
    $fail("previous release: Suspend: $result");
}
if ($runner->create($ids['failed']) === 'success') {
    $fail('previous release: Create on a closed port succeeded');
}
echo json_encode($ids), "\n";
