<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Tests\Support\ControlChannel;
use MeshCentralConnector\Tests\Support\FaultProxy;

/**
 * Every single fault at every point of an operation, between the real core and the real MeshCentral (FaultProxy:
 * a TCP proxy on loopback), then one plain re-run: the server must end in the right state, never needing a person.
 * The cut points are the client's chunks (TLS records: the handshake, the upgrade, then one WebSocket frame each), so
 * `cut-reply` at chunk K is "MeshCentral got request K and acted, its reply was lost". Afterwards meshctrl (the
 * server's own CLI) checks every service of the sweep: exactly one group and one linked user, or nothing.
 */
final class FaultSweepTest extends ServiceTestCase
{
    private const PRESET_RIGHTS = ['full' => 0x16C0DC, 'view_only' => 0x100708];

    /** @var array<string, bool> service key => should exist at the end */
    private array $swept = [];
    private ?ControlChannel $admin = null;

    protected function tearDown(): void
    {
        $this->admin?->close();
        $this->admin = null;
    }

    public function testProvisionConvergesAfterAnySingleFault(): void
    {
        $points = $this->chunksOf(static fn (array $s, array $svc): array => self::provisionVia($s, $svc), null);
        foreach (['cut-reply', 'cut-request'] as $mode) {
            for ($k = 1; $k <= $points; $k++) {
                $service = self::newService("sw-p$k");
                $this->faulted($mode, $k, static fn (array $s): array => self::provisionVia($s, $service));
                $p = self::provisionVia(self::goodSettings(), $service);
                $this->assertProvisioned($service, $p['mesh_id'], 'full', "$mode at $k");
                $this->swept[$service['key']] = true;
            }
        }
        foreach (['garble-reply', 'stall'] as $mode) {
            foreach ([intdiv($points, 2), $points - 2] as $k) {
                $service = self::newService("sw-p$mode$k");
                $this->faulted($mode, $k, static fn (array $s): array => self::provisionVia($s, $service));
                $p = self::provisionVia(self::goodSettings(), $service);
                $this->assertProvisioned($service, $p['mesh_id'], 'full', "$mode at $k");
                $this->swept[$service['key']] = true;
            }
        }
        $this->assertServerAgrees();
    }

    /**
     * A service's first attempt (`fresh`: the module's journal had no earlier one, so the core makes the objects
     * without reading the server) cut at every point; the re-run is not fresh (the journal now holds the cut attempt)
     * and finds what the first one left.
     */
    public function testFirstProvisionConvergesAfterAnySingleFault(): void
    {
        $points = $this->chunksOf(static fn (array $s, array $svc): array => self::provisionVia($s, $svc, true), null);
        foreach (['cut-reply', 'cut-request'] as $mode) {
            for ($k = 1; $k <= $points; $k++) {
                $service = self::newService("sw-f$mode$k");
                $this->faulted($mode, $k, static fn (array $s): array => self::provisionVia($s, $service, true));
                $p = self::provisionVia(self::goodSettings(), $service);
                $this->assertProvisioned($service, $p['mesh_id'], 'full', "fresh, $mode at $k");
                $this->swept[$service['key']] = true;
            }
        }
        $this->assertServerAgrees();
    }

    public function testTerminateConvergesAfterAnySingleFault(): void
    {
        $terminate = static fn (array $s, array $svc): array => self::connector()->terminate($s, $svc);
        $points = $this->chunksOf($terminate, 'full');
        for ($k = 1; $k <= $points; $k++) {
            $service = self::newService("sw-t$k");
            // As WHMCS calls it: with the stored group id (the customer's own view proves ownership first).
            $service['mesh_id'] = self::provisionVia(self::goodSettings(), $service)['mesh_id'];
            $this->faulted('cut-reply', $k, static fn (array $s): array => $terminate($s, $service));
            self::connector()->terminate(self::goodSettings(), $service);
            $this->assertGone($service, "cut-reply at $k");
            $this->swept[$service['key']] = false;
        }
        $this->assertServerAgrees();
    }

    public function testSuspendAndChangePackageConvergeAfterAnySingleFault(): void
    {
        $suspend = static fn (array $s, array $svc): array => self::connector()->suspend($s, $svc);
        $package = static fn (array $s, array $svc): array => self::connector()->changePackage($s, $svc, 'view_only');
        foreach (['suspend' => $suspend, 'package' => $package] as $name => $op) {
            $points = $this->chunksOf($op, 'full');
            for ($k = 1; $k <= $points; $k++) {
                $service = self::newService("sw-$name$k");
                $p = self::provisionVia(self::goodSettings(), $service);
                // As WHMCS calls it: with the stored group id (the customer's own view proves ownership first).
                $service['mesh_id'] = $p['mesh_id'];
                $this->faulted('cut-reply', $k, static fn (array $s): array => $op($s, $service));
                $op(self::goodSettings(), $service);
                $this->assertProvisioned($service, $p['mesh_id'], $name === 'package' ? 'view_only' : 'full', "$name cut-reply at $k");
                $user = $this->view('users')[$p['user_id']];
                self::assertSame($name === 'suspend', ((int) $user['siteadmin'] & 32) !== 0, "$name at $k: locked as asked");
                $this->swept[$service['key']] = true;
            }
        }
        $this->assertServerAgrees();
    }

    /** A PHP process killed (SIGKILL) at random moments of provisioning, then one re-run. */
    public function testProvisionConvergesAfterTheProcessIsKilled(): void
    {
        mt_srand(20261201);
        for ($i = 0; $i < 6; $i++) {
            $service = self::newService("sw-kill$i");
            // Every other killed run is a first attempt (`fresh`), as the module's journal would make it.
            $request = ['op' => 'provision', 'server' => self::goodSettings(), 'service' => $service,
                'group_name_template' => 'Sweep {service_id}', 'vars' => ['service_id' => $i], 'preset' => 'full',
                'fresh' => $i % 2 === 0];
            $script = sprintf(
                'require %s; MeshCentralConnector\Connector::load(%s, new \MeshCentralConnector\ConnectorOptions(cacheDir: %s))->call(json_decode(%s, true));',
                var_export(dirname(__DIR__) . '/bootstrap.php', true),
                var_export(self::wasmPath(), true),
                var_export(sys_get_temp_dir() . '/meshconnector-test-cache', true),
                var_export(json_encode($request), true)
            );
            $proc = proc_open([PHP_BINARY, '-r', $script], [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
            self::assertIsResource($proc);
            usleep(mt_rand(20_000, 400_000));
            proc_terminate($proc, 9);
            proc_close($proc);
            $p = self::provisionVia(self::goodSettings(), $service);
            $this->assertProvisioned($service, $p['mesh_id'], 'full', "killed run $i");
            $this->swept[$service['key']] = true;
        }
        $this->assertServerAgrees();
    }

    /** @param array<string, mixed> $settings */
    private static function provisionVia(array $settings, array $service, bool $fresh = false): array
    {
        return self::connector()->provision($settings, $service, new \MeshCentralConnector\ProvisionOptions(groupNameTemplate: 'Sweep {service_id}', preset: 'full', vars: ['service_id' => 1], password: 'Sweep-Pass-12345', fresh: $fresh));
    }

    /**
     * How many client chunks the operation sends over all its connections, measured through a relaying proxy (with a
     * provisioned service first when `$preset` is given).
     *
     * @param callable(array, array): array $op
     */
    private function chunksOf(callable $op, ?string $preset): int
    {
        $service = self::newService('sw-count');
        if ($preset !== null) {
            $service['mesh_id'] = self::provisionVia(self::goodSettings(), $service)['mesh_id'];
        }
        $proxy = FaultProxy::start(self::server(), 'pass');
        $op(['url' => $proxy->url()] + self::goodSettings(), $service);
        usleep(200_000); // the last connection's end is recorded when the proxy sees it close
        $chunks = $proxy->totalChunks();
        $proxy->stop();
        self::connector()->terminate(self::goodSettings(), $service);
        self::assertGreaterThan(5, $chunks, 'TLS handshake, upgrade and requests');
        return $chunks;
    }

    /**
     * Runs `$op` through a proxy that injects `$mode` at client chunk `$k`; the operation may fail (with a typed error)
     * or, when the fault hit its last frames, succeed.
     *
     * @param callable(array): array $op
     */
    private function faulted(string $mode, int $k, callable $op): void
    {
        $proxy = FaultProxy::start(self::server(), $mode, $k);
        try {
            $op(['url' => $proxy->url(), 'timeout_ms' => 1500] + self::goodSettings());
        } catch (ConnectorException $e) {
            self::assertNotSame('', $e->kind, "$mode at $k: a typed error");
        } finally {
            $proxy->stop();
        }
    }

    /** Exactly one group carries the service's marker, its user is linked to it alone, with the preset's rights. */
    private function assertProvisioned(array $service, string $meshId, string $preset, string $when): void
    {
        $marked = array_keys(array_filter($this->view('meshes'), static fn (array $g): bool => str_contains((string) ($g['desc'] ?? ''), '[meshcentral-connector service=' . $service['key'] . ' ')));
        self::assertSame([$meshId], $marked, "$when: exactly one group");
        $user = $this->view('users')['user//mc-' . strtolower($service['key'])] ?? null;
        self::assertIsArray($user, "$when: the user exists");
        self::assertSame([$meshId], array_keys((array) $user['links']), "$when: linked to its group only");
        self::assertSame(self::PRESET_RIGHTS[$preset], $user['links'][$meshId]['rights'], "$when: the preset's rights");
    }

    private function assertGone(array $service, string $when): void
    {
        $marked = array_filter($this->view('meshes'), static fn (array $g): bool => str_contains((string) ($g['desc'] ?? ''), '[meshcentral-connector service=' . $service['key'] . ' '));
        self::assertSame([], $marked, "$when: no group left");
        self::assertArrayNotHasKey('user//mc-' . strtolower($service['key']), $this->view('users'), "$when: no user left");
    }

    /** MeshCentral's own CLI agrees for every service of the sweep: one group + one linked user, or nothing. */
    private function assertServerAgrees(): void
    {
        $groups = self::serverGroups();
        $users = self::serverUsers();
        foreach ($this->swept as $key => $exists) {
            $marked = array_keys(array_filter($groups, static fn (array $g): bool => str_contains((string) ($g['desc'] ?? ''), "[meshcentral-connector service=$key ")));
            $user = $users['user//mc-' . strtolower($key)] ?? null;
            if ($exists) {
                self::assertCount(1, $marked, "$key: one group (meshctrl)");
                self::assertSame($marked, array_keys((array) ($user['links'] ?? [])), "$key: its user linked to it (meshctrl)");
            } else {
                self::assertSame([], $marked, "$key: no group (meshctrl)");
                self::assertNull($user, "$key: no user (meshctrl)");
            }
        }
    }

    /**
     * The server as the administrator sees it right now (`meshes` or `users` by id), through an independent PHP
     * control channel: quicker than a meshctrl process per check.
     *
     * @return array<string, array<string, mixed>>
     */
    private function view(string $what): array
    {
        $this->admin ??= self::customerSession(self::server()->adminUser());
        $reply = $this->admin->request(['action' => $what, 'tag' => 'sweep'], $what, 10.0);
        self::assertIsArray($reply, "$what answered");
        $list = array_values(array_filter((array) $reply[$what], static fn (array $x): bool => !isset($x['deleted'])));
        return array_column($list, null, '_id');
    }
}
