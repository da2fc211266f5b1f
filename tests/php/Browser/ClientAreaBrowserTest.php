<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Browser;

use MeshCentralConnector\Tests\Module\ModuleTestCase;
use MeshCentralConnector\Tests\Support\AgentSandbox;
use MeshCentralConnector\Tests\Support\ControlChannel;
use MeshCentralConnector\WhmcsEmulator\WebServer;

/**
 * The client area in a real browser: Debian's chromium, driven by playwright-core (tests/browser/client-area.mjs),
 * on the emulated WHMCS serving the release zip, against the real MeshCentral with a REAL agent in the group.
 *
 * The agent's device is renamed on the server to an HTML payload (as a customer who controls the machine, or anyone
 * with rights on it, could): the client area must show it as text in both themes (six, twenty-one), with no element
 * made of it and no dialog (Six, Twenty-One, Nexus). Then the SSO button logs the customer into MeshCentral's web app, which must see exactly
 * the service's one group. Another client cannot open the service. WHMCS's own overview (status, dates, amounts)
 * stays on the page in every theme with the module's block in it. Screenshots go to a temporary directory whose
 * paths the test prints.
 *
 * MeshCentral's certificate comes from its own CA: chromium trusts exactly that certificate's public key
 * (--ignore-certificate-errors-spki-list), so TLS is still verified and no other certificate is accepted.
 */
final class ClientAreaBrowserTest extends ModuleTestCase
{
    private const CHROMIUM = '/usr/bin/chromium';
    private const PAYLOAD = '<img src=x onerror=alert(1)>';
    private const STATE_TIMEOUT = 30.0;
    private const BROWSER_TIMEOUT = 180.0;
    private const THEMES = ['six', 'twenty-one', 'nexus'];

    private ?AgentSandbox $agent = null;
    private ?WebServer $web = null;
    private ?string $systemUrl = null;
    /** @var list<int> services this test created, terminated in tearDown if the test did not get there */
    private array $services = [];

    protected function setUp(): void
    {
        if (!is_file(self::CHROMIUM) || !is_executable(self::CHROMIUM)) {
            self::markTestSkipped(self::CHROMIUM . ' is missing: scripts/setup.sh installs the Debian package chromium');
        }
    }

    protected function tearDown(): void
    {
        $agent = $this->agent;
        $this->agent = null;
        $web = $this->web;
        $this->web = null;
        try {
            $agent?->stop();
        } finally {
            $web?->stop();
            if ($this->systemUrl !== null) {
                self::whmcs()->setSetting('SystemURL', $this->systemUrl); // WebServer::start set it to its own URL
                $this->systemUrl = null;
            }
            foreach ($this->services as $id) {
                if (self::whmcs()->serviceRow($id)['domainstatus'] !== 'Terminated') {
                    self::whmcs()->modules()->terminate($id);
                }
            }
            $this->services = [];
        }
    }

    public function testTheClientAreaShowsAHostileDeviceNameAsTextInBothThemesAndSsoOpensOnlyTheOwnGroup(): void
    {
        $w = self::whmcs();
        $product = self::addProduct();
        ['client' => $client, 'service' => $id] = self::order($product);
        ['client' => $other, 'service' => $otherId] = self::order($product, null, ['firstname' => 'Mallory', 'lastname' => 'Other', 'companyname' => 'Other Ltd']);
        foreach ([$id, $otherId] as $service) {
            $this->services[] = $service;
            self::assertSame('success', $w->modules()->create($service));
            self::assertSame('Active', $w->serviceRow($service)['domainstatus']);
        }
        $stored = self::stored($id);
        self::assertNotNull($stored);
        $meshId = (string) $stored['mesh_id'];
        $otherMeshId = (string) self::stored($otherId)['mesh_id'];
        self::assertNotSame($meshId, $otherMeshId);

        // A real agent in the group, online in our own device list.
        $this->agent = AgentSandbox::start(self::server(), $meshId);
        $node = $this->waitForDevice($meshId, fn (array $d): bool => $d['online'] && $d['name'] === $this->agent->nodeName(), 'online as ' . $this->agent->nodeName());

        // The admin renames it to an HTML payload on the server (MeshCentral stores names as given).
        $this->renameDevice((string) $node['id'], self::PAYLOAD);
        $renamed = $this->waitForDevice($meshId, static fn (array $d): bool => $d['id'] === $node['id'] && $d['name'] === self::PAYLOAD && $d['online'], 'renamed and online');
        self::assertSame(self::PAYLOAD, $renamed['name']);

        // The client area over HTTP (php -S with FFI) and chromium on it.
        $this->systemUrl = $w->setting('SystemURL');
        $errorsBefore = strlen($w->phpErrors()); // the WHMCS root is shared by the module tests of this process
        $this->web = WebServer::start(
            $w,
            [
                'MESHCONNECTOR_LIBWASMER' => (string) getenv('MESHCONNECTOR_LIBWASMER'),
                'MESHCONNECTOR_CACHE_DIR' => sys_get_temp_dir() . '/meshconnector-test-cache',
            ],
            ['ffi.enable=1']
        );
        $artifacts = sys_get_temp_dir() . '/meshconnector-browser-' . getmypid();
        if (!is_dir($artifacts)) {
            self::assertTrue(mkdir($artifacts, 0755, true) || is_dir($artifacts), 'cannot create ' . $artifacts);
        }
        $shots = [];
        foreach (self::THEMES as $theme) {
            $shots[$theme] = $artifacts . '/client-area-' . $theme . '.png';
        }
        $shots['sso'] = $artifacts . '/meshcentral-after-sso.png';
        foreach ($shots as $file) {
            @unlink($file); // a screenshot must come from this run
        }

        $r = $this->runBrowser([
            'chromium' => self::CHROMIUM,
            'whmcsUrl' => $this->web->baseUrl(),
            'meshcentralUrl' => self::server()->httpsUrl(),
            'spki' => self::spkiPin(self::server()->dataDir() . '/webserver-cert-public.crt'),
            'clientId' => $client,
            'serviceId' => $id,
            'otherClientId' => $other,
            'otherServiceId' => $otherId,
            'themes' => self::THEMES,
            'artifactsDir' => $artifacts,
            'timeoutMs' => (int) ((self::BROWSER_TIMEOUT - 10) * 1000),
            'stepTimeoutMs' => 45_000,
        ]);
        $json = json_encode($r, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
        file_put_contents($artifacts . '/client-area-result.json', $json . "\n");
        $context = $json . "\n" . substr($w->phpErrors(), $errorsBefore);
        self::assertTrue($r['ok'], 'the browser run failed: ' . $context);
        self::assertSame([], $r['dialogs'], 'a JavaScript dialog fired: ' . $context);
        self::assertSame([], $r['pageErrors'], 'uncaught JavaScript errors: ' . $context);

        $loadMs = [];
        foreach (self::THEMES as $theme) {
            $page = $r['themes'][$theme];
            $loadMs[$theme] = $page['loadMs'];
            self::assertSame(200, $page['status'], $theme);
            self::assertSame($theme, $page['theme'], 'the theme shell rendered');
            self::assertTrue($page['hasServiceBlock'], $theme . ': the module block is on the page');
            self::assertTrue($page['hasOverview'], $theme . ": WHMCS's overview (next due date, payment method) stays");
            self::assertTrue($page['blockInModuleArea'], $theme . ": the block sits in WHMCS's module output area");
            self::assertSame($theme, $page['family'], $theme . ': markup of its theme family');
            self::assertGreaterThan(0, $page['connectButtons'], $theme . ': Connect buttons');
            self::assertNull($page['error'], $theme . ': no error on the page');
            self::assertTrue($page['deviceTable'], $theme);
            self::assertCount(1, $page['rows'], $theme . ': one device');
            self::assertSame(self::PAYLOAD, $page['rows'][0]['name'], $theme . ': the name is shown as text');
            self::assertSame(0, $page['rows'][0]['nameChildElements'], $theme . ': the name made no element');
            self::assertSame(0, $page['imgInDeviceTable'], $theme . ': no img in the devices table');
            self::assertSame(0, $page['imgWithSrcX'], $theme . ': no img from the payload anywhere');
            self::assertSame('Online', $page['rows'][0]['status'], $theme);
            self::assertNotSame('', $page['rows'][0]['lastSeen'], $theme);
            self::assertStringStartsWith('1 Online / 1', (string) $page['counts'], $theme);
            self::assertNotEmpty($page['installers'], $theme . ': installer links');
            foreach ($page['installers'] as $installer) {
                self::assertStringStartsWith(self::server()->httpsUrl() . '/', $installer['href'], $theme . ': installers come from the MeshCentral server');
                self::assertNotSame('', (string) $installer['platform']);
            }
            self::assertNotNull($page['sso'], $theme . ': SSO button');
            self::assertTrue($page['ssoVisible'], $theme . ': SSO button visible');
            self::assertSame('clientarea.php?action=productdetails&id=' . $id . '&dosinglesignon=1', $page['sso']['rawHref']);
            self::assertSame('_blank', $page['sso']['target']);
            self::assertIsInt($page['loadMs']);
            self::assertGreaterThan(0, $page['loadMs']);
            self::assertFileExists($shots[$theme]);
            self::assertGreaterThan(10_000, filesize($shots[$theme]), $theme . ': a real screenshot');
        }
        // Printed for the run log: navigation start to the load event (includes the module's MeshCentral round trip).
        fwrite(STDERR, sprintf(
            "\n[browser] client area load (navigation -> load event): six %d ms, twenty-one %d ms, nexus %d ms; SSO to groups shown %d ms; chromium %s\n[browser] screenshots: %s\n",
            $loadMs['six'],
            $loadMs['twenty-one'],
            $loadMs['nexus'],
            $r['sso']['meshesMs'],
            $r['browserVersion'] ?? '?',
            implode(', ', $shots)
        ));

        // SSO: the button's redirect lands in MeshCentral, logged in as the service's user, seeing only its group.
        $sso = $r['sso'];
        self::assertTrue($sso['clicked']);
        self::assertSame(rtrim(self::server()->httpsUrl(), '/'), $sso['origin'], 'landed on MeshCentral');
        self::assertNotEmpty($sso['chain'], 'the SSO link went through the client area');
        self::assertSame(302, $sso['chain'][0]['status']);
        self::assertStringStartsWith(self::server()->httpsUrl() . '/?login=', (string) $sso['chain'][0]['to']);
        self::assertStringEndsNotWith('- Login', $sso['title'], 'MeshCentral shows its login page: ' . $context);
        self::assertFalse($sso['loginForm'], 'the login form is hidden');
        self::assertTrue($sso['meshesFilled'], 'the web app never listed device groups: ' . $context);
        self::assertSame([$meshId], $sso['meshes'], 'the customer sees exactly the own group');
        self::assertSame('user//' . strtolower((string) $stored['username']), $sso['user']['id'] ?? null);
        // MeshCentral's site rights (meshuser.js SITERIGHT_*): none of the administrative ones (backup, manage users,
        // restore, file access, update, user groups, recordings, all events), and no new groups.
        self::assertNotSame(0xFFFFFFFF, $sso['user']['siteadmin'], 'not the full administrator');
        self::assertSame(0, $sso['user']['siteadmin'] & 0xB1F, 'no administrative site rights: ' . $sso['user']['siteadmin']);
        self::assertSame(64, $sso['user']['siteadmin'] & 64, 'SITERIGHT_NONEWGROUPS');
        self::assertFileExists($shots['sso']);
        // Over verified TLS with MeshCentral's own certificate; a browser pinned to another key refuses the server.
        self::assertIsArray($sso['tls']);
        self::assertArrayNotHasKey('error', $sso['tls']);
        self::assertStringStartsWith('TLS 1.', (string) ($sso['tls']['protocol'] ?? ''));
        self::assertSame(openssl_x509_parse((string) file_get_contents(self::server()->dataDir() . '/webserver-cert-public.crt'))['subject']['CN'] ?? null, $sso['tls']['subjectName'] ?? null);
        self::assertFalse($r['wrongPin']['loaded'], 'chromium accepted MeshCentral without the pin: ' . json_encode($r['wrongPin']));
        self::assertStringContainsString('ERR_CERT_', (string) $r['wrongPin']['error']);

        // Another client cannot open the service, nor sign on through it: WHMCS sends them to their own list.
        foreach (['details', 'sso'] as $what) {
            $o = $r['otherClient'][$what];
            self::assertSame(302, $o['firstStatus'], $what);
            self::assertSame('clientarea.php?action=products', $o['firstLocation'], $what);
            self::assertStringStartsWith($this->web->baseUrl() . 'clientarea.php?action=products', $o['finalUrl'], $what);
            self::assertFalse($o['hasServiceBlock'], $what);
            self::assertFalse($o['mentionsDeviceName'], $what);
            self::assertContains('clientarea.php?action=productdetails&id=' . $otherId, $o['productLinks'], $what . ': the own service is listed');
            self::assertNotContains('clientarea.php?action=productdetails&id=' . $id, $o['productLinks'], $what);
        }
        self::assertSame([], $r['dialogs']);

        // The page loads left no PHP error or template warning behind.
        self::assertSame('', substr($w->phpErrors(), $errorsBefore), 'PHP errors in the web server');

        // Clean up through WHMCS: terminate both services (the agent stops in tearDown).
        foreach ([$id, $otherId] as $service) {
            self::assertSame('success', $w->modules()->terminate($service));
            self::assertSame('Terminated', $w->serviceRow($service)['domainstatus']);
        }
        self::assertArrayNotHasKey($meshId, self::serverGroups());
        self::assertArrayNotHasKey($otherMeshId, self::serverGroups());
    }

    /** Renames a device as the admin, through MeshCentral's own control channel (meshuser.js `changedevice`). */
    private function renameDevice(string $nodeId, string $name): void
    {
        $admin = ControlChannel::withCookie(self::server(), self::cookieFor(self::server()->adminUser()));
        self::assertInstanceOf(ControlChannel::class, $admin, 'MeshCentral refused the admin login: ' . json_encode($admin));
        try {
            $reply = $admin->request(
                ['action' => 'changedevice', 'nodeid' => $nodeId, 'name' => $name, 'responseid' => 'browser-test-rename'],
                'changedevice',
                10.0
            );
        } finally {
            $admin->close();
        }
        self::assertIsArray($reply, 'no answer to changedevice');
        self::assertSame('ok', $reply['result'] ?? null, 'changedevice: ' . json_encode($reply));
    }

    /**
     * Polls our `devices` op until the group has a device matching $want.
     *
     * @param callable(array<string, mixed>): bool $want
     * @return array<string, mixed>
     */
    private function waitForDevice(string $meshId, callable $want, string $what): array
    {
        $deadline = microtime(true) + self::STATE_TIMEOUT;
        $devices = [];
        while (microtime(true) < $deadline) {
            $devices = self::connector()->devices(self::goodSettings(), $meshId);
            foreach ($devices as $device) {
                if ($want($device)) {
                    return $device;
                }
            }
            usleep(250_000);
        }
        self::fail(sprintf(
            "no device %s in %s within %.0f s: %s\n%s",
            $what,
            $meshId,
            self::STATE_TIMEOUT,
            json_encode($devices),
            $this->agent?->log()
        ));
    }

    /** Base64 SHA-256 of the certificate's SubjectPublicKeyInfo (DER): chromium's --ignore-certificate-errors-spki-list. */
    private static function spkiPin(string $certFile): string
    {
        $pem = file_get_contents($certFile);
        self::assertIsString($pem, 'cannot read ' . $certFile);
        $key = openssl_pkey_get_public($pem);
        self::assertNotFalse($key, 'no public key in ' . $certFile);
        $details = openssl_pkey_get_details($key);
        self::assertIsArray($details);
        self::assertSame(1, preg_match('/-----BEGIN PUBLIC KEY-----(.+?)-----END PUBLIC KEY-----/s', $details['key'], $m));
        $der = base64_decode((string) preg_replace('/\s+/', '', $m[1]), true);
        self::assertIsString($der);
        return base64_encode(hash('sha256', $der, true));
    }

    /**
     * Runs tests/browser/client-area.mjs with the config on stdin and returns its JSON, within BROWSER_TIMEOUT.
     *
     * @param array<string, mixed> $config
     * @return array<string, mixed>
     */
    private function runBrowser(array $config): array
    {
        $script = dirname(__DIR__, 2) . '/browser/client-area.mjs';
        $node = getenv('MESHCENTRAL_NODE');
        $node = $node === false || $node === '' ? 'node' : $node;
        $process = proc_open(
            [$node, $script],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            dirname(__DIR__, 3)
        );
        self::assertIsResource($process, 'cannot run node');
        fwrite($pipes[0], json_encode($config, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES));
        fclose($pipes[0]);
        stream_set_blocking($pipes[1], false);
        stream_set_blocking($pipes[2], false);
        $out = $err = '';
        $deadline = microtime(true) + self::BROWSER_TIMEOUT;
        $open = [1 => $pipes[1], 2 => $pipes[2]];
        while ($open !== [] && microtime(true) < $deadline) {
            $read = array_values($open);
            $write = $except = null;
            if (@stream_select($read, $write, $except, 1) === false) {
                break;
            }
            foreach ($open as $n => $pipe) {
                $chunk = (string) fread($pipe, 65536);
                if ($n === 1) {
                    $out .= $chunk;
                } else {
                    $err .= $chunk;
                }
                if (feof($pipe)) {
                    fclose($pipe);
                    unset($open[$n]);
                }
            }
        }
        $timedOut = $open !== [];
        if ($timedOut) {
            proc_terminate($process, 9); // only the node process this test started (its chromium dies with its pipe)
            foreach ($open as $pipe) {
                fclose($pipe);
            }
        }
        $code = proc_close($process);
        self::assertFalse($timedOut, sprintf("the browser run took over %d s\nstdout: %s\nstderr: %s", self::BROWSER_TIMEOUT, $out, $err));
        $result = json_decode(trim($out), true);
        self::assertIsArray($result, sprintf("no JSON from client-area.mjs (exit %d)\nstdout: %s\nstderr: %s", $code, $out, $err));
        self::assertSame(0, $code, 'client-area.mjs: ' . $out . "\n" . $err);
        return $result;
    }
}
