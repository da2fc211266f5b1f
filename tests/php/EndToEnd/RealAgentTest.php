<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\EndToEnd;

use MeshCentralConnector\Tests\Support\AgentSandbox;

/**
 * A real MeshCentral Linux agent, installed from the group's own installer links on the test server and run in a
 * loopback-only network namespace (AgentSandbox), is seen online by our `devices` op; killed, it is seen offline and
 * its node stays in the group; restarted, it comes back as the same node.
 */
final class RealAgentTest extends ConnectorTestCase
{
    private const STATE_TIMEOUT = 30.0;
    private const POLL_INTERVAL_US = 250_000;

    private ?AgentSandbox $agent = null;

    protected function tearDown(): void
    {
        $agent = $this->agent;
        $this->agent = null;
        $agent?->stop();
    }

    public function testAgentFromTheGroupLinksIsOnlineThenOfflineWhenKilled(): void
    {
        $meshId = self::groupMadeByMeshctrl('agent');
        $this->agent = $agent = AgentSandbox::start(self::server(), $meshId);

        // Installed from the test server's own links for this group.
        $suffix = substr($meshId, strlen('mesh//'));
        self::assertSame([
            'agent' => self::server()->httpsUrl() . '/meshagents?id=6',
            'settings' => self::server()->httpsUrl() . '/meshsettings?id=' . rawurlencode($suffix),
        ], $agent->downloads());
        $settings = $agent->settings();
        self::assertSame(self::server()->url() . '/agent.ashx', $settings['MeshServer']);
        // MeshID is the hex of the group id (base64 with @ and $ for + and /): the settings are bound to this group.
        $groupBytes = base64_decode(strtr($suffix, '@$', '+/'), true);
        self::assertIsString($groupBytes);
        self::assertSame('0x' . strtoupper(bin2hex($groupBytes)), $settings['MeshID']);

        // Its own network namespace, with loopback only.
        self::assertNotSame((string) readlink('/proc/self/ns/net'), $agent->netNamespace());
        self::assertSame(['lo'], $agent->interfaces());
        foreach ($agent->addresses() as $address) {
            self::assertMatchesRegularExpression('~^lo (127\.0\.0\.1/8|::1/128)$~', $address);
        }
        self::assertSame($agent->netNamespace(), (string) readlink('/proc/' . $agent->agentPid() . '/ns/net'));

        [$online] = $this->waitForAgent($meshId, true);
        self::assertStringStartsWith('node//', $online['id']);
        self::assertSame($agent->nodeName(), $online['name']);

        $agent->kill();
        self::assertFalse($agent->isRunning());
        [$offline, $devices] = $this->waitForAgent($meshId, false);
        self::assertSame($online['id'], $offline['id'], 'the node is still in the group');
        self::assertCount(1, $devices);
    }

    public function testRestartedAgentComesBackAsTheSameNodeAndStopLeavesNothing(): void
    {
        $meshId = self::groupMadeByMeshctrl('agent-restart');
        $this->agent = $agent = AgentSandbox::start(self::server(), $meshId);
        [$first] = $this->waitForAgent($meshId, true);

        $agent->kill();
        $this->waitForAgent($meshId, false);
        self::assertFileExists($agent->directory() . '/agent/meshagent.db', 'kill() keeps the identity');

        $agent->restart();
        [$again, $devices] = $this->waitForAgent($meshId, true);
        self::assertSame($first['id'], $again['id'], 'same meshagent.db: same node');
        self::assertCount(1, $devices, 'no second node was made');

        // The outer relay, the inner relay, the agent, and any short-lived helper the agent runs at that moment.
        $pids = $agent->pids();
        self::assertContains($agent->agentPid(), $pids);
        self::assertGreaterThanOrEqual(3, count($pids));
        $dir = $agent->directory();
        $namespace = $agent->netNamespace();
        $agent->stop();
        self::assertSame([], $agent->pids());
        foreach ($pids as $pid) {
            self::assertFalse(self::isAlive($pid), 'pid ' . $pid . ' is gone');
        }
        foreach (glob('/proc/[0-9]*/ns/net', GLOB_NOSORT) ?: [] as $link) {
            self::assertNotSame($namespace, @readlink($link), 'no process is left in the namespace: ' . $link);
        }
        self::assertDirectoryDoesNotExist($dir);
        $this->waitForAgent($meshId, false);
    }

    /**
     * Polls our `devices` op until the sandbox's node is in the group with the wanted online state.
     *
     * @return array{0: array<string, mixed>, 1: list<array<string, mixed>>} the node and the whole list
     */
    private function waitForAgent(string $meshId, bool $online): array
    {
        $name = $this->agent?->nodeName();
        self::assertNotNull($name);
        $connector = self::connector();
        $deadline = microtime(true) + self::STATE_TIMEOUT;
        $devices = [];
        while (true) {
            $devices = $connector->call(['op' => 'devices', 'server' => self::goodSettings(), 'mesh_id' => $meshId]);
            foreach ($devices as $device) {
                if ($device['name'] === $name && $device['online'] === $online) {
                    return [$device, $devices];
                }
            }
            if (microtime(true) > $deadline) {
                self::fail(sprintf(
                    "Node %s not %s after %d s. Devices: %s\n%s",
                    $name,
                    $online ? 'online' : 'offline',
                    (int) self::STATE_TIMEOUT,
                    json_encode($devices, JSON_UNESCAPED_SLASHES),
                    $this->agent?->log()
                ));
            }
            usleep(self::POLL_INTERVAL_US);
        }
    }

    private static function isAlive(int $pid): bool
    {
        $stat = @file_get_contents('/proc/' . $pid . '/stat');
        if ($stat === false) {
            return false;
        }
        $close = strrpos($stat, ')');

        return $close !== false && !in_array(substr($stat, $close + 2, 1), ['Z', 'X'], true);
    }
}
