<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\LocalServices;
use MeshCentralConnector\Tests\Whmcs\HttpClient;

/**
 * Which language the client reads, as WHMCS decides it: on client-area pages the session's language (the language
 * chooser, or the client's own language set at login), else the client's language, else the system default
 * (tblconfiguration `Language`), else English; a language the module ships no file for is English. Through the
 * emulated client area over HTTP and the action runner, with the installed release module.
 */
final class LanguageTest extends ModuleTestCase
{
    protected function tearDown(): void
    {
        self::whmcs()->setSetting('Language', 'english');
        parent::tearDown();
    }

    private static function loggedIn(int $client): HttpClient
    {
        $http = new HttpClient(self::web()->baseUrl());
        $http->get('login.php?clientid=' . $client);
        return $http;
    }

    /** A text of the module's language file, as the template prints it (escaped). */
    private static function text(string $language, string $key): string
    {
        $file = self::whmcs()->root() . '/modules/servers/meshcentral/lang/' . $language . '.php';
        $_LANG = [];
        include $file;
        self::assertArrayHasKey('meshcentral_' . $key, $_LANG);
        return htmlspecialchars($_LANG['meshcentral_' . $key], ENT_QUOTES, 'UTF-8');
    }

    public function testTheClientsOwnLanguageOnThePageInstallerLabelsAndPasswordError(): void
    {
        $w = self::whmcs();
        ['client' => $client, 'service' => $id] = self::order(self::addProduct([6 => 'linux_script,windows_x64']), null, ['language' => 'german']);
        self::assertSame('success', $w->modules()->create($id));
        $http = self::loggedIn($client);

        $page = $http->get("clientarea.php?action=productdetails&id=$id")['body'];
        foreach (['open', 'open_help', 'add_device', 'no_devices', 'invite_new', 'platform_linux_script', 'platform_windows_x64'] as $key) {
            self::assertStringContainsString(self::text('german', $key), $page, $key);
        }
        self::assertStringNotContainsString('Open MeshCentral', $page);
        self::assertStringNotContainsString('Linux install script', $page, 'the core\'s English label is replaced');

        // ChangePassword's error, shown to the client, in the client's language.
        $w->updateService($id, ['server' => self::addServer(['port' => LocalServices::closedPort()])]);
        self::assertSame(1, preg_match('/name="token" value="([^"]+)"/', $page, $m));
        $post = $http->post("clientarea.php?action=productdetails&id=$id", [
            'token' => html_entity_decode($m[1]), 'id' => (string) $id, 'modulechangepassword' => 'true',
            'newpw' => 'Client-Chosen-4417', 'confirmpw' => 'Client-Chosen-4417',
        ]);
        self::assertSame(1, preg_match('~id="alertChangePasswordFailed">([^<]*)<~', $post['body'], $alert));
        self::assertStringContainsString(self::text('german', 'temporarily_unavailable'), $alert[1], 'server down: the German text');

        $w->updateService($id, ['server' => self::serverId()]);
        self::assertSame('success', $w->modules()->terminate($id));
    }

    public function testTheSystemDefaultWhenTheClientHasNoLanguage(): void
    {
        $w = self::whmcs();
        $w->setSetting('Language', 'french');
        // Pending: the page and SSO refuse without any remote call, in French.
        ['client' => $client, 'service' => $id] = self::order(self::addProduct(), null, ['language' => '']);
        $http = self::loggedIn($client);
        self::assertStringContainsString(self::text('french', 'not_ready'), $http->get("clientarea.php?action=productdetails&id=$id")['body']);
        $sso = $http->get("clientarea.php?action=productdetails&id=$id&dosinglesignon=1");
        self::assertSame(200, $sso['status']);
        self::assertStringContainsString(self::text('french', 'error_sso'), $sso['body']);

        // The same default outside the client area (the action runner stands for admin area and cron).
        $w->setSetting('Language', 'portuguese-br');
        $area = $w->modules()->clientArea($id);
        self::assertIsArray($area);
        self::assertSame(html_entity_decode(self::text('portuguese-br', 'not_ready'), ENT_QUOTES), $area['templateVariables']['error']);
        self::assertContains('InviteLink', $w->modules()->clientAreaCustomButtons($id));
        self::assertArrayHasKey(html_entity_decode(self::text('portuguese-br', 'button_invite'), ENT_QUOTES), $w->modules()->clientAreaCustomButtons($id));
    }

    public function testTheSessionLanguageWinsInTheClientAreaAndUnknownLanguagesAreEnglish(): void
    {
        $w = self::whmcs();
        ['client' => $client, 'service' => $id] = self::order(self::addProduct(), null, ['language' => 'german']);
        $http = self::loggedIn($client);
        $url = "clientarea.php?action=productdetails&id=$id";
        self::assertStringContainsString(self::text('german', 'not_ready'), $http->get($url)['body'], 'set at login from the client');
        self::assertStringContainsString(self::text('dutch', 'not_ready'), $http->get($url . '&language=dutch')['body'], 'the language chooser');
        self::assertStringContainsString(self::text('dutch', 'not_ready'), $http->get($url)['body'], 'kept in the session');
        self::assertStringContainsString(self::text('dutch', 'not_ready'), $http->get($url . '&language=klingon')['body'], 'not a WHMCS language: ignored');
        self::assertStringContainsString(self::text('spanish', 'not_ready'), $http->get($url . '&language=Spanish')['body']);
        self::assertStringContainsString(self::text('italian', 'not_ready'), $http->get($url . '&language=italian')['body']);
        // A WHMCS language the module has no file for: English.
        self::assertStringContainsString(self::text('english', 'not_ready'), $http->get($url . '&language=swedish')['body']);

        // Outside the client area the session plays no part: the client's language, or English for one without a file.
        $area = $w->modules()->clientArea($id);
        self::assertSame(html_entity_decode(self::text('german', 'not_ready'), ENT_QUOTES), $area['templateVariables']['error']);
        $w->db()->table('tblclients')->where('id', $client)->update(['language' => 'turkish']);
        $area = $w->modules()->clientArea($id);
        self::assertSame(html_entity_decode(self::text('english', 'not_ready'), ENT_QUOTES), $area['templateVariables']['error']);
    }
}
