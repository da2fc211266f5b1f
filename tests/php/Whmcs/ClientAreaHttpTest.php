<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

use MeshCentralConnector\WhmcsEmulator\WebServer;

/** The client area over HTTP, served by PHP's built-in server from the emulated installation. */
final class ClientAreaHttpTest extends WhmcsTestCase
{
    private WebServer $server;
    private HttpClient $browser;
    /** @var array{client: int, server: int, product: int, service: int} */
    private array $ids;

    protected function setUp(): void
    {
        parent::setUp();
        $this->ids = $this->makeService([], ['domainstatus' => 'Active', 'username' => 'alice']);
        $this->server = WebServer::start($this->whmcs);
        $this->browser = new HttpClient($this->server->baseUrl());
    }

    protected function tearDown(): void
    {
        $this->server->stop();
        $errors = $this->whmcs->phpErrors();
        parent::tearDown();
        self::assertSame('', $errors, 'PHP errors in the web server');
    }

    private function login(int $clientId): void
    {
        $r = $this->browser->get('login.php?clientid=' . $clientId);
        self::assertSame(302, $r['status']);
    }

    private function details(int $serviceId, string $extra = ''): array
    {
        return $this->browser->get('clientarea.php?action=productdetails&id=' . $serviceId . $extra);
    }

    public function testNotLoggedInRedirectsToLogin(): void
    {
        $r = $this->details($this->ids['service']);

        self::assertSame(302, $r['status']);
        self::assertStringStartsWith('login.php?goto=', $r['headers']['location']);
    }

    public function testTheOwnServiceRendersTheModuleReplacementTemplateInBothThemes(): void
    {
        $this->login($this->ids['client']);

        $r = $this->details($this->ids['service'], '&systpl=six');
        self::assertSame(200, $r['status']);
        self::assertStringContainsString('data-template="six"', $r['body']);
        self::assertStringContainsString('/templates/six/css/bootstrap.min.css', $r['body']);
        self::assertStringContainsString('<span id="theme">six</span>', $r['body']);
        self::assertStringContainsString('data-source="module"', $r['body']);
        self::assertStringNotContainsString('id="productDetailsPanel"', $r['body'], 'the replacement takes the whole overview');
        self::assertStringContainsString('<span id="serviceId">' . $this->ids['service'] . '</span>', $r['body']);
        self::assertStringContainsString('<span id="idVar">' . $this->ids['service'] . '</span>', $r['body']);
        self::assertStringContainsString('<span id="clientEmail">ada@example.test</span>', $r['body']);
        self::assertStringContainsString('<span id="systemUrl">' . $this->server->baseUrl() . '</span>', $r['body']);
        self::assertStringContainsString('<span id="webRoot">[]</span>', $r['body']);
        self::assertStringContainsString('<span id="langString">Product Details</span>', $r['body']);
        self::assertStringContainsString('<span id="greeting">Hello Ada</span>', $r['body'], 'lib/ classes autoload');
        self::assertMatchesRegularExpression('#<span id="token">[0-9a-f]{40}</span>#', $r['body']);

        // The theme stays chosen for the session, as WHMCS's systpl does.
        $again = $this->details($this->ids['service']);
        self::assertStringContainsString('data-template="six"', $again['body']);

        $r = $this->details($this->ids['service'], '&systpl=twenty-one');
        self::assertStringContainsString('data-template="twenty-one"', $r['body']);
        self::assertStringContainsString('/templates/twenty-one/css/bootstrap.min.css', $r['body']);
        self::assertStringContainsString('<span id="theme">twenty-one</span>', $r['body']);
    }

    public function testSmartyDoesNotAutoEscape(): void
    {
        $this->login($this->ids['client']);

        $body = $this->details($this->ids['service'])['body'];

        self::assertStringContainsString('<span id="rawName"><script>alert("pwned")</script></span>', $body);
        self::assertStringContainsString('<span id="escapedName">&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;</span>', $body);
    }

    public function testAnotherClientsServiceIsRefused(): void
    {
        $mallory = $this->whmcs->addClient(['firstname' => 'Mallory']);
        $this->login($mallory);

        $r = $this->details($this->ids['service']);

        self::assertSame(302, $r['status']);
        self::assertSame('clientarea.php?action=products', $r['headers']['location']);
        self::assertStringNotContainsString('overviewReplacement', $r['body']);
        self::assertSame([], $GLOBALS['EMUTEST_CALLS']);
        self::assertSame(302, $this->details($this->ids['service'], '&dosinglesignon=1')['status'], 'nor signed in to');
        self::assertSame(302, $this->details(9999)['status']);
    }

    public function testASiteOverrideInTheThemeWinsOverTheModuleTemplate(): void
    {
        $overrideDir = $this->root . '/templates/twenty-one/modules/servers/emutest';
        mkdir($overrideDir, 0700, true);
        copy(__DIR__ . '/fixtures/overrides/twenty-one/overview.tpl', $overrideDir . '/overview.tpl');
        $this->login($this->ids['client']);

        $twentyOne = $this->details($this->ids['service'], '&systpl=twenty-one')['body'];
        $six = $this->details($this->ids['service'], '&systpl=six')['body'];

        self::assertStringContainsString('data-source="override"', $twentyOne);
        self::assertStringContainsString('Site override of the module template for twenty-one', $twentyOne);
        self::assertStringContainsString('data-source="module"', $six, 'the override belongs to its theme only');
    }

    public function testDoSingleSignOnRedirects(): void
    {
        $this->login($this->ids['client']);

        $r = $this->details($this->ids['service'], '&dosinglesignon=1');

        self::assertSame(302, $r['status']);
        self::assertSame('https://panel.example.test/sso?service=' . $this->ids['service'], $r['headers']['location']);
    }

    public function testAFailedSingleSignOnShowsTheErrorOnThePage(): void
    {
        $this->whmcs->db()->table('tblproducts')->where('id', $this->ids['product'])->update(['configoption2' => 'fail']);
        $this->login($this->ids['client']);

        $r = $this->details($this->ids['service'], '&dosinglesignon=1');

        self::assertSame(200, $r['status']);
        self::assertStringContainsString('id="alertSsoError"', $r['body']);
        self::assertStringContainsString('Panel is down &lt;b&gt;now&lt;/b&gt;', $r['body']);
    }

    public function testModuleOutputTemplateKeepsTheStandardOverview(): void
    {
        $this->whmcs->db()->table('tblproducts')->where('id', $this->ids['product'])->update(['configoption1' => 'output']);
        $this->login($this->ids['client']);

        $body = $this->details($this->ids['service'], '&systpl=six')['body'];

        self::assertStringContainsString('id="productDetailsPanel"', $body);
        self::assertStringContainsString('<div id="moduleOutputTemplate">Hello Ada on six</div>', $body);
    }

    public function testReplacementHidesTheWholeOverviewInEveryThemeAndChildThemesInheritTheirParent(): void
    {
        $this->whmcs->addChildTheme('brand', 'nexus');
        $products = $this->whmcs->db()->table('tblproducts')->where('id', $this->ids['product']);
        $this->login($this->ids['client']);
        foreach (['six' => 'six', 'twenty-one' => 'twenty-one', 'nexus' => 'nexus', 'brand' => 'nexus'] as $theme => $parent) {
            $products->update(['configoption1' => 'replace']);
            $replaced = $this->details($this->ids['service'], '&systpl=' . $theme)['body'];
            self::assertStringContainsString('data-template="' . $theme . '"', $replaced);
            self::assertStringContainsString('data-source="module"', $replaced, $theme);
            foreach (['productDetailsPanel', 'serviceStatus', 'overviewNextDueDate', 'overviewPaymentMethod', 'btnCancelRequest', 'productDetailsTabs'] as $gone) {
                self::assertStringNotContainsString('id="' . $gone . '"', $replaced, "$theme: the replacement hides $gone, as the real theme does");
            }

            $products->update(['configoption1' => 'output']);
            $kept = $this->details($this->ids['service'], '&systpl=' . $theme)['body'];
            foreach (['productDetailsPanel', 'overviewRegDate', 'overviewNextDueDate', 'overviewBillingCycle', 'overviewPaymentMethod'] as $shown) {
                self::assertStringContainsString('id="' . $shown . '"', $kept, "$theme: module output keeps $shown");
            }
            self::assertStringContainsString('id="moduleClientArea"><div id="moduleOutputTemplate">Hello Ada on ' . $theme . '</div>', $kept, "$theme: in the Manage tab");
            self::assertStringContainsString('/templates/' . $theme . '/css/bootstrap.min.css', $kept);
            self::assertSame(200, $this->browser->get('templates/' . $theme . '/css/bootstrap.min.css')['status'], "$theme: its parent's Bootstrap");
        }
        self::assertStringContainsString('Bootstrap v4', $this->browser->get('templates/brand/css/bootstrap.min.css')['body']);
        self::assertStringContainsString('Nexus', $this->browser->get('templates/brand/css/theme.css')['body'], 'a child gets its parent\'s theme files');
    }

    public function testTheOlderTemplatefileAndAStringReturn(): void
    {
        $products = $this->whmcs->db()->table('tblproducts')->where('id', $this->ids['product']);
        $this->login($this->ids['client']);

        $products->update(['configoption1' => 'legacy']);
        $legacy = $this->details($this->ids['service'])['body'];
        self::assertStringContainsString('<div id="legacyTemplate">Hello Ada / alice / legacy</div>', $legacy, 'module params reach the template');

        $products->update(['configoption1' => 'string']);
        self::assertStringContainsString('<p id="stringOutput">Plain HTML from the module</p>', $this->details($this->ids['service'])['body']);

        $products->update(['configoption1' => 'none']);
        $none = $this->details($this->ids['service'])['body'];
        self::assertStringContainsString('id="productDetailsPanel"', $none);
        self::assertStringNotContainsString('id="moduleClientArea"', $none);
    }

    public function testAClientCustomButtonNeedsAPostWithTheToken(): void
    {
        $this->login($this->ids['client']);
        preg_match('#<span id="token">([0-9a-f]{40})</span>#', $this->details($this->ids['service'])['body'], $m);
        $url = 'clientarea.php?action=productdetails&id=' . $this->ids['service'] . '&modop=custom&a=hello';

        self::assertSame(403, $this->browser->get($url)['status']);
        self::assertSame(403, $this->browser->post($url, ['token' => str_repeat('0', 40)])['status']);

        $ok = $this->browser->post($url, ['token' => $m[1]]);
        self::assertSame(200, $ok['status']);
        self::assertStringContainsString('id="alertModuleCustomButtonSuccess"', $ok['body']);

        $this->whmcs->db()->table('tblproducts')->where('id', $this->ids['product'])->update(['configoption3' => 'Device <offline>']);
        $failed = $this->browser->post($url, ['token' => $m[1]]);
        self::assertStringContainsString('Action Failed: Device &lt;offline&gt;', $failed['body']);

        $page = $this->browser->post(str_replace('a=hello', 'a=page', $url), ['token' => $m[1]]);
        self::assertStringContainsString('<div id="customPage">custom page <i>raw</i> for service ' . $this->ids['service'] . '</div>', $page['body']);

        self::assertSame(400, $this->browser->post(str_replace('a=hello', 'a=reboot', $url), ['token' => $m[1]])['status'], 'an admin-only button');
    }

    public function testBootstrapAndJqueryAreServedLocally(): void
    {
        $six = $this->browser->get('templates/six/css/bootstrap.min.css');
        $twentyOne = $this->browser->get('templates/twenty-one/css/bootstrap.min.css');

        self::assertSame(200, $six['status']);
        self::assertStringContainsString('text/css', $six['headers']['content-type']);
        self::assertMatchesRegularExpression('/Bootstrap v3\.4\.\d/', $six['body']);
        self::assertMatchesRegularExpression('/Bootstrap v4\.\d+\.\d/', $twentyOne['body']);
        self::assertSame(200, $this->browser->get('assets/js/jquery.min.js')['status']);
        self::assertSame(200, $this->browser->get('templates/twenty-one/js/bootstrap.bundle.min.js')['status']);
        self::assertSame(404, $this->browser->get('modules/servers/emutest/emutest.php')['status'], 'PHP is never served');
        self::assertSame(404, $this->browser->get('configuration.php')['status']);
        self::assertSame(404, $this->browser->get('templates/six/../../configuration.php')['status']);
    }

    public function testTheServicesList(): void
    {
        $this->login($this->ids['client']);

        $r = $this->browser->get('clientarea.php?action=products');

        self::assertSame(200, $r['status']);
        self::assertStringContainsString('clientarea.php?action=productdetails&amp;id=' . $this->ids['service'], $r['body']);
    }
}
