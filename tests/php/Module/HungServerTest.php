<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\HungServer;
use MeshCentralConnector\Tests\Whmcs\HttpClient;

/**
 * A MeshCentral that accepts connections and never answers, through the release zip in the emulated WHMCS: page-time
 * calls (client area over HTTP, the admin services tab) end within the page budget (2 s for everything, not 15 s per
 * step) with the "temporarily unavailable" text; the breaker then answers pages at once without connecting; after
 * the window one page tries again; lifecycle actions still try (with their own timeout) and a success closes it.
 */
final class HungServerTest extends ModuleTestCase
{
    private const UNAVAILABLE = 'Remote management is temporarily unavailable';
    /** Correctness bound of a page with a hung server: the 2 s budget, the close, PHP and WHMCS around it. */
    private const PAGE_BOUND_S = 3.5;

    /** @var list<HungServer> */
    private array $hung = [];

    protected function tearDown(): void
    {
        foreach ($this->hung as $h) {
            $h->stop();
        }
        $this->hung = [];
        parent::tearDown();
    }

    public function testAPageWithAHungServerEndsInTimeThenTheBreakerAnswersAtOnceThenOneTryThenLifecycleStillTries(): void
    {
        $hung = $this->hung('tcp');
        // timeout=3: the lifecycle actions' own (longer) per-step timeout, short here to keep the test short.
        ['client' => $client, 'service' => $id, 'server' => $serverId] = $this->serviceOn($hung, "\ntimeout=3");
        $http = new HttpClient(self::web()->baseUrl());
        $http->get('login.php?clientid=' . $client);
        $page = "clientarea.php?action=productdetails&id=$id";

        [$html, $first] = $this->timed(static fn (): string => $http->get($page)['body']);
        self::assertLessThan(self::PAGE_BOUND_S, $first, 'the first page waits the page budget, not 15 s per step');
        self::assertStringContainsString(self::UNAVAILABLE, $html);
        self::assertStringContainsString('id="overviewNextDueDate"', $html, "WHMCS's page is there");
        self::assertSame(1, $hung->connections(), 'one connection attempt');
        self::assertStringContainsString('did not answer in time', json_encode(self::whmcs()->activityLog()), 'staff read the cause');

        [$html, $second] = $this->timed(static fn (): string => $http->get($page)['body']);
        self::assertStringContainsString(self::UNAVAILABLE, $html);
        self::assertSame(1, $hung->connections(), 'while the breaker is open no page connects');
        self::assertLessThan(1.0, $second, 'and it does not wait');
        $tab = self::whmcs()->modules()->adminServicesTabFields($id);
        self::assertStringContainsString('not asked: MeshCentral at https://127.0.0.1:' . $hung->port . ' did not answer', $tab['Devices now']);
        self::assertSame(1, $hung->connections());

        // The window passes (the state file is moved back in time as 31 s would): one page tries again, then the
        // breaker is open again and the next page does not connect.
        $this->ageBreaker($hung, 31);
        [$html, $third] = $this->timed(static fn (): string => $http->get($page)['body']);
        self::assertLessThan(self::PAGE_BOUND_S, $third);
        self::assertStringContainsString(self::UNAVAILABLE, $html);
        self::assertSame(2, $hung->connections(), 'after the window one attempt');
        $http->get($page);
        self::assertSame(2, $hung->connections(), 'the failed try opened it again');

        // A lifecycle action is not blocked: it tries, with its own timeout (timeout=3 per step), and fails clearly.
        [$error, $suspend] = $this->timed(static fn (): string => self::whmcs()->modules()->suspend($id));
        self::assertSame(3, $hung->connections(), 'the suspend tried although the breaker is open');
        self::assertStringContainsString('did not answer in time', $error);
        self::assertGreaterThan(2.5, $suspend, 'with the lifecycle timeout, not the page budget');
        self::assertSame('Active', self::whmcs()->serviceRow($id)['domainstatus']);
        self::assertNotNull($serverId);
    }

    public function testATlsServerThatNeverGreetsIsBoundedTooAndTheAdminTabSaysWhy(): void
    {
        $hung = $this->hung('tls');
        ['client' => $client, 'service' => $id] = $this->serviceOn($hung, '', 'pin_sha384=' . $hung->pinSha384);
        $http = new HttpClient(self::web()->baseUrl());
        $http->get('login.php?clientid=' . $client);
        [$html, $first] = $this->timed(static fn (): string => $http->get("clientarea.php?action=productdetails&id=$id")['body']);
        self::assertLessThan(self::PAGE_BOUND_S, $first);
        self::assertStringContainsString(self::UNAVAILABLE, $html);
        self::assertSame(1, $hung->connections());
        self::assertStringContainsString('overall deadline', json_encode(self::whmcs()->moduleLog()), 'the login wait ran into the page budget');

        // A second client's page (German) within the window: the translated text, at once, no connection.
        self::whmcs()->db()->table('tblclients')->where('id', $client)->update(['language' => 'german']);
        $german = new HttpClient(self::web()->baseUrl());
        $german->get('login.php?clientid=' . $client);
        [$html, $fast] = $this->timed(static fn (): string => $german->get("clientarea.php?action=productdetails&id=$id")['body']);
        self::assertStringContainsString('Die Fernwartung ist vorübergehend nicht verfügbar', $html);
        self::assertLessThan(1.0, $fast);
        self::assertSame(1, $hung->connections());
    }

    public function testTheAdminTabWithAHungServerReturnsWithinTheBudget(): void
    {
        $hung = $this->hung('tcp');
        ['service' => $id] = $this->serviceOn($hung);
        [$tab, $t] = $this->timed(static fn (): array => self::whmcs()->modules()->adminServicesTabFields($id));
        self::assertLessThan(self::PAGE_BOUND_S, $t);
        self::assertStringContainsString('unavailable: MeshCentral did not answer in time', $tab['Devices now']);
        self::assertSame(1, $hung->connections());
    }

    public function testALifecycleSuccessClosesTheBreakerAndAPlantedStateCanOnlySayDown(): void
    {
        ['client' => $client, 'service' => $id] = self::order(self::addProduct());
        self::assertSame('success', self::whmcs()->modules()->create($id));
        $file = $this->breakerFile(self::server()->httpsUrl());
        $http = new HttpClient(self::web()->baseUrl());
        $http->get('login.php?clientid=' . $client);
        $page = "clientarea.php?action=productdetails&id=$id";

        // An open breaker for the real server (as a failure a moment ago would leave it): the page does not ask.
        $now = (int) (microtime(true) * 1000);
        $this->plant($file, ['kind' => 'timeout', 'since_ms' => $now - 1000, 'until_ms' => $now + 29_000]);
        self::assertStringContainsString(self::UNAVAILABLE, $http->get($page)['body']);
        // A lifecycle action is not blocked; its success closes the breaker, and the next page lists devices.
        self::assertSame('success', self::whmcs()->modules()->suspend($id));
        self::assertFileDoesNotExist($file);
        self::assertSame('success', self::whmcs()->modules()->unsuspend($id));
        self::assertStringContainsString('No devices yet', $http->get($page)['body']);

        // States this module never writes count as none: from the future, longer than a window, odd kinds, too big,
        // writable by others. The page then asks the (working) server as usual.
        $planted = [
            ['kind' => 'timeout', 'since_ms' => $now + 60_000, 'until_ms' => $now + 90_000],
            ['kind' => 'timeout', 'since_ms' => $now - 1000, 'until_ms' => $now + 86_400_000],
            ['kind' => 'wrong_password', 'since_ms' => $now - 1000, 'until_ms' => $now + 20_000],
            ['kind' => 'timeout', 'since_ms' => $now - 1000, 'until_ms' => $now + 20_000, 'pad' => str_repeat('x', 600)],
        ];
        foreach ($planted as $i => $state) {
            $this->plant($file, $state);
            self::assertStringContainsString('No devices yet', $http->get($page)['body'], "planted state $i is ignored");
        }
        $this->plant($file, ['kind' => 'timeout', 'since_ms' => $now - 1000, 'until_ms' => $now + 20_000]);
        chmod($file, 0666);
        self::assertStringContainsString('No devices yet', $http->get($page)['body'], 'a state file others can write is ignored');
        self::assertSame('success', self::whmcs()->modules()->terminate($id));
    }

    private function hung(string $mode): HungServer
    {
        return $this->hung[] = HungServer::start($mode, 120);
    }

    /**
     * A provisioned Active service moved onto a server record that points at the hung server.
     *
     * @return array{client: int, service: int, server: int}
     */
    private function serviceOn(HungServer $hung, string $extraHash = '', ?string $tls = null): array
    {
        ['client' => $client, 'service' => $id] = self::order(self::addProduct());
        self::assertSame('success', self::whmcs()->modules()->create($id));
        // One page while the server works: the web server's cold start (Smarty compiling the templates, the core
        // loading) is not what the bounds below are about.
        $warm = new HttpClient(self::web()->baseUrl());
        $warm->get('login.php?clientid=' . $client);
        self::assertStringContainsString('No devices yet', $warm->get("clientarea.php?action=productdetails&id=$id")['body']);
        $s = self::server();
        $server = self::addServer(['port' => $hung->port, 'accesshash' => $s->loginTokenKey() . "\n" . ($tls ?? 'ca_file=' . $s->caFile()) . $extraHash]);
        self::whmcs()->updateService($id, ['server' => $server]);
        return ['client' => $client, 'service' => $id, 'server' => $server];
    }

    /** The breaker's state file of a server address in the installed module (its default state dir). */
    private function breakerFile(string $baseUrl): string
    {
        return self::whmcs()->root() . '/modules/servers/meshcentral/state/breaker-' . substr(hash('sha256', $baseUrl), 0, 32) . '.json';
    }

    private function ageBreaker(HungServer $hung, int $seconds): void
    {
        $file = $this->breakerFile('https://127.0.0.1:' . $hung->port);
        $state = json_decode((string) file_get_contents($file), true);
        self::assertIsArray($state, 'the failure opened the breaker');
        $this->plant($file, ['kind' => $state['kind'], 'since_ms' => $state['since_ms'] - $seconds * 1000, 'until_ms' => $state['until_ms'] - $seconds * 1000]);
    }

    /** @param array<string, mixed> $state */
    private function plant(string $file, array $state): void
    {
        if (!is_dir(dirname($file))) {
            mkdir(dirname($file), 0755, true);
        }
        $tmp = $file . '.tmp';
        file_put_contents($tmp, json_encode($state));
        chmod($tmp, 0644);
        rename($tmp, $file);
    }

    /** @return array{0: mixed, 1: float} the result and the seconds it took */
    private function timed(callable $fn): array
    {
        $t = microtime(true);
        $r = $fn();
        return [$r, microtime(true) - $t];
    }
}
