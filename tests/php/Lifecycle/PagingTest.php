<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Tests\EndToEnd\ConnectorTestCase;
use MeshCentralConnector\Tests\Support\ControlChannel;
use MeshCentralConnector\Tests\Support\DeviceRecords;
use MeshCentralConnector\Tests\Support\MeshCentralServer;

/**
 * A MeshCentral of its own whose domain sets `maxDeviceView` 5, so every `nodes` reply holds at most 5 devices: the
 * device list, usage, server sync and terminate must read (and move) every page, not the first 5. The devices are
 * records written into the server's database (DeviceRecords, one restart), so the pages are the real server's.
 * What the server holds is checked through an independent PHP control channel that pages `nodes` itself.
 */
final class PagingTest extends ConnectorTestCase
{
    private const PAGE = 5;
    private const BIG = 23;
    private const SMALL = 7;

    private static ?MeshCentralServer $paged = null;

    public static function tearDownAfterClass(): void
    {
        self::$paged?->stop();
        self::$paged = null;
        parent::tearDownAfterClass();
    }

    public function testEveryOperationReadsEveryPage(): void
    {
        $mc = MeshCentralServer::start(['domain' => ['maxDeviceView' => self::PAGE]]);
        self::$paged = $mc;
        $prefix = 'page' . bin2hex(random_bytes(3));
        $big = ['key' => $prefix . '-1'];
        $small = ['key' => $prefix . '-2'];
        $pBig = $this->provision($mc, $big);
        $pSmall = $this->provision($mc, $small);
        $mc = self::$paged = $mc->restart(static function (string $dir) use ($pBig, $pSmall, $prefix): void {
            DeviceRecords::append($dir, $pBig['mesh_id'], self::BIG, $prefix . 'a', DeviceRecords::linuxAgentShape($pBig['mesh_id']));
            DeviceRecords::append($dir, $pSmall['mesh_id'], self::SMALL, $prefix . 'b', DeviceRecords::linuxAgentShape($pSmall['mesh_id']));
        });
        $settings = self::settings($mc);

        // The server really pages: it says so at login, and its first page of the big group is 5 of 23.
        $admin = $this->adminChannel($mc);
        self::assertSame(self::PAGE, $admin->serverinfo['maxdeviceview'] ?? null);
        $first = $admin->request(['action' => 'nodes', 'meshid' => $pBig['mesh_id'], 'skip' => 0, 'limit' => 100, 'responseid' => 'p'], 'nodes');
        self::assertCount(self::PAGE, $first['nodes'][$pBig['mesh_id']] ?? []);
        self::assertSame(self::BIG, $first['totalcount'] ?? null);

        // The device list, as the administrator and as the customer: all 23, each once, each with its last connection.
        $names = array_map(static fn (int $i): string => sprintf('%sa-%04d', $prefix, $i), range(1, self::BIG));
        foreach ([null, $pBig['username']] as $viewAs) {
            $devices = self::connector()->devices($settings, $pBig['mesh_id'], $viewAs);
            $listed = array_column($devices, 'name');
            sort($listed);
            self::assertSame($names, $listed, 'view as ' . ($viewAs ?? 'admin'));
            self::assertCount(self::BIG, array_unique(array_column($devices, 'id')));
            self::assertNotContains(null, array_column($devices, 'last_seen_ms'), 'lastconnects per page');
        }

        // Usage and server sync count every page of the all-groups request (30 devices: 6 pages of 5).
        $usage = self::connector()->usage($settings, [$pBig['mesh_id'], $pSmall['mesh_id']]);
        self::assertSame(['devices' => self::BIG, 'online' => 0], $usage[$pBig['mesh_id']]);
        self::assertSame(['devices' => self::SMALL, 'online' => 0], $usage[$pSmall['mesh_id']]);
        $sync = self::connector()->listAccounts($settings, $prefix);
        self::assertSame([$big['key'], $small['key']], array_column($sync, 'service_key'));
        self::assertSame([self::BIG, self::SMALL], array_column($sync, 'devices'));

        // Terminate moves all 23 (five rounds of the first page, then an empty one) and deletes the group.
        $t = self::connector()->terminate($settings, $big + ['mesh_id' => $pBig['mesh_id'], 'username' => $pBig['username']]);
        self::assertSame([true, true, self::BIG, 0], [$t['deleted_user'], $t['deleted_group'], $t['retired_devices'], $t['uninstall_requested']]);
        $retired = (string) $t['retired_group'];
        $ids = array_column(self::connector()->devices($settings, $retired), 'id');
        $moved = $this->allNodeIds($admin, $retired);
        sort($moved);
        sort($ids);
        self::assertCount(self::BIG, $moved, 'the retired group holds every device, read page by page over the raw channel');
        self::assertSame($moved, $ids);
        self::assertSame([], $this->allNodeIds($admin, $pBig['mesh_id']), 'nothing left behind');
        $groups = json_decode($mc->meshctrl(['listdevicegroups', '--json']), true);
        self::assertNotContains($pBig['mesh_id'], array_column((array) $groups, '_id'), 'the group is deleted');
        self::assertSame(['devices' => self::SMALL, 'online' => 0], self::connector()->usage($settings, [$pSmall['mesh_id']])[$pSmall['mesh_id']], 'the other service keeps its devices');
        $admin->close();
    }

    /** @return array<string, mixed> */
    private static function settings(MeshCentralServer $mc): array
    {
        return [
            'url' => $mc->httpsUrl(),
            'username' => $mc->adminUser(),
            'password' => $mc->adminPassword(),
            'login_token_key' => $mc->loginTokenKey(),
            'tls' => ['ca_file' => $mc->caFile()],
            'timeout_ms' => 5000,
        ];
    }

    /** @param array{key: string} $service */
    private function provision(MeshCentralServer $mc, array $service): array
    {
        return self::connector()->provision(self::settings($mc), $service, new \MeshCentralConnector\ProvisionOptions(groupNameTemplate: 'Paging {service_id}', preset: 'full', vars: ['service_id' => $service['key']]));
    }

    /** The administrator's own control channel (PHP, not the core), logged in by a login token cookie. */
    private function adminChannel(MeshCentralServer $mc): ControlChannel
    {
        $url = self::connector()->loginUrl($mc->httpsUrl(), $mc->loginTokenKey(), $mc->adminUser(), 60)['url'];
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        $channel = ControlChannel::withCookie($mc, (string) $query['login']);
        self::assertInstanceOf(ControlChannel::class, $channel, 'admin login: ' . json_encode($channel));
        return $channel;
    }

    /** @return list<string> every device id of a group, paged by hand (skip/limit until a short page). */
    private function allNodeIds(ControlChannel $admin, string $meshId): array
    {
        $ids = [];
        for ($skip = 0; $skip < 1000; $skip += self::PAGE) {
            $reply = $admin->request(['action' => 'nodes', 'meshid' => $meshId, 'skip' => $skip, 'limit' => self::PAGE, 'responseid' => 'all' . $skip], 'nodes');
            self::assertIsArray($reply, 'nodes answered');
            $page = array_column((array) ($reply['nodes'][$meshId] ?? []), '_id');
            array_push($ids, ...$page);
            if (count($page) < self::PAGE) {
                break;
            }
        }
        return $ids;
    }
}
