<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\AgentSandbox;
use MeshCentralConnector\Tests\Support\ControlChannel;

/**
 * A group that comes back: after Terminate, a NEW real agent installed from the group's old settings link (what an
 * installer the customer downloaded before termination carries; AgentSandbox fetches `meshsettings?id=` for the
 * deleted group's id, which MeshCentral still serves) makes MeshCentral undelete the group (meshagent.js
 * getMeshAutoCreate). Server Sync must not list it, the customer must not reach it, and WHMCS's DailyCronJob hook
 * must retire it again: the group deleted, the device in the pinned retired-agents group.
 */
final class ResurrectedGroupTest extends ModuleTestCase
{
    private const TIMEOUT = 30.0;

    private ?AgentSandbox $agent = null;

    protected function tearDown(): void
    {
        $this->agent?->stop();
        $this->agent = null;
    }

    public function testAnAgentFromAnOldInstallerBringsTheGroupBackAndTheDailySweepRetiresItAgain(): void
    {
        $w = self::whmcs();
        $runner = $w->modules();
        ['service' => $id] = self::order(self::addProduct());
        self::assertSame('success', $runner->create($id));
        $stored = self::stored($id);
        $meshId = (string) $stored['mesh_id'];
        $username = (string) $stored['username'];
        $userId = 'user//' . strtolower($username);
        $key = self::serviceKey($id);

        self::assertSame('success', $runner->terminate($id));
        self::assertSame('Terminated', $w->serviceRow($id)['domainstatus']);
        self::assertArrayNotHasKey($meshId, self::serverGroups());
        self::assertArrayNotHasKey($userId, self::serverUsers());

        // A machine installed after termination from the old installer: a new agent with the old group id.
        $this->agent = $agent = AgentSandbox::start(self::server(), $meshId);
        $group = $this->waitFor(static fn (): ?array => self::serverGroups()[$meshId] ?? null, 'MeshCentral undeleting the group');
        self::assertStringContainsString("[meshcentral-connector service=$key ", (string) $group['desc'], 'the same group, marker and all');
        self::assertArrayNotHasKey($userId, $group['links'] ?? [], 'no customer link came back');
        $node = $this->waitFor(fn (): ?array => $this->onlineNode($meshId, $agent->nodeName()), 'the new agent online in the undeleted group');

        // Server Sync: not an account, and staff are told what it is.
        $list = $runner->listAccounts(self::serverId());
        self::assertTrue($list['success']);
        self::assertSame([], array_filter($list['accounts'], static fn (array $a): bool => strcasecmp($a['username'], $username) === 0));
        self::assertStringContainsString("MeshCentral ListAccounts, service ID $id: MeshCentral user '$username', group $meshId", self::activity());
        self::assertStringContainsString('undeleted its group when an agent enrolled with the old group id', self::activity());

        // The customer cannot reach it: the account is gone, so no SSO login and no session.
        self::assertArrayNotHasKey($userId, self::serverUsers());
        $page = $this->fetch(self::connector()->loginUrl(self::server()->httpsUrl(), self::server()->loginTokenKey(), $username, 60)['url']);
        self::assertStringContainsString('- Login</title>', $page);
        self::assertNotInstanceOf(ControlChannel::class, ControlChannel::withCookie(self::server(), self::cookieFor($username)));

        // The daily cron's sweep retires it again.
        $w->runHook('DailyCronJob', []);
        self::assertArrayNotHasKey($meshId, self::serverGroups(), 'deleted again');
        $retired = $w->db()->table('mod_meshcentral_settings')->where('name', 'retired_mesh_id:server:' . self::serverId())->value('value');
        self::assertIsString($retired, 'the retired-agents group is pinned for the server');
        self::assertSame($node['id'], $this->waitFor(fn (): ?array => $this->onlineNode($retired, $agent->nodeName()), 'the device parked in the retired group')['id']);
        self::assertStringContainsString(
            "MeshCentral retired a device group that came back, service ID $id: server ID " . self::serverId() . ": the group $meshId",
            self::activity()
        );
        self::assertStringContainsString("1 device(s) moved to the retired-agents group $retired, 1 online agent(s) asked to uninstall", self::activity());

        // Idempotent, and the agent coming back again stays in the retired group.
        $logged = count($w->activityLog());
        $w->runHook('DailyCronJob', []);
        // Only this service counts: other test classes of this process share the WHMCS and the server.
        $new = array_filter(array_slice($w->activityLog(), $logged), static fn (array $r): bool => str_contains(json_encode($r, JSON_UNESCAPED_SLASHES), $meshId));
        self::assertSame([], $new, 'nothing to retire, nothing logged: ' . json_encode(array_slice($w->activityLog(), $logged), JSON_UNESCAPED_SLASHES));
        self::assertArrayNotHasKey($meshId, self::serverGroups());
        $agent->kill();
        $agent->restart();
        self::assertSame($node['id'], $this->waitFor(fn (): ?array => $this->onlineNode($retired, $agent->nodeName()), 'the agent back, still parked')['id']);
        self::assertArrayNotHasKey($meshId, self::serverGroups(), 'the known agent does not undelete the group');
    }

    private static function activity(): string
    {
        return (string) json_encode(self::whmcs()->activityLog(), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }

    /** @return array<string, mixed>|null */
    private function onlineNode(string $meshId, string $name): ?array
    {
        foreach (self::connector()->devices(self::goodSettings(), $meshId) as $d) {
            if ($d['online'] && $d['name'] === $name) {
                return $d;
            }
        }
        return null;
    }

    /**
     * @template T
     * @param callable(): (T|null) $probe
     * @return T
     */
    private function waitFor(callable $probe, string $what): mixed
    {
        $deadline = microtime(true) + self::TIMEOUT;
        do {
            try {
                $value = $probe();
            } catch (\MeshCentralConnector\Exception\ConnectorException) {
                $value = null;
            }
            if ($value !== null) {
                return $value;
            }
            usleep(250_000);
        } while (microtime(true) < $deadline);
        self::fail(sprintf("no %s within %.0f s\n%s", $what, self::TIMEOUT, $this->agent?->log()));
    }
}
