<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Exception\AuthenticationException;
use MeshCentralConnector\Exception\InsufficientRightsException;
use MeshCentralConnector\Exception\NotFoundException;
use MeshCentralConnector\Exception\NotOwnedException;

/** Suspend, unsuspend, change password and change package, each checked on the server's side. */
final class AccountStateTest extends ServiceTestCase
{
    public function testSuspendLocksTheAccountAndUnsuspendOpensItAgain(): void
    {
        $service = self::newService('susp');
        $p = self::provision($service);
        $settings = self::goodSettings();

        $s = self::connector()->suspend($settings, $service);
        self::assertTrue($s['locked']);
        self::assertTrue($s['changed']);
        self::assertSame(64 | 128 | 1024 | 32, self::serverUsers()[$p['user_id']]['siteadmin'], 'LOCKED is set');
        self::assertArrayHasKey($p['mesh_id'], self::serverGroups(), 'the group stays');
        // The browser SSO is refused (MeshCentral 1.1.55 checks LOCKED on page loads; its control channel does not
        // for key-minted cookies, which only the connector can make).
        self::assertStringContainsString('- Login</title>', $this->fetch(self::connector()->loginUrl(self::server()->httpsUrl(), self::server()->loginTokenKey(), $p['username'], 60)['url']));

        self::assertFalse(self::connector()->suspend($settings, $service)['changed'], 'suspending twice changes nothing');

        $u = self::connector()->unsuspend($settings, $service);
        self::assertFalse($u['locked']);
        self::assertSame(64 | 128 | 1024, self::serverUsers()[$p['user_id']]['siteadmin']);
        $page = $this->fetch(self::connector()->loginUrl(self::server()->httpsUrl(), self::server()->loginTokenKey(), $p['username'], 60)['url']);
        self::assertStringNotContainsString('- Login</title>', $page, 'SSO works again');
        self::assertFalse(self::connector()->unsuspend($settings, $service)['changed']);
    }

    public function testChangePasswordIsWhatTheServerChecks(): void
    {
        $service = self::newService('pass');
        $p = self::provision($service, 'full', 'First-Pass-111');
        self::connector()->changePassword(self::goodSettings(), $service, 'Second-Pass-222');

        // Right password: MeshCentral accepts it, then refuses tools (NOMESHCMD). Wrong: refused as a bad login.
        try {
            self::connector()->testConnection(self::customerSettings($p['username'], 'Second-Pass-222'));
            self::fail('customer logged in as a tool');
        } catch (InsufficientRightsException) {
            self::addToAssertionCount(1);
        }
        $this->expectException(AuthenticationException::class);
        self::connector()->testConnection(self::customerSettings($p['username'], 'First-Pass-111'));
    }

    public function testChangePackageRelinksWithTheNewPreset(): void
    {
        $service = self::newService('pkg');
        $p = self::provision($service, 'full');
        $r = self::connector()->changePackage(self::goodSettings(), $service, 'view_only');
        self::assertSame(0x100708, $r['group_rights']);
        self::assertSame(0x100708, self::serverUsers()[$p['user_id']]['links'][$p['mesh_id']]['rights']);
        self::assertFalse(self::connector()->changePackage(self::goodSettings(), $service, 'view_only')['changed']);
        // What the customer sees in its own session: the new rights on its group.
        $customer = self::customerSession($p['username']);
        self::assertSame(0x100708, $customer->userinfo['links'][$p['mesh_id']]['rights']);
        $customer->close();
    }

    public function testAForeignOrMissingAccountIsNeverTouched(): void
    {
        $name = 'foreign' . bin2hex(random_bytes(3));
        self::server()->meshctrl(['adduser', '--user', $name, '--pass', 'Foreign-Pass-1']);
        $service = self::newService('foreign');
        $p = self::provision($service);

        // The service's group, but a username the billing record got wrong: someone else's account.
        try {
            self::connector()->suspend(self::goodSettings(), $service + ['username' => $name]);
            self::fail('locked an account the connector did not create');
        } catch (NotOwnedException $e) {
            self::assertStringContainsString($name, $e->getMessage());
        }
        self::assertSame(0, (self::serverUsers()['user//' . $name]['siteadmin'] ?? 0) & 32, 'not locked');

        try {
            self::connector()->changePassword(self::goodSettings(), self::newService('nothing'), 'Whatever-123');
            self::fail('changed the password of a service that does not exist');
        } catch (NotFoundException $e) {
            self::assertStringContainsString('no longer exists', $e->getMessage());
        }
        self::assertArrayHasKey($p['user_id'], self::serverUsers());
    }

    /**
     * With the stored group id, ownership is proven in the customer's own session (its greeting and its `meshes`),
     * so the connector's session reads no list of every group and account: the cost does not grow with the server.
     */
    public function testAProvisionedServiceIsProvenInTheCustomersOwnViewWithoutListingTheServer(): void
    {
        $service = self::newService('view-proof');
        $p = self::provision($service);
        $service['mesh_id'] = $p['mesh_id'];
        $sessions = [];
        $c = self::recordingConnector($sessions);
        self::assertTrue($c->suspend(self::goodSettings(), $service)['locked']);
        self::assertSame([['meshes'], ['edituser']], $sessions, "the customer's view, then the change");
        self::assertSame(32, self::serverUsers()[$p['user_id']]['siteadmin'] & 32);

        // Someone links the customer into a second group: the customer's own view shows it, and nothing is touched.
        $other = self::groupMadeByMeshctrl('intruder');
        self::server()->meshctrl(['addusertodevicegroup', '--id', $other, '--userid', $p['username'], '--remotecontrol']);
        try {
            $c->unsuspend(self::goodSettings(), $service);
            self::fail('an account linked elsewhere was changed');
        } catch (NotOwnedException $e) {
            self::assertStringContainsString('linked to other device groups', $e->getMessage());
        }
        self::assertSame(32, self::serverUsers()[$p['user_id']]['siteadmin'] & 32, 'still locked');
    }
}
