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

    public function testAnAccountSomeoneElseMadeIsNeverAdopted(): void
    {
        $name = 'taken' . bin2hex(random_bytes(3));
        self::server()->meshctrl(['adduser', '--user', $name, '--pass', 'Someone-Elses-1']);
        $service = self::newService('taken') + ['username' => $name];
        try {
            self::provision($service);
            self::fail('provisioning adopted an existing account');
        } catch (NotOwnedException $e) {
            self::assertStringContainsString("'$name' already exists", $e->getMessage());
        }
        self::assertSame([], self::groupsMarkedFor($service['key']), 'nothing was created');
        self::assertSame([], (array) (self::serverUsers()['user//' . $name]['links'] ?? []), 'the account was not linked');
    }

    public function testTheConnectorsOwnAccountIsNeverAdopted(): void
    {
        $service = self::newService('self') + ['username' => self::server()->adminUser()];
        $this->expectException(NotOwnedException::class);
        self::provision($service);
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
