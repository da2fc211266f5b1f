<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\EndToEnd;

use MeshCentralConnector\Exception\AuthenticationException;
use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Exception\InvalidSettingsException;
use MeshCentralConnector\Exception\ServerException;
use MeshCentralConnector\Tests\Support\ControlChannel;
use MeshCentralConnector\Tests\Support\LocalServices;

/**
 * Test connection through PHP + the real .wasm against a real MeshCentral on 127.0.0.1: the good cases and each
 * distinct failure.
 */
final class TestConnectionTest extends ConnectorTestCase
{
    public function testPasswordAndKeyBothLogInAndRightsAreReported(): void
    {
        $report = self::connector()->testConnection(self::goodSettings());
        self::assertSame(['password', 'login token key'], $report['auth_methods']);
        self::assertSame('127.0.0.1', $report['server_name']);
        self::assertSame('1.1.55', $report['server_version']);
        self::assertSame('user//' . self::server()->adminUser(), $report['user_id']);
        self::assertTrue($report['rights']['full_site_admin']);
        self::assertTrue($report['rights']['manage_all_device_groups']);
        self::assertTrue($report['rights']['ok']);
        self::assertSame([], $report['rights']['missing']);
        self::assertSame(strtolower(self::server()->webCertSha384()), strtolower((string) $report['tls_hash']));
    }

    public function testPasswordOnlyAndKeyOnly(): void
    {
        $c = self::connector();
        self::assertSame(['password'], $c->testConnection(['login_token_key' => null] + self::goodSettings())['auth_methods']);
        self::assertSame(['login token key'], $c->testConnection(['password' => null] + self::goodSettings())['auth_methods']);
    }

    public function testPinnedCertificateHashInsteadOfCaFile(): void
    {
        $settings = ['tls' => ['pin_sha384' => self::server()->webCertSha384()]] + self::goodSettings();
        self::assertTrue(self::connector()->testConnection($settings)['rights']['ok']);
    }

    public function testAccountWithoutAdminRightsIsReportedAsMissingRights(): void
    {
        $s = self::server();
        $user = 'plain' . bin2hex(random_bytes(3));
        $pass = 'Pw-' . bin2hex(random_bytes(8));
        $s->meshctrl(['adduser', '--user', $user, '--pass', $pass]);
        $report = self::connector()->testConnection(['username' => $user, 'password' => $pass, 'login_token_key' => null] + self::goodSettings());
        self::assertFalse($report['rights']['ok']);
        self::assertFalse($report['rights']['full_site_admin']);
        self::assertFalse($report['rights']['manage_all_device_groups']);
        self::assertCount(2, $report['rights']['missing']);
    }

    /** @return array<string, array{0: array<string, mixed>, 1: string, 2: string, 3: string}> */
    public static function failures(): array
    {
        return [
            'wrong password' => [['password' => 'not-the-password'], AuthenticationException::class, 'wrong_password', 'rejected the password'],
            'wrong key' => [['login_token_key' => str_repeat('ab', 80)], AuthenticationException::class, 'wrong_key', 'key is wrong'],
            'unknown user' => [['username' => 'no-such-user'], AuthenticationException::class, 'unknown_user', "no user 'no-such-user'"],
            'password only, refused' => [['password' => 'nope', 'login_token_key' => null], AuthenticationException::class, 'auth_rejected', 'by password'],
            'untrusted certificate' => [['tls' => []], ServerException::class, 'tls', 'could not be verified'],
            'pin mismatch' => [['tls' => ['pin_sha384' => str_repeat('a', 96)]], ServerException::class, 'tls', 'does not match the pinned'],
            'bad URL' => [['url' => 'ftp://127.0.0.1'], InvalidSettingsException::class, 'invalid_input', 'https://'],
            'bad key format' => [['login_token_key' => 'xyz'], InvalidSettingsException::class, 'invalid_input', '160 hex'],
        ];
    }

    /**
     * @dataProvider failures
     * @param array<string, mixed> $override
     */
    public function testEachFailureIsDistinct(array $override, string $class, string $kind, string $needle): void
    {
        try {
            self::connector()->testConnection($override + self::goodSettings());
            self::fail('expected ' . $kind);
        } catch (ConnectorException $e) {
            self::assertInstanceOf($class, $e);
            self::assertSame($kind, $e->kind);
            self::assertStringContainsString($needle, $e->getMessage());
        }
    }

    public function testServerDown(): void
    {
        $port = LocalServices::closedPort();
        $e = $this->failure(['url' => "https://127.0.0.1:$port"]);
        self::assertSame('unreachable', $e->kind);
        self::assertStringContainsString("127.0.0.1:$port", $e->getMessage());
    }

    public function testServerThatNeverAnswersTimesOut(): void
    {
        $listener = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        self::assertNotFalse($listener);
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($listener, false), ':'), 1);
        $t = microtime(true);
        $e = $this->failure(['url' => "https://127.0.0.1:$port", 'timeout_ms' => 1000]);
        $elapsed = microtime(true) - $t;
        fclose($listener);
        self::assertSame('timeout', $e->kind);
        self::assertLessThan(5.0, $elapsed, 'the timeout bounds the wait');
    }

    public function testAWebServerThatIsNotMeshCentral(): void
    {
        $e = LocalServices::withPlainWebServer(fn (int $port): ConnectorException => $this->failure(['url' => "http://127.0.0.1:$port"]));
        self::assertSame('not_meshcentral', $e->kind);
    }

    public function testAMeshCentralLoginTokenWorksAsTheAccount(): void
    {
        // A login token ("~t:<name>" + password, MeshCentral's account menu) made by the admin, as an admin would.
        $url = self::connector()->loginUrl(self::server()->httpsUrl(), self::server()->loginTokenKey(), self::server()->adminUser(), 60)['url'];
        parse_str((string) parse_url($url, PHP_URL_QUERY), $q);
        $admin = ControlChannel::withCookie(self::server(), (string) $q['login']);
        self::assertInstanceOf(ControlChannel::class, $admin);
        $token = $admin->request(['action' => 'createLoginToken', 'name' => 'whmcs-' . bin2hex(random_bytes(3)), 'expire' => 0], 'createLoginToken');
        $admin->close();
        self::assertIsArray($token);
        self::assertStringStartsWith('~t:', $token['tokenUser']);

        $report = self::connector()->testConnection(['username' => $token['tokenUser'], 'password' => $token['tokenPass'], 'login_token_key' => null] + self::goodSettings());
        self::assertSame('user//' . self::server()->adminUser(), $report['user_id'], 'the token acts as its owner');
        self::assertSame(['password'], $report['auth_methods']);
        self::assertTrue($report['rights']['ok']);

        $e = $this->failure(['username' => $token['tokenUser'], 'password' => null]);
        self::assertInstanceOf(InvalidSettingsException::class, $e);
    }

    /** @param array<string, mixed> $override */
    private function failure(array $override): ConnectorException
    {
        try {
            self::connector()->testConnection($override + self::goodSettings());
        } catch (ConnectorException $e) {
            return $e;
        }
        self::fail('expected a failure');
    }
}
