<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\ProvisionOptions;
use MeshCentralConnector\Exception\ServerException;
use MeshCentralConnector\Transport\TransportException;

/**
 * Provisioning and termination cut off between their steps (the connection dies right before a given request goes
 * out, optionally with the server unreachable afterwards), then re-run: no duplicates, no orphans. The cut is injected
 * in the PHP transport, so the real core reacts to a real transport failure against the real server. After a broken
 * connection nothing is undone (the state of the last request is unknown): the re-run adopts what was made.
 * FaultSweepTest cuts at every point, also after the server acted.
 */
final class InterruptedOperationsTest extends ServiceTestCase
{
    /**
     * A connector whose connection dies when it is about to send `$action`; with `$serverGone`, every later connect
     * fails too (as if the server went down), so the core cannot clean up.
     */
    private static function cutBefore(string $action, bool $serverGone): Connector
    {
        $cut = false;
        $hook = static function (string $event, string $payload) use ($action, $serverGone, &$cut): void {
            if ($event === 'open' && $cut && $serverGone) {
                throw new TransportException('connect', 'injected: the server is down');
            }
            if ($event === 'send' && !$cut && (json_decode($payload, true)['action'] ?? '') === $action) {
                $cut = true;
                throw new TransportException('closed', "injected: connection lost before $action");
            }
        };
        return Connector::load(self::wasmPath(), new ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache', transportHook: $hook));
    }

    private static function provisionWith(Connector $c, array $service): array
    {
        return $c->provision(self::goodSettings(), $service, new ProvisionOptions(groupNameTemplate: 'Cut {service_id}', preset: 'full', vars: ['service_id' => 9], password: 'Cut-Pass-12345'));
    }

    public function testProvisionCutBeforeTheUserWithTheServerGoneIsFinishedByARerun(): void
    {
        $service = self::newService('cut-user');
        try {
            self::provisionWith(self::cutBefore('adduser', true), $service);
            self::fail('the cut went unnoticed');
        } catch (ServerException $e) {
            self::assertSame('connection_lost', $e->kind, 'the kind is kept; nothing was undone on a guess');
        }
        $orphans = self::groupsMarkedFor($service['key']);
        self::assertCount(1, $orphans, 'the group was made, the user not');
        self::assertArrayNotHasKey('user//mc-' . $service['key'], self::serverUsers());

        $p = self::provisionWith(self::connector(), $service);
        self::assertFalse($p['created_group'], 'the marked group is adopted');
        self::assertTrue($p['created_user']);
        self::assertSame($orphans, self::groupsMarkedFor($service['key']), 'still exactly one group');
        self::assertSame([$p['mesh_id']], array_keys(self::serverUsers()[$p['user_id']]['links']));
    }

    public function testProvisionCutBeforeTheLinkLeavesItsOwnWorkForTheRerun(): void
    {
        $service = self::newService('cut-link');
        try {
            self::provisionWith(self::cutBefore('addmeshuser', false), $service);
            self::fail('the cut went unnoticed');
        } catch (ServerException $e) {
            self::assertSame('connection_lost', $e->kind);
        }
        self::assertCount(1, self::groupsMarkedFor($service['key']), 'the group stays: it proves the user is ours');
        self::assertArrayHasKey('user//mc-' . $service['key'], self::serverUsers(), 'the unlinked user stays');

        $p = self::provisionWith(self::connector(), $service);
        self::assertFalse($p['created_group'] || $p['created_user'], 'both adopted');
        self::assertSame([$p['mesh_id']], self::groupsMarkedFor($service['key']));
        self::assertSame([$p['mesh_id']], array_keys(self::serverUsers()[$p['user_id']]['links']));
    }

    public function testProvisionCutBeforeTheLinkWithTheServerGoneIsFinishedByARerun(): void
    {
        $service = self::newService('cut-link-down');
        try {
            self::provisionWith(self::cutBefore('addmeshuser', true), $service);
            self::fail('the cut went unnoticed');
        } catch (ServerException) {
            self::addToAssertionCount(1);
        }
        $user = self::serverUsers()['user//mc-' . $service['key']] ?? null;
        self::assertNotNull($user, 'the user was made');
        self::assertSame([], (array) ($user['links'] ?? []), 'but not linked');

        $p = self::provisionWith(self::connector(), $service);
        self::assertFalse($p['created_group'] || $p['created_user'], 'both adopted: the marker names this user');
        self::assertSame([$p['mesh_id']], array_keys(self::serverUsers()[$p['user_id']]['links']));
        self::assertCount(1, self::groupsMarkedFor($service['key']));
    }

    public function testTerminateCutBeforeTheGroupIsFinishedByARerun(): void
    {
        $service = self::newService('cut-term');
        $p = self::provisionWith(self::connector(), $service);
        try {
            self::cutBefore('deletemesh', true)->terminate(self::goodSettings(), $service);
            self::fail('the cut went unnoticed');
        } catch (ServerException) {
            self::addToAssertionCount(1);
        }
        self::assertArrayNotHasKey($p['user_id'], self::serverUsers(), 'the user went first');
        self::assertSame([$p['mesh_id']], self::groupsMarkedFor($service['key']), 'the group is left');

        $t = self::connector()->terminate(self::goodSettings(), $service);
        self::assertFalse($t['deleted_user']);
        self::assertTrue($t['deleted_group']);
        self::assertSame([], self::groupsMarkedFor($service['key']), 'no orphan');
    }
}
