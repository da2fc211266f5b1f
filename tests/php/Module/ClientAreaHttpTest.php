<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\LocalServices;
use MeshCentralConnector\Tests\Whmcs\HttpClient;
use MeshCentralConnector\WhmcsEmulator\WebServer;

/**
 * The client area as a client's browser gets it from the emulated WHMCS (php -S, the installed release copy):
 * SSO button and redirect, installer links of the client's own group, invite link button, errors short and safe.
 */
final class ClientAreaHttpTest extends ModuleTestCase
{
    private static ?WebServer $web = null;

    public static function tearDownAfterClass(): void
    {
        self::$web?->stop();
        self::$web = null;
        parent::tearDownAfterClass();
    }

    private static function web(): WebServer
    {
        return self::$web ??= WebServer::start(self::whmcs(), [
            'MESHCONNECTOR_LIBWASMER' => (string) getenv('MESHCONNECTOR_LIBWASMER'),
            'MESHCONNECTOR_CACHE_DIR' => sys_get_temp_dir() . '/meshconnector-test-cache',
        ], ['ffi.enable=1']);
    }

    public function testOverviewSsoAndInviteLinkInBothThemes(): void
    {
        ['client' => $client, 'service' => $id] = self::order(self::addProduct([6 => 'windows_x64,linux_x64']));
        self::assertSame('success', self::whmcs()->modules()->create($id));
        $meshId = self::stored($id)['mesh_id'];
        $suffix = substr($meshId, strlen('mesh//'));
        $http = new HttpClient(self::web()->baseUrl());
        $http->get('login.php?clientid=' . $client);

        foreach (['six', 'twenty-one'] as $theme) {
            $page = $http->get("clientarea.php?action=productdetails&id=$id&systpl=$theme");
            self::assertSame(200, $page['status'], $theme);
            $html = $page['body'];
            self::assertStringContainsString('id="meshcentral-sso"', $html);
            self::assertStringContainsString('No devices yet', $html);
            self::assertSame(2, substr_count($html, 'class="meshcentral-installer"'), 'only the product\'s installers');
            self::assertStringContainsString('meshid=' . htmlspecialchars(rawurlencode($suffix)), $html, 'links of this group');
            self::assertStringContainsString($theme === 'six' ? 'btn btn-default' : 'btn btn-outline-secondary', $html);
            foreach ([self::server()->loginTokenKey(), self::server()->adminPassword()] as $secret) {
                self::assertStringNotContainsString($secret, $html);
            }
        }

        self::assertSame(1, preg_match('/name="token" value="([^"]+)"/', $html, $m));
        $post = $http->post("clientarea.php?action=productdetails&id=$id&modop=custom&a=InviteLink", ['token' => html_entity_decode($m[1])]);
        self::assertContains($post['status'], [200, 302]);
        $after = $http->get("clientarea.php?action=productdetails&id=$id")['body'];
        self::assertSame(1, preg_match('~id="meshcentral-invite"[^>]*>([^<]+)<~', $after, $inv), 'the new invite link is shown');
        self::assertStringContainsString('/agentinvite?c=', html_entity_decode($inv[1]));

        $sso = $http->get("clientarea.php?action=productdetails&id=$id&dosinglesignon=1");
        self::assertSame(302, $sso['status']);
        self::assertStringStartsWith(self::server()->httpsUrl() . '/?login=', $sso['headers']['location']);
        self::assertStringNotContainsString('- Login</title>', $this->fetch($sso['headers']['location']), 'MeshCentral accepts it');

        self::assertSame('success', self::whmcs()->modules()->terminate($id));
        self::assertStringNotContainsString(self::server()->loginTokenKey(), self::whmcs()->phpErrors());
    }

    public function testAnUnreachableServerShowsAShortSafeMessage(): void
    {
        ['client' => $client, 'service' => $id] = self::order(self::addProduct());
        self::assertSame('success', self::whmcs()->modules()->create($id));
        $port = LocalServices::closedPort();
        $down = self::addServer(['port' => $port]);
        self::whmcs()->updateService($id, ['server' => $down]);

        $http = new HttpClient(self::web()->baseUrl());
        $http->get('login.php?clientid=' . $client);
        $html = $http->get("clientarea.php?action=productdetails&id=$id")['body'];
        self::assertStringContainsString('Remote management is unavailable right now', $html);
        self::assertStringNotContainsString('cannot reach', $html, 'details go to the module log, not to the client');
        self::assertStringNotContainsString((string) $port, $html);
        self::assertStringContainsString('cannot reach MeshCentral', json_encode(self::whmcs()->moduleLog()), 'the cause is logged');

        self::whmcs()->updateService($id, ['server' => self::serverId()]);
        self::assertSame('success', self::whmcs()->modules()->terminate($id));
    }
}
