<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\EndToEnd;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\Exception\InvalidSettingsException;

/**
 * The SSO URL minted by the Wasm core is accepted by the real MeshCentral on `/?login=`, logs the browser in as that
 * user, and is refused on second use and after its lifetime.
 */
final class SingleSignOnTest extends ConnectorTestCase
{
    private static string $user = '';

    public static function setUpBeforeClass(): void
    {
        self::$user = 'sso' . bin2hex(random_bytes(4));
        self::server()->meshctrl(['adduser', '--user', self::$user, '--pass', 'Sso-Pass-' . bin2hex(random_bytes(6))]);
    }

    public function testUrlLogsInOnceAsThatUser(): void
    {
        $url = self::connector()->loginUrl(self::server()->httpsUrl(), self::server()->loginTokenKey(), self::$user, 60);
        self::assertStringStartsWith(self::server()->httpsUrl() . '/?login=', $url['url']);
        self::assertEqualsWithDelta(time() * 1000 + 60_000, $url['expires_at_ms'], 2_000);

        $first = $this->fetch($url['url']);
        self::assertStringNotContainsString('- Login</title>', $first, 'the app page is served, not the login page');
        // The app page embeds the logged-in user's name as URL-encoded JSON ({"name":"<user>",...}).
        self::assertStringContainsString(rawurlencode('{"name":"' . self::$user . '"'), $first, 'the page belongs to the SSO user');

        $second = $this->fetch($url['url']);
        self::assertStringContainsString('- Login</title>', $second, 'a single-use cookie is refused the second time');
    }

    public function testExpiredUrlIsRefused(): void
    {
        // A clock 40 s behind mints a cookie whose 10-second life is over by the server's clock (MeshCentral allows 30 s
        // of skew the other way only).
        $past = Connector::load(self::wasmPath(), new ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache', clock: static fn (): int => (time() - 40) * 1000));
        $expired = $past->loginUrl(self::server()->httpsUrl(), self::server()->loginTokenKey(), self::$user, 10);
        self::assertStringContainsString('- Login</title>', $this->fetch($expired['url']));
        // Same clock, lifetime long enough: accepted, so the refusal above is the expiry and nothing else.
        $valid = $past->loginUrl(self::server()->httpsUrl(), self::server()->loginTokenKey(), self::$user, 120);
        self::assertStringNotContainsString('- Login</title>', $this->fetch($valid['url']));
    }

    public function testWrongKeyGivesTheLoginPage(): void
    {
        $url = self::connector()->loginUrl(self::server()->httpsUrl(), str_repeat('cd', 80), self::$user, 60);
        self::assertStringContainsString('- Login</title>', $this->fetch($url['url']));
    }

    public function testDeepLinkToADevice(): void
    {
        $url = self::connector()->loginUrl('https://mc.example.test/', str_repeat('cd', 80), self::$user, 60, 'node//ab$c@d', 12);
        self::assertStringContainsString('&gotonode=ab%24c%40d&viewmode=12', $url['url']);
    }

    public function testInvalidInputIsRefusedBeforeAnythingIsMinted(): void
    {
        $c = self::connector();
        foreach (
            [
            ['ftp://x', str_repeat('cd', 80), 'u', 60, 'https://'],
            ['https://x', 'short', 'u', 60, '160 hex'],
            ['https://x', str_repeat('cd', 80), 'a b', 60, 'space'],
            ['https://x', str_repeat('cd', 80), 'u', 5, 'lifetime'],
            ] as [$base, $key, $user, $life, $needle]
        ) {
            try {
                $c->loginUrl($base, $key, $user, $life);
                self::fail("accepted $base/$user/$life");
            } catch (InvalidSettingsException $e) {
                self::assertStringContainsString($needle, $e->getMessage());
            }
        }
    }
}
