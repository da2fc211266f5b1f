<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

/** Server sync lists exactly the services the connector made (by marker), with their live state. */
final class ListAccountsTest extends ServiceTestCase
{
    public function testListsConnectorServicesWithTheirState(): void
    {
        $prefix = 'sync' . bin2hex(random_bytes(3));
        $one = ['key' => $prefix . '-1'];
        $two = ['key' => $prefix . '-2'];
        $p1 = self::provision($one, 'full');
        $p2 = self::provision($two, 'view_only');
        self::connector()->suspend(self::goodSettings(), $two);
        self::groupMadeByMeshctrl($prefix . '-handmade');

        $list = self::connector()->listAccounts(self::goodSettings(), $prefix);
        self::assertSame([$one['key'], $two['key']], array_column($list, 'service_key'), 'only marked groups, this prefix');
        self::assertSame([$p1['mesh_id'], $p2['mesh_id']], array_column($list, 'mesh_id'));
        self::assertSame([$p1['username'], $p2['username']], array_column($list, 'username'));
        self::assertSame([false, true], array_column($list, 'locked'));
        self::assertSame(['full', 'view_only'], array_column($list, 'preset'));
        self::assertSame([true, true], array_column($list, 'user_exists'));
        self::assertSame([0, 0], array_column($list, 'devices'));

        // A user deleted by hand shows up as drift.
        self::server()->meshctrl(['removeuser', '--userid', $p1['user_id']]);
        $after = self::connector()->listAccounts(self::goodSettings(), $prefix);
        self::assertFalse($after[0]['user_exists']);
        self::assertCount(2, $after);
    }
}
