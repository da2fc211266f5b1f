<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Tests\Support\AgentSandbox;

/**
 * A real agent through a service's whole life: installed from the service group's links (AgentSandbox: loopback-only
 * network namespace), online and offline in the customer's device list, then the service is terminated and the agent
 * comes back: the group stays deleted (MeshCentral would undelete it; see src/ops/terminate.rs) and the customer
 * cannot log in.
 */
final class RealAgentLifecycleTest extends ServiceTestCase
{
    private const STATE_TIMEOUT = 30.0;

    private ?AgentSandbox $agent = null;

    protected function tearDown(): void
    {
        $agent = $this->agent;
        $this->agent = null;
        $agent?->stop();
    }

    public function testAnAgentThatReturnsAfterTerminateCannotBringTheGroupBack(): void
    {
        $service = self::newService('agent');
        $p = self::provision($service);
        $this->agent = $agent = AgentSandbox::start(self::server(), $p['mesh_id']);

        $online = $this->waitForDevice($p['mesh_id'], true);
        self::assertSame($agent->nodeName(), $online['name']);
        self::assertIsInt($online['last_seen_ms'], 'last seen comes from lastconnects');
        self::assertEqualsWithDelta(time() * 1000, $online['last_seen_ms'], 120_000);
        self::assertSame(['devices' => 1, 'online' => 1], self::connector()->usage(self::goodSettings(), [$p['mesh_id']])[$p['mesh_id']]);
        $agent->kill();
        self::assertFalse($this->waitForDevice($p['mesh_id'], false)['online']);

        // Terminate while the agent is away (the usual case: the customer's machine is off or gone).
        $t = self::connector()->terminate(self::goodSettings(), $service);
        self::assertTrue($t['deleted_user']);
        self::assertTrue($t['deleted_group']);
        self::assertSame(1, $t['retired_devices']);
        self::assertSame(0, $t['uninstall_requested'], 'nobody to ask while offline');
        self::assertIsString($t['retired_group']);
        self::assertArrayNotHasKey($p['mesh_id'], self::serverGroups());
        self::assertArrayNotHasKey($p['user_id'], self::serverUsers());

        // The agent comes back: it reconnects into the retired group, and the service's group stays deleted.
        $agent->restart();
        $back = $this->waitForDevice($t['retired_group'], true);
        self::assertSame($online['id'], $back['id'], 'the same node, parked in the retired group');
        self::assertArrayNotHasKey($p['mesh_id'], self::serverGroups(), 'the group did not come back');
        self::assertSame([], self::groupsMarkedFor($service['key']));
        // And the customer cannot log in any more.
        $page = $this->fetch(self::connector()->loginUrl(self::server()->httpsUrl(), self::server()->loginTokenKey(), $p['username'], 60)['url']);
        self::assertStringContainsString('- Login</title>', $page);

        // Terminating again finds nothing left to do.
        $again = self::connector()->terminate(self::goodSettings(), $service);
        self::assertSame([false, false, 0], [$again['deleted_user'], $again['deleted_group'], $again['retired_devices']]);
    }

    public function testAnOnlineAgentIsAskedToUninstallAndParkedOnTerminate(): void
    {
        $service = self::newService('agent-online');
        $p = self::provision($service);
        $this->agent = $agent = AgentSandbox::start(self::server(), $p['mesh_id']);
        $node = $this->waitForDevice($p['mesh_id'], true);

        $t = self::connector()->terminate(self::goodSettings(), $service);
        self::assertSame(1, $t['uninstall_requested']);
        self::assertSame(1, $t['retired_devices']);
        self::assertArrayNotHasKey($p['mesh_id'], self::serverGroups());
        // The agent acts on the uninstall request only when it runs as an installed service (meshcore.js checks
        // service-manager isMe()); the sandbox runs it in the foreground, so it stays connected, now in the retired
        // group, and the service's group stays deleted.
        self::assertSame($node['id'], $this->waitForDevice($t['retired_group'], true)['id']);
        $agent->kill();
        $agent->restart();
        self::assertSame($node['id'], $this->waitForDevice($t['retired_group'], true)['id']);
        self::assertArrayNotHasKey($p['mesh_id'], self::serverGroups());
    }

    /** Polls our `devices` op until the group's one device has the wanted state. */
    private function waitForDevice(string $meshId, bool $online): array
    {
        $deadline = microtime(true) + self::STATE_TIMEOUT;
        $devices = [];
        $name = $this->agent?->nodeName();
        while (microtime(true) < $deadline) {
            $devices = self::connector()->devices(self::goodSettings(), $meshId);
            $match = array_values(array_filter($devices, static fn (array $d): bool => $d['online'] === $online && ($name === null || $d['name'] === $name)));
            if ($match !== []) {
                return $match[0];
            }
            usleep(250_000);
        }
        self::fail(sprintf("no device %s in %s within %.0f s: %s\n%s", $online ? 'online' : 'offline', $meshId, self::STATE_TIMEOUT, json_encode($devices), $this->agent?->log()));
    }
}
