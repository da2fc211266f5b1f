<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\LocalServices;
use MeshCentralConnector\Tests\Whmcs\HttpClient;

/**
 * What a client can reach (SSO, device list, installers, invite links, password change), through the emulated
 * client area over HTTP against the real MeshCentral: only a service that is Active and was provisioned by a
 * successful Create, as the account Create made; errors short for the client, details in WHMCS's activity log.
 */
final class ClientAccessTest extends ModuleTestCase
{
    private static function loggedIn(int $client): HttpClient
    {
        $http = new HttpClient(self::web()->baseUrl());
        $http->get('login.php?clientid=' . $client);
        return $http;
    }

    /** The client's SSO request: the redirect target, or null when the page was shown (with the error). */
    private static function sso(HttpClient $http, int $id, ?string &$body = null): ?string
    {
        $r = $http->get("clientarea.php?action=productdetails&id=$id&dosinglesignon=1");
        $body = $r['body'];
        return $r['status'] === 302 ? $r['headers']['location'] : null;
    }

    /** @return array<string, mixed> the MeshCentral login cookie of an SSO URL, decrypted (AES-256-GCM, iv|tag|ct) */
    private static function cookieOf(string $url): array
    {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $q);
        $raw = base64_decode(strtr((string) $q['login'], '@$', '+/'), true);
        self::assertIsString($raw);
        $key = substr((string) hex2bin(self::server()->loginTokenKey()), 0, 32);
        $plain = openssl_decrypt(substr($raw, 28), 'aes-256-gcm', $key, OPENSSL_RAW_DATA, substr($raw, 0, 12), substr($raw, 12, 16));
        self::assertIsString($plain, 'the cookie decrypts with the server\'s login token key');
        $cookie = json_decode($plain, true);
        self::assertIsArray($cookie);
        return $cookie;
    }

    private static function activity(): string
    {
        return (string) json_encode(self::whmcs()->activityLog(), JSON_UNESCAPED_SLASHES);
    }

    public function testSsoCookieNamesTheProvisionedUserAndIsShortLivedAndSingleUse(): void
    {
        ['client' => $client, 'service' => $id] = self::order(self::addProduct());
        self::assertSame('success', self::whmcs()->modules()->create($id));
        $username = (string) self::stored($id)['username'];
        $http = self::loggedIn($client);

        $url = self::sso($http, $id);
        self::assertNotNull($url);
        $cookie = self::cookieOf($url);
        self::assertSame('user//' . strtolower($username), $cookie['u']);
        self::assertSame(3, $cookie['a']);
        self::assertGreaterThan(0, $cookie['expire'], 'expire is set');
        self::assertLessThanOrEqual(1.0, $cookie['expire'], 'the product\'s 60 s, in minutes');
        self::assertIsString($cookie['once'], 'once is set: single use');
        self::assertNotSame('', $cookie['once']);
        self::assertEqualsWithDelta(time(), $cookie['time'], 30);
        self::assertNotSame($cookie['once'], self::cookieOf((string) self::sso($http, $id))['once'], 'a new nonce per link');

        // Staff rename the WHMCS username to another account's name: SSO still names the provisioned user.
        self::whmcs()->updateService($id, ['username' => self::server()->adminUser()]);
        self::assertSame('user//' . strtolower($username), self::cookieOf((string) self::sso($http, $id))['u']);

        self::assertSame('success', self::whmcs()->modules()->terminate($id));
        self::assertNull(self::sso($http, $id), 'no SSO after terminate');
    }

    public function testAPendingServiceNamedAfterTheConnectorsAdminGetsNoSso(): void
    {
        // The reproduction: a service whose username is the connector's own admin account; Create fails (the core
        // does not adopt an existing account), the service stays Pending.
        ['client' => $client, 'service' => $id] = self::order(self::addProduct());
        self::whmcs()->updateService($id, ['username' => self::server()->adminUser()]);
        self::assertNotSame('success', self::whmcs()->modules()->create($id));
        self::assertSame('Pending', self::whmcs()->serviceRow($id)['domainstatus']);
        self::assertNull(self::stored($id), 'nothing stored from the WHMCS username');

        $http = self::loggedIn($client);
        self::assertNull(self::sso($http, $id, $body), 'no redirect into MeshCentral');
        self::assertStringContainsString('sign-in is available once your service is active', $body);
        self::assertStringContainsString('ServiceSingleSignOn refused, service ID ' . $id . ': the service status is Pending', self::activity());

        // Staff mark it Active by hand (no successful Create): still refused.
        self::whmcs()->updateService($id, ['domainstatus' => 'Active']);
        self::assertNull(self::sso($http, $id, $body));
        self::assertStringContainsString('never provisioned by a successful Create', self::activity());
        self::assertStringNotContainsString('id="meshcentral-installers"', $http->get("clientarea.php?action=productdetails&id=$id")['body']);
        self::assertFalse(self::whmcs()->modules()->serviceSingleSignOn($id)['success'], 'the admin-area SSO of the service too');
    }

    public function testServicesThatAreNotActiveGetNoSsoDevicesOrInviteLinks(): void
    {
        ['client' => $client, 'service' => $id] = self::order(self::addProduct());
        self::assertSame('success', self::whmcs()->modules()->create($id));
        $http = self::loggedIn($client);
        $page = $http->get("clientarea.php?action=productdetails&id=$id")['body'];
        self::assertSame(1, preg_match('/name="token" value="([^"]+)"/', $page, $m));
        $token = html_entity_decode($m[1]);

        foreach (['Pending', 'Fraud', 'Completed', 'Suspended', 'Cancelled'] as $status) {
            self::whmcs()->updateService($id, ['domainstatus' => $status]);
            self::assertNull(self::sso($http, $id), "no SSO while $status");
            $page = $http->get("clientarea.php?action=productdetails&id=$id")['body'];
            self::assertStringNotContainsString('id="meshcentral-installers"', $page, $status);
            self::assertStringNotContainsString('id="meshcentral-sso"', $page, $status);
            self::assertStringContainsString('id="meshcentral-error"', $page, $status);
            $post = $http->post("clientarea.php?action=productdetails&id=$id&modop=custom&a=InviteLink", ['token' => $token]);
            self::assertStringContainsString('A new invitation link could not be created', $post['body'], $status);
            self::assertStringNotContainsString('status is', $post['body'], 'the reason is for staff only');
            self::assertNull(self::stored($id)['invite_url'], "no invite link while $status");
            self::assertStringContainsString("the service status is $status, not Active", self::activity());
        }

        self::whmcs()->updateService($id, ['domainstatus' => 'Active']);
        self::assertNotNull(self::sso($http, $id), 'Active again: SSO works');
        self::assertSame('success', self::whmcs()->modules()->terminate($id));
    }

    public function testStoredRowsWithoutAGroupIdOrNamingTheConnectorsAccountDoNotCount(): void
    {
        // A row an older release wrote on the first call (key + WHMCS username, no mesh_id): not provisioned.
        ['client' => $client, 'service' => $id] = self::order(self::addProduct());
        self::whmcs()->updateService($id, ['domainstatus' => 'Active', 'username' => self::server()->adminUser()]);
        $http = self::loggedIn($client);
        self::assertNull(self::sso($http, $id), 'no row: refused (and the module made its table)');
        self::whmcs()->db()->table('mod_meshcentral_services')->insert([
            'service_id' => $id, 'service_key' => 'whmcs-legacy-' . $id, 'username' => self::server()->adminUser(), 'mesh_id' => null,
        ]);
        self::assertNull(self::sso($http, $id));

        // Even with a group id, the connector's own account is never a customer's.
        self::whmcs()->db()->table('mod_meshcentral_services')->where('service_id', $id)->update(['mesh_id' => 'mesh//' . str_repeat('Q', 64)]);
        self::assertNull(self::sso($http, $id));
        self::assertStringContainsString("is the connector's own account", self::activity());

        // Hand-made rows must not reach later tests' usage runs.
        self::whmcs()->db()->table('mod_meshcentral_services')->where('service_id', $id)->delete();
        self::whmcs()->updateService($id, ['domainstatus' => 'Cancelled']);
    }

    public function testAFailingPasswordChangeShowsTheClientAShortTextAndStaffTheDetail(): void
    {
        ['client' => $client, 'service' => $id] = self::order(self::addProduct());
        self::assertSame('success', self::whmcs()->modules()->create($id));
        $port = LocalServices::closedPort();
        self::whmcs()->updateService($id, ['server' => self::addServer(['port' => $port])]);

        $http = self::loggedIn($client);
        $page = $http->get("clientarea.php?action=productdetails&id=$id")['body'];
        self::assertSame(1, preg_match('/name="token" value="([^"]+)"/', $page, $m));
        $post = $http->post("clientarea.php?action=productdetails&id=$id", [
            'token' => html_entity_decode($m[1]), 'id' => (string) $id, 'modulechangepassword' => 'true',
            'newpw' => 'Client-Chosen-8812', 'confirmpw' => 'Client-Chosen-8812',
        ]);
        self::assertSame(1, preg_match('~id="alertChangePasswordFailed">([^<]*)<~', $post['body'], $alert), 'the failure is shown');
        // The server is down (a closed port): the client is told so, briefly (the breaker's text).
        self::assertStringContainsString('temporarily unavailable', $alert[1]);
        foreach ([(string) $port, '127.0.0.1', self::server()->adminUser(), 'MeshCentral at'] as $detail) {
            self::assertStringNotContainsString($detail, $alert[1], 'no host, port or account for the client');
        }
        $activity = self::activity();
        self::assertStringContainsString('ChangePassword failed, service ID ' . $id, $activity);
        self::assertStringContainsString('cannot reach MeshCentral', $activity, 'staff get the cause');
        self::assertStringContainsString((string) $port, $activity);
        foreach (['Client-Chosen-8812', self::server()->adminPassword(), self::server()->loginTokenKey()] as $secret) {
            self::assertStringNotContainsString($secret, $activity, 'the activity log is masked');
        }

        // The same failure outside the client area (admin, cron) returns the detail itself.
        self::assertStringContainsString('cannot reach MeshCentral', self::whmcs()->modules()->changePassword($id, 'Admin-Chosen-7731'));

        self::whmcs()->updateService($id, ['server' => self::serverId()]);
        self::assertSame('success', self::whmcs()->modules()->terminate($id));
        self::assertModuleLogHasNo('Client-Chosen-8812', 'Admin-Chosen-7731');
    }
}
