<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\AgentSandbox;
use MeshCentralConnector\Tests\Whmcs\HttpClient;

/**
 * Plans sold the WHMCS way, through the release zip in the emulator against the real MeshCentral: the product's
 * settings by pinned position, the configurable options extra_devices (added to the device limit) and rights_preset
 * (replacing the product's preset), applied on Create and on the ChangePackage an option upgrade runs, and the device
 * limit enforced on the invite link button (client: short text; staff: the numbers in the activity log).
 */
final class PlansTest extends ModuleTestCase
{
    private ?AgentSandbox $agent = null;

    protected function tearDown(): void
    {
        $agent = $this->agent;
        $this->agent = null;
        $agent?->stop();
    }

    private static function activity(): string
    {
        return (string) json_encode(self::whmcs()->activityLog(), JSON_UNESCAPED_SLASHES);
    }

    /** The client's overview page and its CSRF token. @return array{0: string, 1: string} */
    private static function page(HttpClient $http, int $id): array
    {
        $body = $http->get("clientarea.php?action=productdetails&id=$id")['body'];
        self::assertSame(1, preg_match('/name="token" value="([^"]+)"/', $body, $m), 'the page has a token');
        return [$body, html_entity_decode($m[1])];
    }

    private static function linkRights(int $id): int
    {
        $stored = self::stored($id);
        self::assertIsArray($stored);
        $user = self::serverUsers()['user//' . strtolower((string) $stored['username'])] ?? null;
        self::assertIsArray($user, 'the customer account exists');
        return (int) $user['links'][$stored['mesh_id']]['rights'];
    }

    public function testProductSettingPositionsNeverMove(): void
    {
        $pinned = [];
        foreach (file(__DIR__ . '/fixtures/product-settings-positions.txt', FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            if (preg_match('/^(\d+) (.+)$/', $line, $m) === 1) {
                $pinned[(int) $m[1]] = $m[2];
            }
        }
        self::assertCount(8, $pinned);
        $product = self::addProduct();
        $names = array_keys(self::whmcs()->modules()->configOptions('meshcentral', $product));
        // ConfigOptions may grow at the end; what exists keeps its number.
        foreach ($pinned as $n => $name) {
            self::assertSame($name, $names[$n - 1] ?? null, "configoption$n");
        }
        self::assertSame(array_values($pinned), array_slice($names, 0, count($pinned)));
        // The module's own constants name the same positions.
        $constants = (new \ReflectionClass(\WHMCS\Module\Server\Meshcentral\Config\ProductSettings::class))->getConstants();
        self::assertSame([1, 2, 3, 4, 5, 6, 7, 8], [
            $constants['RIGHTS_PRESET'], $constants['GROUP_NAME_TEMPLATE'], $constants['SSO_LIFETIME'], $constants['DEVICE_LIMIT'],
            $constants['INVITE_HOURS'], $constants['INSTALLERS'], $constants['LEGACY_SERVER_URL'], $constants['LEGACY_API_KEY'],
        ]);
    }

    public function testRightsPresetOptionIsAppliedOnCreateAndOnAnOptionUpgrade(): void
    {
        $product = self::addProduct([1 => 'full']);
        self::whmcs()->addConfigurableOption($product, 'rights_preset|Access', 1, ['full|Full control', 'remote_only|Remote control only', 'view_only|View only']);
        ['service' => $id] = self::order($product);
        self::whmcs()->setServiceConfigurableOption($id, 'rights_preset', 'view_only');

        self::assertSame('success', self::whmcs()->modules()->create($id));
        self::assertSame(0x100708, self::linkRights($id), 'view_only from the option, not the product\'s full');
        $area = self::whmcs()->modules()->clientArea($id);
        self::assertIsArray($area);
        self::assertSame(['desktop'], array_column($area['templateVariables']['connect_modes'], 'mode'), 'the client is offered what the plan grants: no terminal, no files');

        self::assertSame('success', self::whmcs()->modules()->upgradeConfigurableOptions($id, ['rights_preset' => 'remote_only']));
        self::assertSame(0x100048, self::linkRights($id), 'the upgrade ran ChangePackage: remote_only on MeshCentral');
        self::assertSame('success', self::whmcs()->modules()->terminate($id));
    }

    public function testInvalidOptionValuesAreStaffErrorsNotDefaults(): void
    {
        // A quantity-type option cannot name a preset (even unset it arrives as 0, which names none).
        $product = self::addProduct();
        self::whmcs()->addConfigurableOption($product, 'rights_preset', 4);
        ['service' => $id] = self::order($product);
        $error = self::whmcs()->modules()->create($id);
        self::assertStringContainsString("configurable option rights_preset has the value '0'", $error);
        self::assertStringContainsString('full, remote_only, view_only', $error);
        self::assertNull(self::stored($id), 'nothing was provisioned');

        // A dropdown of extra devices must name whole numbers; its choice arrives as the name before "|".
        $product = self::addProduct([4 => '2']);
        self::whmcs()->addConfigurableOption($product, 'extra_devices|Extra devices', 1, ['five|Five more', '10|Ten more']);
        ['service' => $id] = self::order($product);
        self::whmcs()->setServiceConfigurableOption($id, 'extra_devices', 'five');
        self::assertStringContainsString("configurable option extra_devices has the value 'five', not a whole number", self::whmcs()->modules()->create($id));
        self::assertNull(self::stored($id), 'nothing was provisioned');
        self::whmcs()->setServiceConfigurableOption($id, 'extra_devices', '10');
        self::assertSame('success', self::whmcs()->modules()->create($id), 'dropdown choice 10|Ten more arrives as 10');
        self::whmcs()->modules()->usageUpdate(self::serverId());
        self::assertSame(0, (int) self::whmcs()->serviceRow($id)['disklimit'], "UsageUpdate leaves WHMCS's megabyte fields alone");
        self::assertSame('success', self::whmcs()->modules()->terminate($id));
    }

    public function testDeviceLimitIsBasePlusExtraAndTheInviteButtonIsRefusedAtIt(): void
    {
        $w = self::whmcs();
        $product = self::addProduct([4 => '1']);
        $w->addConfigurableOption($product, 'extra_devices|Extra devices', 4, [], 0, 20);
        ['client' => $client, 'service' => $id] = self::order($product);
        $w->setServiceConfigurableOption($id, 'extra_devices', 0);
        self::assertSame('success', $w->modules()->create($id));
        $meshId = (string) self::stored($id)['mesh_id'];

        // One real agent enrols: 1 device, the limit is 1 + 0.
        $this->agent = AgentSandbox::start(self::server(), $meshId);
        $deadline = microtime(true) + 30;
        do {
            $devices = self::connector()->usage(self::goodSettings(), [$meshId])[$meshId]['devices'] ?? 0;
        } while ($devices < 1 && microtime(true) < $deadline && usleep(250_000) === null);
        self::assertSame(1, $devices, "the agent enrolled\n" . $this->agent->log());

        $http = new HttpClient(self::web()->baseUrl());
        $http->get('login.php?clientid=' . $client);
        [$body, $token] = self::page($http, $id);
        self::assertStringContainsString('id="meshcentral-at-limit"', $body);
        self::assertStringNotContainsString('id="meshcentral-installers"', $body);
        self::assertStringNotContainsString('id="meshcentral-invite-new"', $body);

        // The sidebar's button still posts: refused, with the client's short text and the numbers for staff.
        $post = $http->post("clientarea.php?action=productdetails&id=$id&modop=custom&a=InviteLink", ['token' => $token]);
        self::assertStringContainsString('Your plan&#039;s device limit is reached', $post['body']);
        self::assertStringNotContainsString('1 of 1', $post['body'], 'the numbers are for staff');
        self::assertNull(self::stored($id)['invite_url'], 'no invite link was made');
        self::assertStringContainsString('InviteLink refused, service ID ' . $id . ': the device limit is reached: 1 of 1 devices (product limit 1 + 0 extra', self::activity());
        // The admin button too (staff see why).
        self::assertStringContainsString('the device limit is reached: 1 of 1', (string) $w->modules()->customButton($id, 'InviteLink'));

        // The client upgrades the option: WHMCS stores it and runs ChangePackage; the new limit 1 + 2 applies.
        self::assertSame('success', $w->modules()->upgradeConfigurableOptions($id, ['extra_devices' => 2]));
        $changes = array_filter($w->moduleLog(), static fn (array $e): bool => $e['action'] === 'changepackage');
        self::assertStringContainsString('[device_limit] => 3', (string) end($changes)['request']);
        [$body, $token] = self::page($http, $id);
        self::assertStringNotContainsString('id="meshcentral-at-limit"', $body);
        self::assertStringContainsString('id="meshcentral-installers"', $body);
        self::assertStringContainsString('(Device limit: 3)', $body);
        $http->post("clientarea.php?action=productdetails&id=$id&modop=custom&a=InviteLink", ['token' => $token]);
        self::assertNotNull(self::stored($id)['invite_url'], 'below the limit: the invite link is made');

        // UsageUpdate counts the device but writes nothing into WHMCS's megabyte fields (devices are billed as metrics).
        $w->modules()->usageUpdate(self::serverId());
        self::assertSame([0, 0], [(int) $w->serviceRow($id)['diskusage'], (int) $w->serviceRow($id)['disklimit']]);

        self::assertSame('success', $w->modules()->terminate($id));
    }
}
