<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\EndToEnd;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\Tests\Support\ControlChannel;
use MeshCentralConnector\Tests\Support\LoginCookie;

/**
 * The control-channel URL carries a login cookie (`?auth=`) and may end up in a proxy's access log. It must be
 * short-lived and single-use: a replay of a URL the connector used is refused by the real server.
 */
final class ControlCookieTest extends ConnectorTestCase
{
    public function testAControlUrlTheConnectorUsedCannotBeReplayed(): void
    {
        $opened = [];
        $hook = static function (string $event, string $data) use (&$opened): void {
            if ($event === 'open') {
                $opened[] = $data;
            }
        };
        $connector = Connector::load(self::wasmPath(), new ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache', transportHook: $hook));
        self::assertSame([], $connector->listAccounts(self::goodSettings(), 'no-such-prefix'));
        self::assertCount(1, $opened, 'one session');
        $cookie = LoginCookie::fromUrl($opened[0], 'auth');
        self::assertIsString($cookie, 'logged in by login token cookie');

        $payload = LoginCookie::open(self::server()->loginTokenKey(), $cookie);
        self::assertIsArray($payload);
        self::assertSame('user//' . self::server()->adminUser(), $payload['u']);
        self::assertSame(3, $payload['a']);
        self::assertEqualsWithDelta(time(), $payload['time'], 60);
        self::assertEquals(2, $payload['expire'], 'minutes');
        self::assertMatchesRegularExpression('/^[0-9a-f]{32}$/', (string) $payload['once']);

        $replay = ControlChannel::withCookie(self::server(), $cookie);
        self::assertIsArray($replay, 'the replayed cookie must not log in');
        self::assertSame('close', $replay['action'] ?? null);
        self::assertSame('noauth', $replay['cause'] ?? null);
    }
}
