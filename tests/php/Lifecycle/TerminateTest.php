<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Exception\NotFoundException;
use MeshCentralConnector\Exception\NotOwnedException;

/** Terminate removes what the connector made, counts "already gone" as done, and never touches anyone else. */
final class TerminateTest extends ServiceTestCase
{
    public function testRemovesUserAndGroupAndIsIdempotent(): void
    {
        $service = self::newService('term');
        $p = self::provision($service);
        $t = self::connector()->terminate(self::goodSettings(), $service + ['mesh_id' => $p['mesh_id'], 'username' => $p['username']]);
        self::assertSame([true, true, 0], [$t['deleted_user'], $t['deleted_group'], $t['retired_devices']]);
        self::assertArrayNotHasKey($p['user_id'], self::serverUsers());
        self::assertArrayNotHasKey($p['mesh_id'], self::serverGroups());

        $again = self::connector()->terminate(self::goodSettings(), $service);
        self::assertSame([false, false], [$again['deleted_user'], $again['deleted_group']], 'already gone counts as done');

        // The deleted group's device list is an error, not an empty list (MeshCentral answers both the same way).
        $this->expectException(NotFoundException::class);
        self::connector()->devices(self::goodSettings(), $p['mesh_id']);
    }

    public function testNeverDeletesTheConnectorAccountOrAnAccountItDidNotMake(): void
    {
        $admin = self::server()->adminUser();
        try {
            self::connector()->terminate(self::goodSettings(), self::newService('own') + ['username' => $admin]);
            self::fail('terminate accepted the connector account');
        } catch (NotOwnedException $e) {
            self::assertStringContainsString('logs in with', $e->getMessage());
        }
        self::assertArrayHasKey('user//' . $admin, self::serverUsers());

        // A plain account someone made by hand, stored by mistake as a service's username.
        $name = 'handmade' . bin2hex(random_bytes(3));
        self::server()->meshctrl(['adduser', '--user', $name, '--pass', 'Hand-Made-Pass-1']);
        $service = self::newService('hand');
        $p = self::provision($service);
        try {
            self::connector()->terminate(self::goodSettings(), $service + ['username' => $name]);
            self::fail('terminate accepted a hand-made account');
        } catch (NotOwnedException $e) {
            // The service's group is linked to its real user, not to the hand-made account the record names.
            self::assertStringContainsString("is not the connector's for user '$name'", $e->getMessage());
        }
        self::assertArrayHasKey('user//' . $name, self::serverUsers());
        self::assertArrayHasKey($p['mesh_id'], self::serverGroups(), 'the refusal came before anything was removed');
    }

    public function testAGroupStoredForTheServiceWithoutOurMarkerIsNotDeleted(): void
    {
        $foreign = self::groupMadeByMeshctrl('foreign');
        try {
            self::connector()->terminate(self::goodSettings(), self::newService('stored') + ['mesh_id' => $foreign]);
            self::fail('terminate accepted a group without the marker');
        } catch (NotOwnedException $e) {
            self::assertStringContainsString('marker', $e->getMessage());
        }
        self::assertArrayHasKey($foreign, self::serverGroups());
    }

    /**
     * With the stored group id the service is proven in the customer's own session, and a group without devices is
     * removed without reading the server's lists of every group and account.
     */
    public function testAProvisionedServiceIsTerminatedWithoutListingTheServer(): void
    {
        $service = self::newService('term-view');
        $p = self::provision($service);
        $service['mesh_id'] = $p['mesh_id'];
        $sessions = [];
        $c = self::recordingConnector($sessions);
        $t = $c->terminate(self::goodSettings(), $service);
        self::assertTrue($t['deleted_user'] && $t['deleted_group']);
        self::assertSame([['meshes'], ['deleteuser', 'nodes', 'deletemesh']], $sessions, "the customer's view, then the removal");
        self::assertArrayNotHasKey($p['mesh_id'], self::serverGroups());
        self::assertArrayNotHasKey($p['user_id'], self::serverUsers());
        // Again: the customer cannot log in any more, so the connector's full view decides: nothing left to do.
        $again = $c->terminate(self::goodSettings(), $service);
        self::assertSame([false, false], [$again['deleted_user'], $again['deleted_group']]);
    }
}
