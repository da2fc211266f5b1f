<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

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
}
