<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

/**
 * The module's hooks.php as WHMCS runs it (the emulator registers it with add_hook and fires ClientEdit and
 * ServiceDelete where WHMCS does), and product addons reaching module functions, against the real MeshCentral.
 * What MeshCentral holds is read back with meshctrl, not through the module.
 */
final class HooksTest extends ModuleTestCase
{
    private static function userOf(int $serviceId): array
    {
        $username = strtolower((string) self::stored($serviceId)['username']);
        $users = self::serverUsers();
        self::assertArrayHasKey('user//' . $username, $users, "the MeshCentral user of service $serviceId exists");
        return $users['user//' . $username];
    }

    private static function activity(): string
    {
        return (string) json_encode(self::whmcs()->activityLog(), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }

    /** @return list<array<string, mixed>> module log rows of one action (WHMCS stores actions lower-cased) */
    private static function moduleCalls(string $action): array
    {
        return array_values(array_filter(self::whmcs()->moduleLog(), static fn (array $r): bool => strcasecmp((string) ($r['action'] ?? ''), $action) === 0));
    }

    public function testTheModuleRegistersItsHooksWithAddHook(): void
    {
        $hooks = self::whmcs()->hooks();
        self::assertTrue($hooks->has('ClientEdit'));
        self::assertTrue($hooks->has('ServiceDelete'));
    }

    public function testClientEditUpdatesNameAndEmailOfActiveAndSuspendedServicesOnly(): void
    {
        $w = self::whmcs();
        $product = self::addProduct();
        ['client' => $client, 'service' => $active] = self::order($product);
        $suspended = $w->addService(['userid' => $client, 'packageid' => $product, 'server' => self::serverId()]);
        $terminated = $w->addService(['userid' => $client, 'packageid' => $product, 'server' => self::serverId()]);
        $pending = $w->addService(['userid' => $client, 'packageid' => $product, 'server' => self::serverId()]);
        foreach ([$active, $suspended, $terminated] as $id) {
            self::assertSame('success', $w->modules()->create($id));
        }
        self::assertSame('success', $w->modules()->suspend($suspended));
        // A service a Create provisioned but WHMCS shows as Terminated (marked by hand): not Active or Suspended.
        $w->updateService($terminated, ['domainstatus' => 'Terminated']);
        $before = self::userOf($terminated);
        self::assertSame('Ada Lovelace', self::userOf($active)['realname'] ?? null, 'Create set the real name');
        $callsBefore = count(self::moduleCalls('ClientEdit'));

        $email = 'Grace.Hopper-' . bin2hex(random_bytes(3)) . '@Example.com';
        $w->updateClient($client, ['firstname' => 'Grace', 'lastname' => 'Hopper', 'email' => $email]);

        foreach ([$active, $suspended] as $id) {
            $user = self::userOf($id);
            self::assertSame('Grace Hopper', $user['realname'] ?? null, "service $id");
            self::assertSame(strtolower($email), $user['email'] ?? null, "service $id (MeshCentral stores e-mail lower-cased)");
            self::assertTrue($user['emailVerified'] ?? false, "service $id");
        }
        self::assertSame(32, self::userOf($suspended)['siteadmin'] & 32, 'the suspended account stays locked');
        $after = self::userOf($terminated);
        self::assertSame($before['realname'] ?? null, $after['realname'] ?? null, 'a Terminated service is left alone');
        self::assertSame($before['email'] ?? null, $after['email'] ?? null);
        self::assertNull(self::stored($pending), 'the Pending service has nothing to update');
        self::assertCount($callsBefore + 2, self::moduleCalls('ClientEdit'), 'one update_contact per Active/Suspended service');
        self::assertStringNotContainsString('ClientEdit: contact details not updated', self::activity());

        // Saving the client again with the same name and e-mail (another field changed) sends nothing.
        $w->updateClient($client, ['phonenumber' => '+44.1234567']);
        self::assertCount($callsBefore + 2, self::moduleCalls('ClientEdit'));

        foreach ([$active, $suspended, $terminated] as $id) {
            $w->updateService($id, ['domainstatus' => 'Active']);
            self::assertSame('success', $w->modules()->terminate($id));
        }
    }

    public function testClientEditNeverThrowsIntoWhmcsAndLogsWhatFailed(): void
    {
        $w = self::whmcs();
        ['client' => $client, 'service' => $id] = self::order(self::addProduct());
        self::assertSame('success', $w->modules()->create($id));
        $username = (string) self::stored($id)['username'];
        // The account vanished behind the module's back.
        self::server()->meshctrl(['removeuser', '--userid', 'user//' . strtolower($username)]);

        $w->updateClient($client, ['lastname' => 'Byron']);
        self::assertMatchesRegularExpression(
            '/MeshCentral ClientEdit: contact details not updated in MeshCentral, service ID ' . $id . ': [^"]*no longer exists/',
            self::activity()
        );

        // A bad address is refused by the core before anything connects, also logged and not thrown.
        $w->updateClient($client, ['email' => 'not an address']);
        self::assertStringContainsString("'not an address' is not a valid e-mail address", self::activity());
        self::assertSame('success', $w->modules()->terminate($id));
    }

    public function testServiceDeleteOfAServiceThatWasNeverTerminatedWarnsAndRemovesNothing(): void
    {
        $w = self::whmcs();
        ['service' => $id] = self::order(self::addProduct());
        self::assertSame('success', $w->modules()->create($id));
        $row = self::stored($id);
        $meshId = (string) $row['mesh_id'];
        $username = (string) $row['username'];

        $w->deleteService($id);

        self::assertStringContainsString(
            "MeshCentral warning: service deleted without Terminate, service ID $id: its MeshCentral device group '$meshId'",
            self::activity()
        );
        self::assertStringContainsString("user '$username' still exist", self::activity());
        self::assertArrayHasKey($meshId, self::serverGroups(), 'the group was not deleted');
        self::assertArrayHasKey('user//' . strtolower($username), self::serverUsers(), 'the user was not deleted');

        // Clean up by hand, as the warning tells the admin to.
        self::server()->meshctrl(['removeuser', '--userid', 'user//' . strtolower($username)]);
        self::server()->meshctrl(['removedevicegroup', '--id', substr($meshId, strlen('mesh//'))]);
    }

    public function testServiceDeleteAfterTerminateIsQuiet(): void
    {
        $w = self::whmcs();
        ['service' => $id] = self::order(self::addProduct());
        self::assertSame('success', $w->modules()->create($id));
        self::assertSame('success', $w->modules()->terminate($id));
        $w->deleteService($id);
        // Never created either: nothing to say.
        ['service' => $never] = self::order(self::addProduct());
        $w->deleteService($never);
        self::assertStringNotContainsString("service deleted without Terminate, service ID $id:", self::activity());
        self::assertStringNotContainsString("service deleted without Terminate, service ID $never:", self::activity());
    }

    public function testProductAddonCallsAreRefusedAndChangeNothing(): void
    {
        $w = self::whmcs();
        $runner = $w->modules();
        ['service' => $parent] = self::order(self::addProduct());
        self::assertSame('success', $runner->create($parent));
        $meshId = (string) self::stored($parent)['mesh_id'];
        $params = $runner->params($parent);
        // WHMCS 7.2+ calls a product addon's module with the parent service's id and the addon's id.
        $params['addonId'] = 77;
        $staff = "the MeshCentral module provisions products, not product addons (addon ID 77 on service ID $parent): nothing was changed";

        foreach (['CreateAccount', 'SuspendAccount', 'UnsuspendAccount', 'TerminateAccount', 'ChangePackage', 'ChangePassword', 'Resync', 'InviteLink'] as $function) {
            $result = ('meshcentral_' . $function)($params);
            self::assertIsString($result, $function);
            self::assertStringStartsWith($staff, $result, $function);
        }
        $sso = meshcentral_ServiceSingleSignOn($params);
        self::assertFalse($sso['success']);
        self::assertStringStartsWith($staff, $sso['errorMsg']);
        $area = meshcentral_ClientArea($params);
        self::assertFalse($area['templateVariables']['ready']);
        self::assertStringContainsString('add-on', $area['templateVariables']['error'], 'the client reads the addon text');

        // The parent's group and user are untouched: not suspended, not deleted.
        self::assertSame($meshId, self::stored($parent)['mesh_id']);
        self::assertArrayHasKey($meshId, self::serverGroups());
        self::assertSame(0, self::userOf($parent)['siteadmin'] & 32, 'the parent account is not locked');
        self::assertStringContainsString('MeshCentral TerminateAccount refused, service ID ' . $parent . ': ' . $staff, self::activity());
        self::assertSame('success', $runner->terminate($parent));
    }
}
