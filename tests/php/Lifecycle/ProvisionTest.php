<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Exception\AuthenticationException;
use MeshCentralConnector\Exception\InsufficientRightsException;
use MeshCentralConnector\Exception\InvalidSettingsException;
use MeshCentralConnector\Exception\NotOwnedException;

/** Provisioning against the real server: what it creates, with which rights, and that it is idempotent. */
final class ProvisionTest extends ServiceTestCase
{
    public function testCreatesAMarkedGroupAndALockedDownUserLinkedToIt(): void
    {
        $service = self::newService('prov');
        $p = self::provision($service, 'full');

        self::assertTrue($p['created_group']);
        self::assertTrue($p['created_user']);
        self::assertSame('mc-' . $service['key'], $p['username']);
        self::assertMatchesRegularExpression('/^[A-Za-z0-9]{24}$/', (string) $p['generated_password']);

        $group = self::serverGroups()[$p['mesh_id']] ?? null;
        self::assertNotNull($group, 'meshctrl lists the new group');
        self::assertSame('Test Co #1', $group['name']);
        self::assertStringEndsWith('[meshcentral-connector service=' . $service['key'] . ' user=' . $p['username'] . ']', $group['desc']);

        $user = self::serverUsers()[$p['user_id']] ?? null;
        self::assertNotNull($user, 'meshctrl lists the new user');
        self::assertSame(64 | 128 | 1024, $user['siteadmin'], 'no new groups, no tools, locked settings');
        self::assertSame('customer@example.com', $user['email']);
        self::assertSame('Test Customer', $user['realname']);
        self::assertSame([$p['mesh_id']], array_keys($user['links']), 'linked to its own group only');
        self::assertSame(0x16C0DC, $user['links'][$p['mesh_id']]['rights']);

        // The generated password is the account's: the server accepts it (and then refuses tools: NOMESHCMD) ...
        try {
            self::connector()->testConnection(self::customerSettings($p['username'], (string) $p['generated_password']));
            self::fail('a customer account logged in as a tool');
        } catch (InsufficientRightsException $e) {
            self::assertStringContainsString('NOMESHCMD', $e->getMessage());
        }
        // ... while a wrong one is refused as such.
        $this->expectException(AuthenticationException::class);
        self::connector()->testConnection(self::customerSettings($p['username'], 'not-the-password'));
    }

    public function testRerunFinishesNothingTwiceAndKeepsTheGivenPassword(): void
    {
        $service = self::newService('again');
        $first = self::provision($service, 'remote_only', 'Given-Pass-1234');
        self::assertNull($first['generated_password'], 'a given password is never echoed');
        $second = self::provision($service + ['mesh_id' => $first['mesh_id']], 'remote_only');

        self::assertSame($first['mesh_id'], $second['mesh_id']);
        self::assertFalse($second['created_group']);
        self::assertFalse($second['created_user']);
        self::assertNull($second['generated_password'], 'no password is handed out for an account that already existed');
        self::assertSame([$first['mesh_id']], self::groupsMarkedFor($service['key']), 'exactly one group');
        self::assertSame(0x100048, self::serverUsers()[$first['user_id']]['links'][$first['mesh_id']]['rights']);
        // The re-run did not reset the password.
        $this->expectException(InsufficientRightsException::class);
        self::connector()->testConnection(self::customerSettings($first['username'], 'Given-Pass-1234'));
    }

    /**
     * Also as a first attempt (`fresh`: the core makes the group without looking and learns of the account only from
     * `adduser`'s refusal) and for a planted account with exactly the customer profile's site rights, named as the
     * next service's default username: an attacker who knows its password would otherwise get the customer's group.
     */
    public function testAnAccountSomeoneElseMadeIsNeverAdopted(): void
    {
        foreach ([false, true] as $fresh) {
            foreach (['plain', 'customer-profile'] as $kind) {
                $service = self::newService('taken');
                $name = 'mc-' . $service['key'];
                $rights = $kind === 'customer-profile' ? ['--rights', 'nonewgroups,notools,locksettings'] : [];
                self::server()->meshctrl(array_merge(['adduser', '--user', $name, '--pass', 'Someone-Elses-1'], $rights));
                if ($kind === 'customer-profile') {
                    self::assertSame(64 | 128 | 1024, self::serverUsers()['user//' . $name]['siteadmin'], 'planted with the customer profile');
                }
                try {
                    self::provision($service, 'full', null, $fresh);
                    self::fail("provisioning adopted an existing account ($kind, fresh: " . var_export($fresh, true) . ')');
                } catch (NotOwnedException $e) {
                    self::assertStringContainsString("'$name' already exists", $e->getMessage());
                }
                self::assertSame([], self::groupsMarkedFor($service['key']), "$kind: nothing was left");
                self::assertSame([], (array) (self::serverUsers()['user//' . $name]['links'] ?? []), "$kind: the account was not linked");
            }
        }
    }

    public function testTheConnectorsOwnAccountIsNeverAdopted(): void
    {
        foreach ([false, true] as $fresh) {
            $service = self::newService('self') + ['username' => self::server()->adminUser()];
            try {
                self::provision($service, 'full', null, $fresh);
                self::fail('adopted the connector\'s own account');
            } catch (NotOwnedException) {
            }
            self::assertSame([], self::groupsMarkedFor($service['key']), 'nothing was left');
        }
    }

    /**
     * A first attempt (`fresh`) makes the same objects as a search-first one, reading neither `meshes` nor `users`,
     * and leaves the new group without the connector's own link (it sees every group through
     * `manageAllDeviceGroups`): the customer's session takes it off, then the customer gets the plan's rights. Every
     * later operation still works, and MeshCentral's `creatorid` still names the connector.
     */
    public function testAFirstAttemptMakesTheObjectsReadingNothingAndLeavesNoConnectorLink(): void
    {
        $service = self::newService('fresh');
        $sessions = [];
        $p = self::recordingConnector($sessions)->provision(self::goodSettings(), $service, new \MeshCentralConnector\ProvisionOptions(groupNameTemplate: '{company} #{service_id}', preset: 'full', vars: ['company' => 'Test Co', 'service_id' => 1], fresh: true));
        // The hook counts connections by their opening: the connector's session goes on after the customer's.
        self::assertSame(['createmesh', 'adduser', 'addmeshuser', 'removemeshuser', 'addmeshuser'], array_merge(...$sessions), 'no list read');
        self::assertCount(2, $sessions, "the connector's session and the customer's");
        self::assertTrue($p['created_group'] && $p['created_user']);
        self::assertSame([$p['mesh_id']], self::groupsMarkedFor($service['key']));
        $user = self::serverUsers()[$p['user_id']];
        self::assertSame(64 | 128 | 1024, $user['siteadmin']);
        self::assertSame([$p['mesh_id']], array_keys($user['links']));
        self::assertSame(0x16C0DC, $user['links'][$p['mesh_id']]['rights'], 'the plan\'s rights, not the full ones of the hand-over');
        $group = self::serverGroups()[$p['mesh_id']];
        self::assertSame([$p['user_id']], array_keys((array) $group['links']), 'only the customer is linked');
        self::assertSame('user//' . strtolower(self::server()->adminUser()), $group['creatorid'] ?? null);
        $admin = self::serverUsers()['user//' . strtolower(self::server()->adminUser())];
        self::assertArrayNotHasKey($p['mesh_id'], (array) ($admin['links'] ?? []), 'the connector carries no link for it');

        // The rest of the lifecycle, as WHMCS calls it (with the stored group id).
        $stored = $service + ['mesh_id' => $p['mesh_id']];
        $c = self::connector();
        self::assertTrue($c->suspend(self::goodSettings(), $stored)['locked']);
        self::assertFalse($c->unsuspend(self::goodSettings(), $stored)['locked']);
        $c->changePackage(self::goodSettings(), $stored, 'view_only');
        self::assertSame(0x100708, self::serverUsers()[$p['user_id']]['links'][$p['mesh_id']]['rights']);
        self::assertSame([], $c->devices(self::goodSettings(), $p['mesh_id'], $p['username']));
        self::assertSame($p['mesh_id'], self::provision($stored)['mesh_id'], 'Create again adopts it');
        $c->terminate(self::goodSettings(), $stored);
        self::assertSame([], self::groupsMarkedFor($service['key']));
        self::assertArrayNotHasKey($p['user_id'], self::serverUsers());
    }

    public function testInvalidInputIsRefusedBeforeAnythingIsSent(): void
    {
        $c = self::connector();
        foreach (
            [
            [['key' => 'has space'], 'full', 'service key'],
            [['key' => 'ok-key', 'username' => 'a/b'], 'full', 'username'],
            ] as [$service, $preset, $needle]
        ) {
            try {
                $c->provision(self::goodSettings(), $service, new \MeshCentralConnector\ProvisionOptions(groupNameTemplate: '{company}', preset: $preset, vars: []));
                self::fail('accepted ' . json_encode($service));
            } catch (InvalidSettingsException $e) {
                self::assertStringContainsString($needle, $e->getMessage());
            }
        }
        try {
            $c->provision(self::goodSettings(), ['key' => 'k'], new \MeshCentralConnector\ProvisionOptions(groupNameTemplate: '{company}', preset: 'admin', vars: []));
            self::fail('accepted an unknown preset');
        } catch (InvalidSettingsException $e) {
            self::assertStringContainsString('admin', $e->getMessage());
        }
        try {
            $c->provision(self::goodSettings(), ['key' => 'k2'], new \MeshCentralConnector\ProvisionOptions(groupNameTemplate: '{company}', preset: 'full', vars: [], email: 'not-an-email'));
            self::fail('accepted a bad e-mail');
        } catch (InvalidSettingsException $e) {
            self::assertStringContainsString('e-mail', $e->getMessage());
        }
        self::assertSame([], self::groupsMarkedFor('k'));
        self::assertSame([], self::groupsMarkedFor('k2'));
    }
}
