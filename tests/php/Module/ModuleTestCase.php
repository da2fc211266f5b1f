<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Lifecycle\ServiceTestCase;
use MeshCentralConnector\Tests\Support\ReleaseInstall;
use MeshCentralConnector\WhmcsEmulator\WebServer;
use MeshCentralConnector\WhmcsEmulator\Whmcs;

require_once dirname(__DIR__, 3) . '/whmcs-emulator/autoload.php';

/**
 * The module as WHMCS runs it: the release zip (dist/, built by scripts/build-release.sh) unpacked into an emulated
 * WHMCS root, driven through the emulator's action runner and client area, against the real MeshCentral. One WHMCS
 * root per PHP process (PHP cannot unload the module's functions).
 */
abstract class ModuleTestCase extends ServiceTestCase
{
    private static ?Whmcs $whmcs = null;
    private static int $serverId = 0;
    /** The emulated WHMCS's web server of the current test class (client area over HTTP), stopped after the class. */
    private static ?WebServer $web = null;

    /** After every module test class: nothing secret anywhere in WHMCS's module log of this process. */
    public static function tearDownAfterClass(): void
    {
        self::$web?->stop();
        self::$web = null;
        if (self::$whmcs !== null) {
            $s = self::server();
            self::assertModuleLogHasNo($s->adminPassword(), $s->loginTokenKey());
            $log = json_encode(self::$whmcs->moduleLog(), JSON_UNESCAPED_SLASHES);
            self::assertDoesNotMatchRegularExpression('~[?&](login|auth)=[^*&"\s]~', (string) $log, 'no SSO cookie in the module log');
        }
        parent::tearDownAfterClass();
    }

    protected static function whmcs(): Whmcs
    {
        if (self::$whmcs === null) {
            $root = sys_get_temp_dir() . '/meshconnector-whmcs-' . getmypid() . '-' . bin2hex(random_bytes(3));
            $whmcs = Whmcs::create($root);
            // Module debug logging is off in a new WHMCS; these tests read the module log (every class's teardown
            // checks it for secrets), so they turn it on as an admin would.
            $whmcs->setSetting('ModuleDebugMode', 'on');
            self::unpackRelease($root);
            putenv('MESHCONNECTOR_CACHE_DIR=' . sys_get_temp_dir() . '/meshconnector-test-cache');
            self::$whmcs = $whmcs;
            self::$serverId = self::addServer();
        }
        self::$whmcs->activate();
        return self::$whmcs;
    }

    /** The client area over HTTP (php -S with the module's backend settings), started once per test class. */
    protected static function web(): WebServer
    {
        return self::$web ??= WebServer::start(self::whmcs(), [
            'MESHCONNECTOR_LIBWASMER' => (string) getenv('MESHCONNECTOR_LIBWASMER'),
            'MESHCONNECTOR_CACHE_DIR' => sys_get_temp_dir() . '/meshconnector-test-cache',
        ], ['ffi.enable=1']);
    }

    protected static function unpackRelease(string $root): void
    {
        self::assertFileExists(ReleaseInstall::unpackInto($root) . '/meshcentral.php');
    }

    /** The test server as a WHMCS server record (see ReleaseInstall::addServer), with columns overridden. */
    protected static function addServer(array $override = []): int
    {
        return ReleaseInstall::addServer(self::$whmcs ?? self::whmcs(), self::server(), $override);
    }

    protected static function serverId(): int
    {
        self::whmcs();
        return self::$serverId;
    }

    /** @param array<int, string> $options configoptionN values */
    protected static function addProduct(array $options = [], ?int $serverId = null): int
    {
        $fields = ['servertype' => 'meshcentral', 'name' => 'Remote management', 'type' => 'other'];
        foreach ($options + [1 => 'full', 2 => '{company} #{service_id}', 3 => '60', 4 => '0', 5 => '24', 6 => ''] as $n => $v) {
            $fields['configoption' . $n] = $v;
        }
        return self::whmcs()->addProduct($fields);
    }

    /** A client and a Pending service of `$productId` on the test server. @return array{client: int, service: int} */
    protected static function order(int $productId, ?int $serverId = null, array $client = []): array
    {
        $w = self::whmcs();
        $clientId = $w->addClient($client + ['firstname' => 'Ada', 'lastname' => 'Lovelace', 'companyname' => 'Analytical Ltd', 'email' => 'ada-' . bin2hex(random_bytes(3)) . '@example.com']);
        $serviceId = $w->addService(['userid' => $clientId, 'packageid' => $productId, 'server' => $serverId ?? self::serverId()]);
        return ['client' => $clientId, 'service' => $serviceId];
    }

    /** The module's stored identity of a service. */
    protected static function stored(int $serviceId): ?array
    {
        if (!self::whmcs()->db()->schema()->hasTable('mod_meshcentral_services')) {
            return null;
        }
        $row = self::whmcs()->db()->table('mod_meshcentral_services')->where('service_id', $serviceId)->first();
        return $row === null ? null : (array) $row;
    }

    /** The module's service key of a service (deterministic: `whmcs-<install tag>-<service id>`). */
    protected static function serviceKey(int $serviceId): string
    {
        $tag = self::whmcs()->db()->table('mod_meshcentral_settings')->where('name', 'install_tag')->value('value');
        self::assertIsString($tag, 'the install tag was made');
        return 'whmcs-' . $tag . '-' . $serviceId;
    }

    /** Every secret a test used must be absent from WHMCS's module log. */
    protected static function assertModuleLogHasNo(string ...$secrets): void
    {
        $log = json_encode(self::whmcs()->moduleLog(), JSON_UNESCAPED_SLASHES);
        self::assertIsString($log);
        self::assertNotSame('[]', $log, 'the module logged its calls');
        foreach ($secrets as $secret) {
            if ($secret !== '') {
                self::assertStringNotContainsString($secret, $log, 'a secret reached the module log');
            }
        }
    }
}
