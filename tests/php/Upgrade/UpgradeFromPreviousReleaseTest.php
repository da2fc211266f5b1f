<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Upgrade;

use MeshCentralConnector\Tests\Lifecycle\ServiceTestCase;
use MeshCentralConnector\Tests\Support\AgentSandbox;
use MeshCentralConnector\Tests\Support\LocalServices;
use MeshCentralConnector\Tests\Support\PreviousRelease;
use MeshCentralConnector\Tests\Support\ReleaseInstall;
use MeshCentralConnector\Tests\Whmcs\HttpClient;
use MeshCentralConnector\WhmcsEmulator\WebServer;
use MeshCentralConnector\WhmcsEmulator\Whmcs;

require_once dirname(__DIR__, 3) . '/whmcs-emulator/autoload.php';

/**
 * An admin uploads the new zip over an installed previous release (scripts/build-previous-release.sh, built from git
 * history and cached): services the previous release provisioned keep working, with their own groups (no second
 * group), and the module's tables migrate on first use. The previous release runs in its own PHP process
 * (previous-release-phase.php); the new one here, on the same WHMCS root and database.
 */
final class UpgradeFromPreviousReleaseTest extends ServiceTestCase
{
    private ?AgentSandbox $agent = null;
    private ?WebServer $web = null;

    protected function tearDown(): void
    {
        $this->web?->stop();
        $this->agent?->stop();
        $this->web = $this->agent = null;
    }

    public function testServicesOfThePreviousReleaseKeepWorkingAfterTheNewZipIsUnpackedOverIt(): void
    {
        $mc = self::server();
        $oldZip = PreviousRelease::zip();
        // Kept after the test, like the module tests' roots: the module's classes stay autoloadable from it.
        $root = sys_get_temp_dir() . '/meshconnector-upgrade-' . getmypid() . '-' . bin2hex(random_bytes(3));
        $ids = PreviousRelease::runPhase(__DIR__ . '/previous-release-phase.php', [
            'root' => $root,
            'zip' => $oldZip,
            'server' => [
                'port' => $mc->port(), 'username' => $mc->adminUser(), 'password' => $mc->adminPassword(),
                'accesshash' => $mc->loginTokenKey() . "\nca_file=" . $mc->caFile(),
            ],
            'closed_port' => LocalServices::closedPort(),
        ]);
        $w = Whmcs::open($root);
        $w->activate();
        [$active, $suspended, $failed] = [(int) $ids['active'], (int) $ids['suspended'], (int) $ids['failed']];

        // What the previous release left: rows with group id and username, a row written before a failed Create
        // (key + WHMCS username, no group id), no schema version.
        $before = $this->rows($w);
        foreach ([$active, $suspended] as $id) {
            self::assertStringStartsWith('mesh//', (string) $before[$id]['mesh_id']);
            self::assertSame($w->serviceRow($id)['username'], $before[$id]['username']);
            self::assertSame([$before[$id]['mesh_id']], self::groupsMarkedFor($before[$id]['service_key']));
        }
        self::assertNull($before[$failed]['mesh_id']);
        self::assertNotNull($before[$failed]['username'], 'the previous release stored a username before Create');
        self::assertNull($this->setting($w, 'schema_version'));
        self::assertSame('Suspended', $w->serviceRow($suspended)['domainstatus']);

        // A real device in the active service's group (loopback-only network namespace).
        $this->agent = AgentSandbox::start($mc, (string) $before[$active]['mesh_id']);
        $this->waitOnline((string) $before[$active]['mesh_id']);

        // The upgrade, as an admin does it: the new zip unpacked into the same root. Files are replaced; files the
        // new release no longer ships stay.
        $newZip = ReleaseInstall::zip();
        $stale = array_diff(PreviousRelease::files($oldZip), PreviousRelease::files($newZip));
        $module = ReleaseInstall::unpackInto($root);
        foreach ($stale as $file) {
            self::assertFileExists($root . '/' . $file, 'a file of the previous release stays');
        }
        self::assertSame(trim((string) file_get_contents(dirname(__DIR__, 3) . '/VERSION')), trim((string) file_get_contents($module . '/VERSION')));
        self::assertSame(hash_file('sha256', dirname(__DIR__, 3) . '/build/meshcentral_connector.wasm'), hash_file('sha256', $module . '/wasm/meshcentral_connector.wasm'));

        $runner = $w->modules();
        // First use: SSO of the old active service, and the tables migrate.
        $sso = $runner->serviceSingleSignOn($active);
        self::assertTrue($sso['success'], (string) ($sso['errorMsg'] ?? ''));
        self::assertStringNotContainsString('- Login</title>', $this->fetch($sso['redirectTo']), 'MeshCentral accepts the SSO link');
        self::assertSame('2', $this->setting($w, 'schema_version'));
        $after = $this->rows($w);
        self::assertNull($after[$failed]['username'], 'a username without a group id was never provisioned: cleared');
        self::assertSame($before[$failed]['service_key'], $after[$failed]['service_key']);
        foreach ([$active, $suspended] as $id) {
            foreach (['service_key', 'mesh_id', 'username'] as $column) {
                self::assertSame($before[$id][$column], $after[$id][$column], "$column of service $id is kept");
            }
        }

        // The client area of the old service over HTTP: its device and the SSO button, and the SSO redirect.
        $this->web = WebServer::start($w, [
            'MESHCONNECTOR_LIBWASMER' => (string) getenv('MESHCONNECTOR_LIBWASMER'),
            'MESHCONNECTOR_CACHE_DIR' => sys_get_temp_dir() . '/meshconnector-test-cache',
        ], ['ffi.enable=1']);
        $http = new HttpClient($this->web->baseUrl());
        $http->get('login.php?clientid=' . (int) $ids['client']);
        $page = $http->get("clientarea.php?action=productdetails&id=$active")['body'];
        self::assertStringContainsString('id="meshcentral-sso"', $page);
        self::assertStringContainsString(htmlspecialchars($this->agent->nodeName()), $page, 'the device of the old group is listed');
        $redirect = $http->get("clientarea.php?action=productdetails&id=$active&dosinglesignon=1");
        self::assertSame(302, $redirect['status']);
        self::assertStringStartsWith($mc->httpsUrl() . '/?login=', $redirect['headers']['location']);

        // The service the previous release suspended: unsuspend, then SSO.
        $userB = 'user//' . strtolower((string) $before[$suspended]['username']);
        self::assertSame(32, self::serverUsers()[$userB]['siteadmin'] & 32, 'locked by the previous release');
        self::assertFalse($runner->serviceSingleSignOn($suspended)['success'], 'no SSO while suspended');
        self::assertSame('success', $runner->unsuspend($suspended));
        self::assertSame(0, self::serverUsers()[$userB]['siteadmin'] & 32);
        self::assertTrue($runner->serviceSingleSignOn($suspended)['success']);

        // The old active service: suspend/unsuspend, change password, change package.
        $userA = 'user//' . strtolower((string) $before[$active]['username']);
        self::assertSame('success', $runner->suspend($active));
        self::assertSame(32, self::serverUsers()[$userA]['siteadmin'] & 32);
        self::assertSame('success', $runner->unsuspend($active));
        self::assertSame(0, self::serverUsers()[$userA]['siteadmin'] & 32);
        self::assertSame('success', $runner->changePassword($active, 'Upgraded-Pass-4711'));
        self::assertSame('success', $runner->changePackage($active, (int) $ids['view_only']));
        self::assertSame(0x100708, self::serverUsers()[$userA]['links'][$before[$active]['mesh_id']]['rights']);

        // The service whose Create failed before the upgrade: Create now (its server is back).
        $w->updateService($failed, ['server' => (int) $ids['server']]);
        self::assertSame('success', $runner->create($failed));
        $created = $this->rows($w)[$failed];
        self::assertSame([$created['mesh_id']], self::groupsMarkedFor($created['service_key']));

        // Still one group per old service, the one the previous release made.
        foreach ([$active, $suspended] as $id) {
            self::assertSame([$before[$id]['mesh_id']], self::groupsMarkedFor($before[$id]['service_key']), "no second group for service $id");
            self::assertSame($before[$id]['mesh_id'], $this->rows($w)[$id]['mesh_id']);
        }

        // Terminate: the device is parked in the retired-agents group, which is now pinned for this server.
        $retiredBefore = $this->retiredGroups();
        self::assertSame('success', $runner->terminate($active));
        self::assertArrayNotHasKey((string) $before[$active]['mesh_id'], self::serverGroups());
        self::assertArrayNotHasKey($userA, self::serverUsers());
        $pinned = $this->setting($w, 'retired_mesh_id:server:' . (int) $ids['server']);
        self::assertIsString($pinned);
        $names = array_column(self::connector()->devices(self::goodSettings(), $pinned), 'name');
        self::assertContains($this->agent->nodeName(), $names, 'the device is in the pinned retired-agents group');
        self::assertContains($pinned, $this->retiredGroups());
        self::assertLessThanOrEqual(count($retiredBefore) + 1, count($this->retiredGroups()), 'at most one retired-agents group made');
        foreach ([$suspended, $failed] as $id) {
            $key = $this->rows($w)[$id]['service_key'];
            self::assertSame('success', $runner->terminate($id));
            self::assertSame([], self::groupsMarkedFor($key));
        }
        self::assertSame('Terminated', $w->serviceRow($active)['domainstatus']);
        self::assertSame([], $w->moduleLog(), 'module debug logging stays off unless an admin turns it on');
    }

    /** @return array<int, array<string, mixed>> mod_meshcentral_services by service id */
    private function rows(Whmcs $w): array
    {
        $rows = [];
        foreach ($w->db()->table('mod_meshcentral_services')->get() as $row) {
            $rows[(int) $row->service_id] = (array) $row;
        }
        return $rows;
    }

    private function setting(Whmcs $w, string $name): ?string
    {
        $value = $w->db()->table('mod_meshcentral_settings')->where('name', $name)->value('value');
        return is_string($value) ? $value : null;
    }

    /** @return list<string> ids of the retired-agents groups on the server */
    private function retiredGroups(): array
    {
        $ids = [];
        foreach (self::serverGroups() as $id => $g) {
            if (str_contains((string) ($g['desc'] ?? ''), '[meshcentral-connector retired')) {
                $ids[] = $id;
            }
        }
        return $ids;
    }

    private function waitOnline(string $meshId): void
    {
        $deadline = microtime(true) + 30;
        do {
            $online = array_filter(self::connector()->devices(self::goodSettings(), $meshId), static fn (array $d): bool => $d['online']);
        } while ($online === [] && microtime(true) < $deadline && usleep(200_000) === null);
        self::assertCount(1, $online, "the agent came online\n" . $this->agent?->log());
    }
}
