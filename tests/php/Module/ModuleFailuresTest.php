<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\LocalServices;

/**
 * Bad settings and servers that are down or are not MeshCentral: clear errors for staff, the service stays Pending,
 * nothing is left behind on MeshCentral, and no secret reaches the module log.
 */
final class ModuleFailuresTest extends ModuleTestCase
{
    public function testWrongPasswordIsReportedByTestConnection(): void
    {
        $server = self::addServer(['password' => 'not-the-password']);
        $r = self::whmcs()->modules()->testConnection($server);
        self::assertFalse($r['success']);
        self::assertStringContainsString('rejected the password', $r['error']);
        self::assertModuleLogHasNo('not-the-password', self::server()->loginTokenKey());
    }

    public function testServerDownLeavesTheServicePendingAndNothingBehind(): void
    {
        $down = self::addServer(['port' => LocalServices::closedPort()]);
        ['service' => $id] = self::order(self::addProduct(), $down);
        $start = microtime(true);
        $error = self::whmcs()->modules()->create($id);
        self::assertStringContainsString('cannot reach MeshCentral', $error);
        self::assertLessThan(15.0, microtime(true) - $start, 'fails fast, within the connect timeout');
        self::assertSame('Pending', self::whmcs()->serviceRow($id)['domainstatus'], 'a failed create stays Pending');
        self::assertStringContainsString('Module Create Failed', json_encode(self::whmcs()->activityLog()));
        self::assertNull(self::stored($id), 'nothing stored before a successful Create');
        $key = self::serviceKey($id);
        self::assertSame([], self::groupsMarkedFor($key));

        // The same service on the right server: the re-run finishes the job.
        self::whmcs()->updateService($id, ['server' => self::serverId()]);
        self::assertSame('success', self::whmcs()->modules()->create($id));
        self::assertCount(1, self::groupsMarkedFor($key));
        self::assertSame('success', self::whmcs()->modules()->terminate($id));
    }

    public function testAServerThatIsNotMeshCentralIsNamedAsSuch(): void
    {
        $r = LocalServices::withPlainWebServer(static fn (int $port): array => self::whmcs()->modules()->testConnection(self::addServer(['port' => $port, 'secure' => false])));
        self::assertFalse($r['success']);
        self::assertStringContainsString('does not look like a MeshCentral server', $r['error']);
    }

    public function testInvalidProductSettingsAreRefusedBeforeAnythingIsSent(): void
    {
        ['service' => $id] = self::order(self::addProduct([1 => 'superuser']));
        $error = self::whmcs()->modules()->create($id);
        self::assertStringContainsString("Unknown rights preset 'superuser'", $error);
        self::assertNull(self::stored($id));

        ['service' => $id2] = self::order(self::addProduct([3 => '99999']));
        self::assertStringContainsString('SSO lifetime', self::whmcs()->modules()->create($id2));
    }

    public function testTheFirstReleasesProductSettingsStillWork(): void
    {
        // Server record without credentials; product settings ServerURL + APIKey (user:password), as first documented.
        // Only the test CA in the access hash (a self-signed MeshCentral needs that either way).
        $s = self::server();
        $blank = self::addServer(['hostname' => '', 'ipaddress' => '', 'username' => '', 'password' => '', 'accesshash' => 'ca_file=' . $s->caFile()]);
        $product = self::addProduct([7 => $s->httpsUrl(), 8 => $s->adminUser() . ':' . $s->adminPassword()]);
        ['service' => $id] = self::order($product, $blank);
        self::assertSame('success', self::whmcs()->modules()->create($id));
        self::assertCount(1, self::groupsMarkedFor(self::stored($id)['service_key']));
        self::assertSame('success', self::whmcs()->modules()->terminate($id));
        self::assertModuleLogHasNo($s->adminPassword());
    }
}
