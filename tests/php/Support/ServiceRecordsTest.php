<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\ProvisionOptions;
use PHPUnit\Framework\TestCase;

/**
 * Service records written into MeshCentral's database (for bench/scale.php) are served by the real server as services
 * the connector made: its session lists them all, MeshCentral's own CLI sees the groups, a clone's customer logs in
 * by cookie and sees only its group, and the lifecycle acts on a clone as on a provisioned service.
 */
final class ServiceRecordsTest extends TestCase
{
    private const CLONES = 30;

    public function testClonedServicesAreServedAsTheConnectorsOwn(): void
    {
        $mc = MeshCentralServer::start();
        try {
            $connector = Connector::load(dirname(__DIR__, 3) . '/build/meshcentral_connector.wasm', new ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache'));
            $settings = static fn (MeshCentralServer $mc): array => [
                'url' => $mc->httpsUrl(), 'username' => $mc->adminUser(), 'password' => $mc->adminPassword(),
                'login_token_key' => $mc->loginTokenKey(), 'tls' => ['ca_file' => $mc->caFile()], 'timeout_ms' => 10000,
            ];
            $made = $connector->provision($settings($mc), ['key' => 'rec-0'], new ProvisionOptions(groupNameTemplate: 'Records {n}', preset: 'remote_only', vars: ['n' => 0], email: 'r@example.com', realname: 'Rec Zero'));
            ServiceRecords::waitForService($mc->dataDir(), $made['mesh_id'], $made['user_id']);
            $clones = [];
            $mc = $mc->restart(static function (string $dir) use ($made, &$clones): void {
                $clones = ServiceRecords::append($dir, ServiceRecords::template($dir, $made['mesh_id'], $made['user_id']), 'rec-', 1, self::CLONES);
            });

            $accounts = $connector->listAccounts($settings($mc), 'rec-');
            self::assertCount(self::CLONES + 1, $accounts);
            $byKey = array_column($accounts, null, 'service_key');
            foreach ($clones as $clone) {
                $account = $byKey[$clone['key']] ?? null;
                self::assertIsArray($account, $clone['key']);
                self::assertSame([$clone['mesh_id'], $clone['username'], true, false, 'remote_only'], [$account['mesh_id'], $account['username'], $account['user_exists'], $account['locked'], $account['preset']]);
            }
            $groups = json_decode($mc->meshctrl(['listdevicegroups', '--json']), true);
            self::assertCount(self::CLONES + 1, $groups, 'MeshCentral\'s CLI lists every group');

            $clone = $clones[7];
            $sso = $connector->loginUrl($mc->httpsUrl(), $mc->loginTokenKey(), $clone['username'], 60);
            $channel = ControlChannel::withCookie($mc, (string) LoginCookie::fromUrl($sso['url'], 'login'));
            self::assertInstanceOf(ControlChannel::class, $channel, 'the customer logs in by cookie');
            $meshes = $channel->request(['action' => 'meshes', 'tag' => 't'], 'meshes');
            $channel->close();
            self::assertSame([$clone['mesh_id']], array_column((array) ($meshes['meshes'] ?? []), '_id'));
            self::assertSame([$clone['mesh_id']], array_keys((array) $channel->userinfo['links']));

            $service = ['key' => $clone['key'], 'username' => $clone['username'], 'mesh_id' => $clone['mesh_id']];
            self::assertTrue($connector->suspend($settings($mc), $service)['locked']);
            $gone = $connector->terminate($settings($mc), $service);
            self::assertTrue($gone['deleted_user']);
            self::assertTrue($gone['deleted_group']);
            self::assertCount(self::CLONES, $connector->listAccounts($settings($mc), 'rec-'));
        } finally {
            $mc->stop();
        }
    }
}
