<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

/**
 * The core's `sweep` (src/ops/sweep.rs) and `list_accounts`' `came_back` on the real MeshCentral, without an agent:
 * a group whose user was removed (meshctrl removeuser, which also drops the user's link from the group) is in the
 * state an undeleted group of a terminated service is in. The host's list of terminated keys decides whether it is
 * one; MeshCentral's facts (user gone, nobody else linked) must agree. The real agent that undeletes a group is in
 * tests/php/Module/ResurrectedGroupTest.php.
 */
final class SweepTest extends ServiceTestCase
{
    public function testOnlyAUserlessGroupOfATerminatedServiceIsRetiredAndNeverListedAsAnAccount(): void
    {
        $prefix = 'sweep-' . bin2hex(random_bytes(3)) . '-';
        $back = ['key' => $prefix . 'back'];
        $interrupted = ['key' => $prefix . 'interrupted'];
        $living = ['key' => $prefix . 'living'];
        $pb = self::provision($back);
        $pi = self::provision($interrupted);
        $pl = self::provision($living);
        foreach ([$pb, $pi] as $p) {
            self::server()->meshctrl(['removeuser', '--userid', $p['user_id']]);
        }
        $links = self::serverGroups()[$pb['mesh_id']]['links'] ?? [];
        self::assertArrayNotHasKey($pb['user_id'], $links, "removing the user drops its link from the group");

        $accounts = array_column(self::connector()->listAccounts(self::goodSettings(), $prefix, null, [$back['key'], $living['key']]), null, 'service_key');
        self::assertTrue($accounts[$back['key']]['came_back'], 'terminated + user gone + nobody else linked');
        self::assertFalse($accounts[$back['key']]['user_exists']);
        self::assertFalse($accounts[$interrupted['key']]['came_back'], 'not terminated: a Create interrupted before the user, say');
        self::assertFalse($accounts[$living['key']]['came_back'], 'its user exists');

        $swept = self::connector()->sweep(self::goodSettings(), $prefix, [$back['key'], $living['key']]);
        self::assertSame([$pb['mesh_id']], array_column($swept['retired'], 'mesh_id'));
        self::assertSame(0, $swept['retired'][0]['retired_devices']);
        self::assertNull($swept['retired_group'], 'no devices, no retired group needed');
        self::assertSame([$living['key']], array_column($swept['left_alone'], 'service_key'));
        self::assertStringContainsString("its user '{$pl['username']}' (user//{$pl['username']}) exists", $swept['left_alone'][0]['reason']);
        $groups = self::serverGroups();
        self::assertArrayNotHasKey($pb['mesh_id'], $groups, 'retired');
        self::assertArrayHasKey($pi['mesh_id'], $groups, 'not named by the host: left as it is');
        self::assertArrayHasKey($pl['mesh_id'], $groups);

        // Idempotent: nothing left to do.
        $again = self::connector()->sweep(self::goodSettings(), $prefix, [$back['key']]);
        self::assertSame([[], []], [$again['retired'], $again['left_alone']]);
        self::assertSame([], self::connector()->sweep(self::goodSettings(), $prefix, [])['retired'], 'no keys: no connection needed');

        foreach ([$interrupted, $living] as $s) {
            self::connector()->terminate(self::goodSettings(), $s);
        }
    }

    public function testAGroupSomeoneElseIsLinkedToIsLeftAlone(): void
    {
        $service = self::newService('sweep-linked');
        $p = self::provision($service);
        self::server()->meshctrl(['removeuser', '--userid', $p['user_id']]);
        $other = 'sweep-other-' . bin2hex(random_bytes(3));
        self::server()->meshctrl(['adduser', '--user', $other, '--pass', bin2hex(random_bytes(8))]);
        self::server()->meshctrl(['addusertodevicegroup', '--id', $p['mesh_id'], '--userid', $other, '--fullrights']);
        self::assertArrayHasKey('user//' . $other, self::serverGroups()[$p['mesh_id']]['links'] ?? []);

        $swept = self::connector()->sweep(self::goodSettings(), $service['key'], [$service['key']]);
        self::assertSame([], $swept['retired']);
        self::assertStringContainsString("user//$other has rights on it", $swept['left_alone'][0]['reason']);
        self::assertArrayHasKey($p['mesh_id'], self::serverGroups());
        $listed = self::connector()->listAccounts(self::goodSettings(), $service['key'], null, [$service['key']]);
        self::assertSame([], array_filter($listed, static fn (array $a): bool => $a['came_back']), 'not one that came back');

        self::server()->meshctrl(['removeuser', '--userid', 'user//' . $other]);
        self::assertSame([$p['mesh_id']], array_column(self::connector()->sweep(self::goodSettings(), $service['key'], [$service['key']])['retired'], 'mesh_id'));
    }
}
