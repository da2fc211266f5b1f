<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\EndToEnd;

use MeshCentralConnector\Exception\ConnectorException;

/** The devices op against the real server, on groups made independently with meshctrl. */
final class DevicesTest extends ConnectorTestCase
{
    public function testEmptyGroupHasNoDevices(): void
    {
        $meshId = self::groupMadeByMeshctrl('devices');
        $devices = self::connector()->call(['op' => 'devices', 'server' => self::goodSettings(), 'mesh_id' => $meshId]);
        self::assertSame([], $devices);
    }

    public function testAnotherUsersGroupIsRefused(): void
    {
        $meshId = self::groupMadeByMeshctrl('devices');
        $user = 'outsider' . bin2hex(random_bytes(3));
        $pass = 'Out-Pass-' . bin2hex(random_bytes(6));
        self::server()->meshctrl(['adduser', '--user', $user, '--pass', $pass]);
        try {
            self::connector()->call([
                'op' => 'devices',
                'server' => ['username' => $user, 'password' => $pass, 'login_token_key' => null] + self::goodSettings(),
                'mesh_id' => $meshId,
            ]);
            self::fail('a user without a link to the group must not list its devices');
        } catch (ConnectorException $e) {
            // The outsider's own `meshes` (MeshCentral's answer to that account) does not hold the group.
            self::assertSame('not_found', $e->kind);
            self::assertStringContainsString('cannot see it', $e->getMessage());
        }
    }
}
