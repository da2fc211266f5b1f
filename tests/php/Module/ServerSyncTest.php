<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

/**
 * WHMCS's Sync Accounts (the emulator's, with WHMCS's rules) over the release module against the real MeshCentral:
 * it must write nothing wrong into provisioned services, and an imported account must bind to its existing group.
 */
final class ServerSyncTest extends ModuleTestCase
{
    private const COMPARED = ['domain', 'regdate', 'username', 'domainstatus', 'packageid', 'dedicatedip'];

    /** @return array<string, mixed> the columns Sync may write */
    private static function syncedColumns(int $serviceId): array
    {
        return array_intersect_key(self::whmcs()->serviceRow($serviceId), array_flip(self::COMPARED));
    }

    public function testSyncLeavesProvisionedServicesAsTheyAreAndNeverReportsABrokenAccountActive(): void
    {
        $w = self::whmcs();
        $runner = $w->modules();
        $product = self::addProduct([1 => 'remote_only']);
        $ids = [];
        foreach (['active', 'suspended', 'userless'] as $name) {
            $ids[$name] = self::order($product)['service'];
            $w->updateService($ids[$name], ['domain' => "$name.example.com"]);
            self::assertSame('success', $runner->create($ids[$name]));
        }
        self::assertSame('success', $runner->suspend($ids['suspended'], 'Overdue on Payment'));
        $gone = (string) self::stored($ids['userless'])['username'];
        self::server()->meshctrl(['removeuser', '--userid', 'user//' . strtolower($gone)]);

        $usernames = array_map(static fn (int $id): string => (string) self::stored($id)['username'], $ids);
        $list = $runner->listAccounts(self::serverId());
        self::assertTrue($list['success']);
        $mine = array_column(array_filter($list['accounts'], static fn (array $a): bool => in_array($a['username'], $usernames, true)), null, 'username');
        self::assertArrayNotHasKey($gone, $mine, 'a group whose user is gone is not reported (not as Active, not at all)');
        self::assertSame('Suspended', $mine[$usernames['suspended']]['status']);
        $active = $mine[$usernames['active']];
        self::assertSame('Active', $active['status']);
        self::assertSame('active.example.com', $active['domain'], "the service's own domain, never the group name");
        self::assertSame($w->clientRow((int) $w->serviceRow($ids['active'])['userid'])['email'], $active['email'], "the MeshCentral user's e-mail");
        self::assertSame('remote_only', $active['product']);
        self::assertMatchesRegularExpression('/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/', $active['created']);
        self::assertEqualsWithDelta(time(), strtotime($active['created']), 300, "the group's creation time, in PHP's timezone");
        self::assertStringContainsString("user '$gone'", json_encode($w->activityLog(), JSON_UNESCAPED_SLASHES), 'staff see the left-out account');

        $before = array_map(self::syncedColumns(...), $ids);
        $report = $runner->sync(self::serverId(), false, true, array_values($usernames));
        self::assertSame($before, array_map(self::syncedColumns(...), $ids), 'no damage: domain, dates, username, status, product as they were');
        $matched = array_column($report['matched'], 'changes', 'serviceid');
        self::assertSame([], $matched[$ids['active']]);
        self::assertSame([], $matched[$ids['suspended']]);
        self::assertContains($ids['userless'], $report['missing'], 'the broken service is reported missing (terminated only when staff tick it)');
        self::assertSame([], array_filter($report['imported'], static fn (array $i): bool => in_array($i['uniqueIdentifier'], $usernames, true)));

        foreach ($ids as $id) {
            self::assertSame('success', $runner->terminate($id));
        }
    }

    public function testAnImportedAccountBindsToItsExistingGroupAndUser(): void
    {
        $w = self::whmcs();
        $runner = $w->modules();
        $product = self::addProduct([1 => 'full']);
        $a = self::order($product)['service'];
        self::assertSame('success', $runner->create($a));
        $original = self::stored($a);
        $userId = 'user//' . strtolower((string) $original['username']);
        $groupCount = count(self::serverGroups());

        // A fresh WHMCS (same install tag, as a migrated database keeps it) that knows nothing of service A.
        $w->db()->table('mod_meshcentral_services')->where('service_id', $a)->delete();
        $w->db()->table('tblhosting')->where('id', $a)->delete();

        $report = $runner->sync(self::serverId(), false, true, [(string) $original['username']]);
        // Other test classes of this process may leave accounts WHMCS no longer knows (a service deleted without
        // Terminate): they are reported as unmatched too, and not acted on (not in $only).
        $mine = array_values(array_filter($report['imported'], static fn (array $i): bool => $i['uniqueIdentifier'] === (string) $original['username']));
        self::assertCount(1, $mine, json_encode($report['imported']));
        $imported = (int) $mine[0]['serviceid'];
        foreach ($report['imported'] as $other) {
            self::assertTrue($other === $mine[0] || $other['serviceid'] === null, 'only the picked account is imported');
        }
        $row = $w->serviceRow($imported);
        self::assertSame([(string) $original['username'], 'Active'], [$row['username'], $row['domainstatus']]);

        self::assertSame('success', $runner->create($imported), 'Create binds the imported service');
        $bound = self::stored($imported);
        self::assertSame([$original['mesh_id'], $original['username'], $original['service_key']], [$bound['mesh_id'], $bound['username'], $bound['service_key']]);
        self::assertCount($groupCount, self::serverGroups(), 'no second group (meshctrl listdevicegroups)');
        self::assertSame([$original['mesh_id']], array_keys(self::serverUsers()[$userId]['links']), 'the same user, on the same group only');
        self::assertSame('success', $runner->create($imported));
        self::assertCount($groupCount, self::serverGroups());
        self::assertStringContainsString('bound to the existing MeshCentral group', json_encode($w->activityLog(), JSON_UNESCAPED_SLASHES));

        $report = $runner->sync(self::serverId(), false, false, [(string) $original['username']]);
        self::assertSame([], array_column($report['matched'], 'changes', 'serviceid')[$imported], 'the bound service syncs clean');
        // Another service naming the same MeshCentral user cannot take it over: the key is bound to the imported one.
        $thief = $w->addService(['userid' => (int) $row['userid'], 'packageid' => $product, 'server' => self::serverId(), 'username' => (string) $original['username']]);
        self::assertNotSame('success', $runner->create($thief));
        self::assertNull(self::stored($thief)['mesh_id'] ?? null);
        self::assertCount($groupCount, self::serverGroups());

        $w->updateService($thief, ['domainstatus' => 'Cancelled']);
        self::assertSame('success', $runner->terminate($imported));
        self::assertArrayNotHasKey($original['mesh_id'], self::serverGroups());
    }
}
