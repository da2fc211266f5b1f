<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\Exception\ConnectorException;

/**
 * One customer can never reach another's group: customer A, logged in with its own SSO cookie, sees only A's group,
 * gets `Invalid group id` for B's, cannot list users, and cannot create groups.
 */
final class IsolationTest extends ServiceTestCase
{
    public function testACustomerSeesOnlyItsOwnGroupAndCannotCreateOne(): void
    {
        $a = self::provision(self::newService('iso-a'));
        $b = self::provision(self::newService('iso-b'));
        $customer = self::customerSession($a['username']);

        self::assertSame([$a['mesh_id']], array_keys((array) $customer->userinfo['links']), 'linked to A only');
        self::assertSame(64 | 128 | 1024, $customer->userinfo['siteadmin']);

        $meshes = $customer->request(['action' => 'meshes', 'tag' => 't1'], 'meshes');
        self::assertNotNull($meshes);
        self::assertSame([$a['mesh_id']], array_column($meshes['meshes'], '_id'), 'sees only its own group');

        $nodesOfB = $customer->request(['action' => 'nodes', 'meshid' => $b['mesh_id'], 'responseid' => 'r1'], 'nodes');
        self::assertSame('Invalid group id', $nodesOfB['result'] ?? null);
        $inviteB = $customer->request(['action' => 'createInviteLink', 'meshid' => $b['mesh_id'], 'expire' => 1, 'flags' => 0, 'responseid' => 'r2'], 'createInviteLink');
        self::assertSame('Invalid group id', $inviteB['result'] ?? null);
        $users = $customer->request(['action' => 'users', 'responseid' => 'r3'], 'users');
        self::assertSame('Access denied', $users['result'] ?? null);

        $name = 'sneaky-' . bin2hex(random_bytes(3));
        $create = $customer->request(['action' => 'createmesh', 'meshname' => $name, 'meshtype' => 2, 'responseid' => 'r4'], 'createmesh');
        self::assertNotSame('ok', $create['result'] ?? null, 'NONEWGROUPS refuses group creation');
        self::assertSame([], array_filter(self::serverGroups(), static fn (array $g): bool => $g['name'] === $name), 'no group was made');
        $customer->close();
    }

    /**
     * The client area lists devices as the customer's own account (view_as): MeshCentral itself then refuses any other
     * group, whatever the core asks. An account that cannot log in (deleted by hand) falls back to the configured
     * account for the group the request names, and the log says so.
     */
    public function testTheClientAreaDeviceListRunsWithTheCustomersOwnRights(): void
    {
        $a = self::provision(self::newService('view-a'));
        $b = self::provision(self::newService('view-b'));
        $settings = self::goodSettings();
        self::assertSame([], self::connector()->devices($settings, $a['mesh_id'], $a['username']), "A's own (empty) group");
        try {
            self::connector()->devices($settings, $b['mesh_id'], $a['username']);
            self::fail("as A, B's group must be refused by MeshCentral itself");
        } catch (ConnectorException $e) {
            // A's own `meshes` (MeshCentral's answer to A) does not hold B's group.
            self::assertSame('not_found', $e->kind);
            self::assertStringContainsString('cannot see it', $e->getMessage());
        }
        self::assertSame([], self::connector()->devices($settings, $b['mesh_id']), 'the configured account lists any group');
        try {
            self::connector()->devices($settings, $a['mesh_id'], '~t:token');
            self::fail('a login token name is no account to view as');
        } catch (ConnectorException $e) {
            self::assertSame('invalid_input', $e->kind);
        }

        self::server()->meshctrl(['removeuser', '--userid', $a['user_id']]);
        $log = [];
        $logger = static function (int $level, string $message) use (&$log): void {
            $log[] = $message;
        };
        $connector = Connector::load(self::wasmPath(), new ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache', logger: $logger));
        self::assertSame([], $connector->devices($settings, $a['mesh_id'], $a['username']));
        self::assertStringContainsString('cannot log in as ' . $a['username'], implode("\n", $log));
    }
}
