<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\DeviceRecords;
use MeshCentralConnector\Tests\Support\LocalServices;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Support\ReleaseInstall;

/**
 * The cron's usage run with the release module in the emulator, against a real MeshCentral of its own (restarted
 * once with device records written into its database): devices reach usage billing (MetricProvider) and nothing
 * reaches tblhosting's megabyte fields; a broken stored group id is reported in the activity log (with module
 * logging off, as in a default WHMCS) while the other services are counted; one MeshCentral query serves UsageUpdate
 * and the metrics; the admin tab shows the stored figures when MeshCentral is down, quickly.
 */
final class UsageTest extends ModuleTestCase
{
    private static ?MeshCentralServer $mc = null;

    public static function tearDownAfterClass(): void
    {
        self::$mc?->stop();
        self::$mc = null;
        parent::tearDownAfterClass();
    }

    public function testCronRunCountsDevicesIntoMetricsAndReportsABrokenServiceWithoutStoppingTheOthers(): void
    {
        $w = self::whmcs();
        $runner = $w->modules();
        self::$mc = MeshCentralServer::start();
        $serverId = ReleaseInstall::addServer($w, self::$mc, ['name' => 'MeshCentral for usage']);
        $product = self::addProduct([1 => 'full', 4 => '5']);
        $ids = [];
        foreach (['devices', 'empty', 'broken'] as $name) {
            $ids[$name] = self::order($product, $serverId)['service'];
            self::assertSame('success', $runner->create($ids[$name]), $name);
            // Sentinels: the usage run must leave WHMCS's megabyte fields alone.
            $w->updateService($ids[$name], ['diskusage' => 7, 'disklimit' => 11, 'bwusage' => 13, 'bwlimit' => 17]);
        }
        $meshId = (string) self::stored($ids['devices'])['mesh_id'];
        $w->db()->table('mod_meshcentral_services')->where('service_id', $ids['broken'])->update(['mesh_id' => 'mesh//not a group id']);

        // Three device records in the first service's group, served by the real server after a restart.
        self::$mc = self::$mc->restart(static function (string $dir) use ($meshId): void {
            DeviceRecords::append($dir, $meshId, 3, 'usage', DeviceRecords::linuxAgentShape($meshId));
        });
        $w->db()->table('tblservers')->where('id', $serverId)->update(['port' => self::$mc->port()]);

        $w->setSetting('ModuleDebugMode', '');
        try {
            $run = $runner->cronUsage($serverId)[$serverId];
        } finally {
            $w->setSetting('ModuleDebugMode', 'on');
        }

        // UsageUpdate's outcome is surfaced: one service not counted.
        self::assertStringContainsString('1 of 3 services not counted', (string) $run['UsageUpdate']);
        self::assertStringContainsString('service ID ' . $ids['broken'], (string) $run['UsageUpdate']);
        // Usage billing: the two good services, by their MeshCentral user; the broken one has no usage (not 0).
        $tenant = static fn (string $n): string => (string) self::stored($ids[$n])['username'];
        self::assertSame([
            $tenant('devices') => ['devices' => 3.0, 'devices_online' => 0.0],
            $tenant('empty') => ['devices' => 0.0, 'devices_online' => 0.0],
        ], $run['MetricProvider']);
        self::assertSame(['devices' => 3.0, 'devices_online' => 0.0], $runner->metricUsage($ids['devices']));
        self::assertSame([], $runner->metricUsage($ids['broken']));
        // tblhosting's megabyte fields are untouched.
        foreach ($ids as $name => $id) {
            $row = $w->serviceRow($id);
            self::assertSame([7, 11, 13, 17], [(int) $row['diskusage'], (int) $row['disklimit'], (int) $row['bwusage'], (int) $row['bwlimit']], $name);
        }
        // The failure is in the activity log (module logging was off), naming the service and the bad id.
        $activity = implode("\n", array_column($w->activityLog(), 'description'));
        self::assertMatchesRegularExpression('~UsageUpdate: service not counted, service ID ' . $ids['broken'] . ':.*not a group id.*other services~', $activity);
        self::assertStringNotContainsString(self::$mc->adminPassword(), $activity);
        // The per-service figures are stored for the admin tab.
        self::assertSame(3, (int) self::stored($ids['devices'])['usage_devices']);
        self::assertNotNull(self::stored($ids['broken'])['usage_error']);

        // One MeshCentral query served UsageUpdate and the metrics of the run.
        $w->db()->table('tblmodulelog')->delete();
        $runner->cronUsage($serverId);
        $actions = array_map('strtolower', array_column($w->moduleLog(), 'action'));
        self::assertSame(1, count(array_keys($actions, 'usageupdate', true)), implode(', ', $actions));
        self::assertSame([], preg_grep('/^metricprovider/', $actions), implode(', ', $actions));

        // tenantUsage: one service, its own group only.
        $provider = $runner->metricProvider($serverId);
        $metrics = $provider->tenantUsage($tenant('devices'));
        self::assertSame(['devices' => 3.0, 'devices_online' => 0.0], array_combine(
            array_map(static fn ($m): string => $m->systemName(), $metrics),
            array_map(static fn ($m): float => $m->usage()->value(), $metrics)
        ));
        self::assertSame('Device', $metrics[0]->units()->perUnitName(1));

        // MeshCentral down (a closed port): the admin tab shows the stored figures, without waiting.
        $w->db()->table('tblservers')->where('id', $serverId)->update(['port' => LocalServices::closedPort()]);
        $t = microtime(true);
        $fields = $runner->adminServicesTabFields($ids['devices']);
        $elapsed = microtime(true) - $t;
        self::assertLessThan(3.0, $elapsed, 'the admin tab does not block on a server that is down');
        self::assertStringStartsWith('3 (0 online), counted ', $fields['Devices (last usage run)']);
        self::assertStringStartsWith('unavailable: ', $fields['Devices now']);
        fwrite(STDERR, sprintf("\nadmin tab with MeshCentral down: %.0f ms\n", $elapsed * 1000));

        // A cron run while it is down: surfaced, logged, the stored counts kept.
        $run = $runner->cronUsage($serverId)[$serverId];
        self::assertStringStartsWith('MeshCentral usage update failed', (string) $run['UsageUpdate']);
        self::assertSame([], $run['MetricProvider']);
        self::assertStringContainsString('UsageUpdate failed: server ID ' . $serverId . ': no service counted', implode("\n", array_column($w->activityLog(), 'description')));
        self::assertSame(3, (int) self::stored($ids['devices'])['usage_devices']);
        self::assertStringContainsString('could not reach MeshCentral', (string) self::stored($ids['devices'])['usage_error']);
    }
}
