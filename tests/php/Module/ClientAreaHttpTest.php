<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\DeviceRecords;
use MeshCentralConnector\Tests\Support\LocalServices;
use MeshCentralConnector\Tests\Support\MeshCentralServer;
use MeshCentralConnector\Tests\Whmcs\HttpClient;

/**
 * The client area as a client's browser gets it from the emulated WHMCS (php -S, the installed release copy):
 * SSO button and redirect, installer links of the client's own group, invite link button, errors short and safe;
 * WHMCS's own overview kept in every theme (Six, Twenty-One, Nexus, a child theme) with the module's block in it;
 * per-device Connect minting a deep link for the own group's device only; texts per service status.
 */
final class ClientAreaHttpTest extends ModuleTestCase
{
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
            self::assertStringContainsString('id="overviewNextDueDate"', $html, 'WHMCS\'s overview stays');
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
        self::assertStringContainsString('Remote management is temporarily unavailable', $html, 'a server that cannot be reached');
        self::assertStringNotContainsString('cannot reach', $html, 'details go to the module log, not to the client');
        self::assertStringNotContainsString((string) $port, $html);
        self::assertStringContainsString('cannot reach MeshCentral', json_encode(self::whmcs()->moduleLog()), 'the cause is logged');

        self::whmcs()->updateService($id, ['server' => self::serverId()]);
        self::assertSame('success', self::whmcs()->modules()->terminate($id));
    }

    private const HOSTILE = '<script>alert("mc")</script>\'"&';

    public function testWhmcsOverviewStaysInEveryThemeWithTheModuleBlockAndConnectOpensOnlyOwnDevices(): void
    {
        $w = self::whmcs();
        $product = self::addProduct([6 => 'windows_x64,linux_x64,linux_script']);
        ['client' => $client, 'service' => $id] = self::order($product);
        ['service' => $otherId] = self::order($product, null, ['firstname' => 'Mallory', 'lastname' => 'Other', 'companyname' => 'Other Ltd']);
        foreach ([$id, $otherId] as $service) {
            self::assertSame('success', $w->modules()->create($service));
        }
        $meshId = (string) self::stored($id)['mesh_id'];
        $otherMesh = (string) self::stored($otherId)['mesh_id'];
        $prefix = 'ca' . bin2hex(random_bytes(3));
        // One device record in each group (MeshCentral reads them at start), the own one with a hostile name.
        MeshCentralServer::restartShared(static function (string $dir) use ($meshId, $otherMesh, $prefix): void {
            DeviceRecords::append($dir, $meshId, 1, $prefix . 'mine', DeviceRecords::linuxAgentShape($meshId), self::HOSTILE);
            DeviceRecords::append($dir, $otherMesh, 1, $prefix . 'other', DeviceRecords::linuxAgentShape($otherMesh));
        });
        $devices = $this->devicesOf($meshId);
        $otherDevices = $this->devicesOf($otherMesh);
        self::assertCount(1, $devices);
        self::assertCount(1, $otherDevices);
        $mine = (string) $devices[0]['id'];
        self::assertSame(self::HOSTILE, $devices[0]['name']);
        $theirs = (string) $otherDevices[0]['id'];

        $w->addChildTheme('acme', 'six');
        $http = new HttpClient(self::web()->baseUrl());
        $http->get('login.php?clientid=' . $client);
        $expect = ['six' => 'six', 'twenty-one' => 'twenty-one', 'nexus' => 'nexus', 'acme' => 'six'];
        foreach ($expect as $theme => $family) {
            $html = $http->get("clientarea.php?action=productdetails&id=$id&systpl=$theme")['body'];
            self::assertStringContainsString('data-template="' . $theme . '"', $html, $theme);
            foreach (['serviceStatus', 'overviewRegDate', 'overviewNextDueDate', 'overviewRecurringAmount', 'overviewBillingCycle', 'overviewPaymentMethod', 'btnCancelRequest'] as $overview) {
                self::assertStringContainsString('id="' . $overview . '"', $html, "$theme: WHMCS's overview ($overview) stays");
            }
            self::assertSame(1, preg_match('~id="moduleClientArea">\s*(.*)$~s', $html, $m), "$theme: module output in WHMCS's Manage tab");
            self::assertStringContainsString('id="meshcentral-service" data-theme-family="' . $family . '"', $m[1], "$theme: $family markup");
            self::assertStringContainsString($family === 'six' ? 'panel panel-default' : 'card', $m[1], $theme);
            if ($family !== 'six') {
                self::assertStringContainsString('id="tabLinkMetrics"', $html, "$theme: the usage-billing tab stays");
            }
            self::assertStringContainsString('&lt;script&gt;alert(&quot;mc&quot;)&lt;/script&gt;&#039;&quot;&amp;', $html, "$theme: the name escaped");
            self::assertStringNotContainsString('<script>alert("mc")', $html, $theme);
            foreach (['desktop', 'terminal', 'files'] as $mode) {
                self::assertStringContainsString('meshcentral-connect-' . $mode, $html, "$theme: $mode offered by the full preset");
            }
            self::assertSame(2, substr_count($html, 'class="meshcentral-command meshcentral-install-command"'), "$theme: linux_x64 and linux_script commands");
            self::assertStringContainsString('sudo ./meshagent -install</code>', $html);
            self::assertStringContainsString('class="' . ($family === 'six' ? 'btn btn-default btn-xs' : ($family === 'nexus' ? 'btn btn-default btn-sm' : 'btn btn-outline-secondary btn-sm')) . ' meshcentral-copy"', $html);
        }

        self::assertSame(1, preg_match('/name="token" value="([^"]+)"/', $html, $t));
        $token = html_entity_decode($t[1]);
        $connect = "clientarea.php?action=productdetails&id=$id&modop=custom&a=Connect";
        $page = $http->post($connect, ['token' => $token, 'node' => $mine, 'mode' => 'terminal']);
        self::assertSame(200, $page['status']);
        self::assertSame(1, preg_match('~<a href="([^"]+)"[^>]* id="meshcentral-connect-link"~', $page['body'], $l), 'a deep link');
        $url = html_entity_decode($l[1]);
        self::assertStringStartsWith(self::server()->httpsUrl() . '/?login=', $url);
        parse_str((string) parse_url($url, PHP_URL_QUERY), $q);
        self::assertSame(substr($mine, strlen('node//')), $q['gotonode']);
        self::assertSame('12', $q['viewmode']);
        self::assertStringContainsString('&lt;script&gt;', $page['body'], 'the device name on the page is escaped');
        self::assertStringNotContainsString('- Login</title>', $this->fetch($url), 'MeshCentral accepts the link');

        // Another group's device, a made-up id and a GET are refused; nothing is minted.
        foreach ([$theirs, 'node//' . str_repeat('A', 64)] as $node) {
            $refused = $http->post($connect, ['token' => $token, 'node' => $node, 'mode' => 'desktop'])['body'];
            self::assertStringContainsString('id="alertModuleCustomButtonFailed"', $refused);
            self::assertStringContainsString('This device cannot be opened from here', $refused);
            self::assertStringNotContainsString('?login=', $refused);
        }
        self::assertStringContainsString("is not in the service's group", json_encode(self::whmcs()->activityLog()));
        self::assertSame(403, $http->get($connect . '&node=' . rawurlencode($mine) . '&mode=desktop')['status']);

        // A view-only product offers the desktop only, and refuses the terminal even when asked.
        $w->db()->table('tblproducts')->where('id', $product)->update(['configoption1' => 'view_only']);
        $html = $http->get("clientarea.php?action=productdetails&id=$id&systpl=twenty-one")['body'];
        self::assertStringContainsString('meshcentral-connect-desktop', $html);
        self::assertStringNotContainsString('meshcentral-connect-terminal', $html);
        self::assertStringNotContainsString('meshcentral-connect-files', $html);
        $refused = $http->post($connect, ['token' => $token, 'node' => $mine, 'mode' => 'files'])['body'];
        self::assertStringContainsString('This device cannot be opened from here', $refused);
        $w->db()->table('tblproducts')->where('id', $product)->update(['configoption1' => 'full']);

        // The text per status, with WHMCS's overview still there.
        foreach (
            [
                'Pending' => 'is being set up', 'Suspended' => 'This service is suspended', 'Terminated' => 'no longer active',
                'Cancelled' => 'no longer active', 'Fraud' => 'This service is unavailable',
            ] as $status => $text
        ) {
            $w->updateService($id, ['domainstatus' => $status]);
            $html = $http->get("clientarea.php?action=productdetails&id=$id")['body'];
            self::assertSame(1, preg_match('~id="meshcentral-error">([^<]+)<~', $html, $e), $status);
            self::assertStringContainsString($text, $e[1], $status);
            self::assertStringContainsString('id="overviewNextDueDate"', $html, $status);
            self::assertStringNotContainsString('meshcentral-connect-', $html, $status);
            $refused = $http->post($connect, ['token' => $token, 'node' => $mine, 'mode' => 'desktop'])['body'];
            self::assertStringNotContainsString('?login=', $refused, "$status: no link");
        }
        $w->updateService($id, ['domainstatus' => 'Active']);
        foreach ([$id, $otherId] as $service) {
            self::assertSame('success', $w->modules()->terminate($service));
        }
    }

    /** @return list<array<string, mixed>> the group's devices as the core lists them (the connector's account) */
    private function devicesOf(string $meshId): array
    {
        return self::connector()->devices(self::goodSettings(), $meshId);
    }
}
