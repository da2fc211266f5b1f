<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Exception\AuthenticationException;
use MeshCentralConnector\Exception\InsufficientRightsException;
use MeshCentralConnector\Tests\Support\AgentSandbox;

/**
 * A service's whole life through the emulated WHMCS (action runner, hooks, status) and the installed release copy,
 * each step checked on MeshCentral's side with meshctrl.
 */
final class ModuleLifecycleTest extends ModuleTestCase
{
    private ?AgentSandbox $agent = null;

    protected function tearDown(): void
    {
        $this->agent?->stop();
        $this->agent = null;
    }

    public function testCreateSuspendUnsuspendPasswordPackageUsageSyncTerminate(): void
    {
        $w = self::whmcs();
        $product = self::addProduct([1 => 'full', 4 => '5']);
        $viewOnly = self::addProduct([1 => 'view_only']);
        ['client' => $client, 'service' => $id] = self::order($product);
        $runner = $w->modules();

        self::assertSame(['success' => true, 'error' => ''], $runner->testConnection(self::serverId()));
        self::assertStringContainsString('Wasm core runs on', json_encode($w->moduleLog()), 'the backend is logged');

        // Create
        self::assertSame('success', $runner->create($id));
        $service = $w->serviceRow($id);
        self::assertSame('Active', $service['domainstatus']);
        $stored = self::stored($id);
        self::assertNotNull($stored);
        self::assertStringStartsWith('whmcs-', $stored['service_key']);
        self::assertSame('2', $w->db()->table('mod_meshcentral_settings')->where('name', 'schema_version')->value('value'), 'new tables start at the current schema version');
        self::assertSame($service['username'], $stored['username'], 'the MeshCentral username is the service username');
        $userId = 'user//' . strtolower($stored['username']);
        $group = self::serverGroups()[$stored['mesh_id']] ?? null;
        self::assertNotNull($group);
        self::assertSame('Analytical Ltd #' . $id, $group['name']);
        $user = self::serverUsers()[$userId] ?? null;
        self::assertNotNull($user);
        self::assertSame([$stored['mesh_id']], array_keys($user['links']));
        $password = $w->decrypt((string) $service['password']);
        self::assertNotSame('', $password);
        $this->assertPasswordIs($stored['username'], $password);

        // Create again (e.g. an admin clicks Create twice): nothing new.
        self::assertSame('success', $runner->create($id));
        self::assertCount(1, self::groupsMarkedFor($stored['service_key']));

        // Client SSO through the module function
        $sso = $runner->serviceSingleSignOn($id);
        self::assertTrue($sso['success']);
        self::assertStringNotContainsString('- Login</title>', $this->fetch($sso['redirectTo']));

        // Suspend / unsuspend
        self::assertSame('success', $runner->suspend($id, 'Overdue on Payment'));
        self::assertSame('Suspended', $w->serviceRow($id)['domainstatus']);
        self::assertSame(32, self::serverUsers()[$userId]['siteadmin'] & 32);
        self::assertFalse($runner->serviceSingleSignOn($id)['success'], 'no SSO while suspended');
        self::assertSame('success', $runner->unsuspend($id));
        self::assertSame(0, self::serverUsers()[$userId]['siteadmin'] & 32);

        // Change password (WHMCS stores the new one, then calls the module)
        self::assertSame('success', $runner->changePassword($id, 'Changed-Pass-4711'));
        $this->assertPasswordIs($stored['username'], 'Changed-Pass-4711');

        // Change package: the new product's preset on the link
        self::assertSame('success', $runner->changePackage($id, $viewOnly));
        self::assertSame(0x100708, self::serverUsers()[$userId]['links'][$stored['mesh_id']]['rights']);

        // A real agent enrols from the group's installer links (loopback-only network namespace).
        $this->agent = AgentSandbox::start(self::server(), $stored['mesh_id']);
        $deadline = microtime(true) + 30;
        do {
            $online = array_filter(self::connector()->devices(self::goodSettings(), $stored['mesh_id']), static fn (array $d): bool => $d['online']);
        } while ($online === [] && microtime(true) < $deadline && usleep(250_000) === null);
        self::assertCount(1, $online, "the agent came online\n" . $this->agent->log());

        // Usage (the cron's run): devices go to usage billing, never into the megabyte fields
        $run = $runner->cronUsage(self::serverId())[self::serverId()];
        self::assertSame('success', $run['UsageUpdate']);
        self::assertSame(['devices' => 1.0, 'devices_online' => 1.0], $run['MetricProvider'][$stored['username']]);
        $service = $w->serviceRow($id);
        self::assertSame([0, 0, 0], [(int) $service['diskusage'], (int) $service['disklimit'], (int) $service['bwusage']]);

        // Usage billing (MetricProvider): devices per tenant (= the service's MeshCentral user)
        $provider = $runner->metricProvider(self::serverId());
        self::assertSame(['devices', 'devices_online'], array_keys($provider->metrics()));
        $tenant = $provider->tenantUsage($stored['username']);
        self::assertSame([1.0, 1.0], array_map(static fn ($m): float => $m->usage()->value(), $tenant));

        // Server sync lists it
        $sync = $runner->listAccounts(self::serverId());
        self::assertTrue($sync['success']);
        $mine = array_values(array_filter($sync['accounts'], static fn (array $a): bool => $a['username'] === $stored['username']));
        self::assertCount(1, $mine);
        self::assertSame('Active', $mine[0]['status']);
        self::assertSame('view_only', $mine[0]['product']);

        // Admin side
        $fields = $runner->adminServicesTabFields($id);
        self::assertSame(htmlspecialchars($stored['mesh_id']), $fields['MeshCentral device group']);
        self::assertSame('1 (1 online)', $fields['Devices now']);
        self::assertStringStartsWith('1 (1 online), counted ', $fields['Devices (last usage run)']);
        self::assertSame('success', $runner->customButton($id, 'InviteLink'));
        self::assertStringContainsString('/agentinvite?c=', (string) self::stored($id)['invite_url']);

        // Terminate, twice
        self::assertSame('success', $runner->terminate($id));
        self::assertSame('Terminated', $w->serviceRow($id)['domainstatus']);
        self::assertArrayNotHasKey($stored['mesh_id'], self::serverGroups());
        self::assertArrayNotHasKey($userId, self::serverUsers());
        self::assertSame('success', $runner->terminate($id), 'terminating again is done, not an error');

        self::assertModuleLogHasNo(self::server()->adminPassword(), self::server()->loginTokenKey(), $password, 'Changed-Pass-4711', (string) parse_url($sso['redirectTo'], PHP_URL_QUERY));
        self::assertStringContainsString('Module Create Successful', json_encode($w->activityLog()));
    }

    public function testAdminSingleSignOnLogsInAsTheServiceAccount(): void
    {
        $sso = self::whmcs()->modules()->adminSingleSignOn(self::serverId());
        self::assertTrue($sso['success']);
        $page = $this->fetch($sso['redirectTo']);
        self::assertStringContainsString(rawurlencode('{"name":"' . self::server()->adminUser() . '"'), $page);
    }

    private function assertPasswordIs(string $username, string $password): void
    {
        try {
            self::connector()->testConnection(self::customerSettings($username, $password));
            self::fail('a customer logged in as a tool');
        } catch (InsufficientRightsException) {
            self::addToAssertionCount(1); // right password: accepted, then refused as a tool (NOMESHCMD)
        } catch (AuthenticationException $e) {
            self::fail("MeshCentral refused the password WHMCS holds for $username: " . $e->getMessage());
        }
    }
}
