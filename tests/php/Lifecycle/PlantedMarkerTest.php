<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Tests\Support\AgentSandbox;
use MeshCentralConnector\Tests\Support\ControlChannel;

/**
 * An ordinary MeshCentral user (made with meshctrl, site rights 0: allowed to create groups, as staff accounts are)
 * plays the attacker: it writes the connector's markers into descriptions of groups it creates or edits. The
 * connector must never adopt, link a customer into, move devices into, list or delete those groups, because only what
 * MeshCentral itself records (creator, links) proves a group is the connector's (src/ownership.rs).
 */
final class PlantedMarkerTest extends ServiceTestCase
{
    private const RETIRED_MARKER = '[meshcentral-connector retired-agents]';

    private static ?string $planter = null;
    private ?AgentSandbox $agent = null;

    protected function tearDown(): void
    {
        $agent = $this->agent;
        $this->agent = null;
        $agent?->stop();
    }

    /** The attacker's own session: an ordinary account that may create groups. */
    private static function planter(): ControlChannel
    {
        if (self::$planter === null) {
            $name = 'planter-' . bin2hex(random_bytes(3));
            $out = self::server()->meshctrl(['adduser', '--user', $name, '--pass', 'Planter-Pass-' . bin2hex(random_bytes(4))]);
            self::assertStringNotContainsString('rror', $out, 'meshctrl adduser: ' . $out);
            self::$planter = $name;
        }
        return self::customerSession(self::$planter);
    }

    /** A group the attacker creates with `$desc`; returns its id. */
    private static function plant(ControlChannel $as, string $name, string $desc): string
    {
        $reply = $as->request(['action' => 'createmesh', 'meshname' => $name, 'meshtype' => 2, 'desc' => $desc, 'responseid' => 'p1'], 'createmesh');
        self::assertSame('ok', $reply['result'] ?? null, 'the planter may create groups: ' . json_encode($reply));
        self::assertIsString($reply['meshid'] ?? null);
        return $reply['meshid'];
    }

    private static function marker(string $key): string
    {
        return '[meshcentral-connector service=' . $key . ' user=mc-' . strtolower($key) . ']';
    }

    /** @return list<string> the user ids linked to a group, as MeshCentral stores them */
    private static function linksOf(string $meshId): array
    {
        $group = self::serverGroups()[$meshId] ?? null;
        self::assertIsArray($group, "group $meshId still exists");
        return array_keys((array) ($group['links'] ?? []));
    }

    public function testAGroupPlantedForAFutureServiceIsNeverAdopted(): void
    {
        $planter = self::planter();
        $service = self::newService('plant-future');
        $planted = self::plant($planter, 'Looks like a customer group', 'Hello ' . self::marker($service['key']));
        // An edited description on a group the attacker may edit works the same way.
        $edited = self::newService('plant-edit');
        $innocent = self::plant($planter, 'innocent', 'nothing to see');
        $planter->request(['action' => 'editmesh', 'meshid' => $innocent, 'desc' => self::marker($edited['key']), 'responseid' => 'e1'], 'editmesh');
        self::assertStringContainsString(self::marker($edited['key']), (string) self::serverGroups()[$innocent]['desc']);
        $plantedLinks = self::linksOf($planted);

        foreach ([[$service, $planted], [$edited, $innocent]] as [$svc, $plantedId]) {
            $p = self::provision($svc);
            self::assertTrue($p['created_group'], 'a group of its own was made');
            self::assertNotSame($plantedId, $p['mesh_id']);
            $customer = self::customerSession($p['username']);
            self::assertSame([$p['mesh_id']], array_keys((array) $customer->userinfo['links']), 'the customer is linked to its own group only');
            $customer->close();
            // Resync (Create again) keeps to the group the connector made.
            self::assertSame($p['mesh_id'], self::provision($svc)['mesh_id']);
            // Server sync lists the connector's group only.
            $listed = array_column(self::connector()->listAccounts(self::goodSettings(), $svc['key']), 'mesh_id');
            self::assertSame([$p['mesh_id']], $listed);
        }
        self::assertSame($plantedLinks, self::linksOf($planted), 'nobody was linked into the planted group');

        // A billing record pointing at the planted group (a stored id) is refused, not obeyed.
        $forged = ['mesh_id' => $planted] + self::newService('plant-stored');
        foreach (['provision', 'terminate'] as $op) {
            try {
                $op === 'provision' ? self::provision($forged) : self::connector()->terminate(self::goodSettings(), $forged);
                self::fail("$op must refuse a stored group the connector did not create");
            } catch (ConnectorException $e) {
                self::assertSame('not_owned', $e->kind, $e->getMessage());
                self::assertStringContainsString('created by', $e->getMessage());
            }
        }
        // Devices and invite links refuse it too, also through the administrator's eyes.
        foreach ([null, 'mc-' . $service['key']] as $viewAs) {
            try {
                self::connector()->devices(self::goodSettings(), $planted, $viewAs);
                self::fail('devices of a planted group');
            } catch (ConnectorException $e) {
                self::assertContains($e->kind, ['not_owned', 'not_found'], $e->getMessage());
            }
            try {
                self::connector()->inviteLink(self::goodSettings(), $planted, 1, $viewAs);
                self::fail('invite link for a planted group');
            } catch (ConnectorException $e) {
                self::assertContains($e->kind, ['not_owned', 'not_found'], $e->getMessage());
            }
        }

        // Terminating the real services leaves the planted groups alone.
        self::connector()->terminate(self::goodSettings(), $service);
        self::connector()->terminate(self::goodSettings(), $edited);
        $groups = self::serverGroups();
        self::assertArrayHasKey($planted, $groups, 'the planted group was not deleted');
        self::assertArrayHasKey($innocent, $groups);
        $planter->close();
    }

    /**
     * A group carrying the retired marker, named to sort first, must not receive a terminated customer's devices
     * (a real agent's): otherwise the planter would control the customer's machines when they come back online.
     */
    public function testTerminateNeverParksDevicesInAPlantedRetiredGroup(): void
    {
        $planter = self::planter();
        $trap = self::plant($planter, '!!! Retired agents (MeshCentral Connector)', 'Devices of terminated services. ' . self::RETIRED_MARKER);

        $service = self::newService('plant-retired');
        $p = self::provision($service);
        $this->agent = AgentSandbox::start(self::server(), $p['mesh_id']);
        $this->waitForOnline($p['mesh_id']);

        $t = self::connector()->terminate(self::goodSettings(), $service);
        self::assertSame(1, $t['retired_devices']);
        self::assertIsString($t['retired_group']);
        self::assertNotSame($trap, $t['retired_group'], 'the planted retired group was not used');
        $retired = self::serverGroups()[$t['retired_group']];
        self::assertSame('user//' . self::server()->adminUser(), $retired['creatorid'] ?? null);
        $nodes = $planter->request(['action' => 'nodes', 'meshid' => $trap, 'responseid' => 'n1'], 'nodes');
        self::assertSame([], array_merge(...array_values((array) ($nodes['nodes'] ?? []))), 'no device reached the planter');

        // Pinned: later terminates reuse the same group when given its id, and ignore a forged pin.
        $second = self::newService('plant-retired2');
        $p2 = self::provision($second);
        $this->agent->stop();
        $this->agent = AgentSandbox::start(self::server(), $p2['mesh_id']);
        $this->waitForOnline($p2['mesh_id']);
        $t2 = self::connector()->terminate(self::goodSettings(), $second, $trap);
        self::assertNotSame($trap, $t2['retired_group'], 'a pinned id the connector does not own is not used');
        self::assertSame($t['retired_group'], $t2['retired_group']);
        $planter->close();
    }

    private function waitForOnline(string $meshId): void
    {
        $deadline = microtime(true) + 30;
        while (microtime(true) < $deadline) {
            foreach (self::connector()->devices(self::goodSettings(), $meshId) as $d) {
                if ($d['online']) {
                    return;
                }
            }
            usleep(250_000);
        }
        self::fail("no agent came online in $meshId");
    }
}
