<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\ProvisionOptions;
use MeshCentralConnector\Exception\NotOwnedException;

/**
 * The core's own convergence when two provisionings of one service interleave without the module's lock (two WHMCS
 * copies sharing an install tag, a lock that expired): the second run's `adduser` meets "User already exists". The
 * interleaving is made exact with the transport hook: just before run A sends a given request, a complete run B
 * (another connector instance, the same real server) provisions the same service. Checked with meshctrl.
 */
final class ConcurrentProvisionTest extends ServiceTestCase
{
    /** A connector that runs `$meanwhile` once, right before it sends `$action`. */
    private static function interleaved(string $action, callable $meanwhile): Connector
    {
        $done = false;
        $hook = static function (string $event, string $payload) use ($action, $meanwhile, &$done): void {
            if ($event === 'send' && !$done && (json_decode($payload, true)['action'] ?? '') === $action) {
                $done = true;
                $meanwhile();
            }
        };
        return Connector::load(self::wasmPath(), new ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache', transportHook: $hook));
    }

    private static function provisionWith(Connector $c, array $service): array
    {
        return $c->provision(self::goodSettings(), $service, new ProvisionOptions(groupNameTemplate: 'Race {service_id}', preset: 'full', vars: ['service_id' => 7], password: 'Race-Pass-12345'));
    }

    public function testBothMadeAGroupTheLaterUserAddConvergesOnTheOtherRunsGroup(): void
    {
        $service = self::newService('race-groups');
        $other = null;
        // B runs whole while A is about to create its own group: A's group is then a second one, its adduser fails.
        $a = self::interleaved('createmesh', static function () use ($service, &$other): void {
            $other = self::provisionWith(self::connector(), $service);
        });
        $p = self::provisionWith($a, $service);
        self::assertIsArray($other);
        self::assertSame($other['mesh_id'], $p['mesh_id'], 'A continues with the group B made');
        self::assertFalse($p['created_user']);
        self::assertNull($p['generated_password'] ?? null);
        self::assertSame([$other['mesh_id']], self::groupsMarkedFor($service['key']), "A's own group was removed");
        $user = self::serverUsers()[$p['user_id']];
        self::assertSame([$p['mesh_id']], array_keys($user['links']));
        self::assertSame(0x16C0DC, $user['links'][$p['mesh_id']]['rights']);
    }

    public function testTheOtherRunAdoptedThisRunsGroupTheUserAddConverges(): void
    {
        $service = self::newService('race-user');
        $other = null;
        // B finds A's fresh group (marker, A's creator), adds the user and links it, before A's adduser goes out.
        $a = self::interleaved('adduser', static function () use ($service, &$other): void {
            $other = self::provisionWith(self::connector(), $service);
        });
        $p = self::provisionWith($a, $service);
        self::assertFalse($other['created_group'], "B adopted A's group");
        self::assertSame($other['mesh_id'], $p['mesh_id']);
        self::assertSame([$p['mesh_id']], self::groupsMarkedFor($service['key']));
        self::assertSame([$p['mesh_id']], array_keys(self::serverUsers()[$p['user_id']]['links']));
    }

    public function testAnAccountSomeoneElseMadeMeanwhileIsStillRefused(): void
    {
        $service = self::newService('race-foreign');
        $username = 'mc-' . strtolower($service['key']);
        // An ordinary account appears under the service's name (not the customer profile, not linked): not ours.
        $a = self::interleaved('adduser', static function () use ($username): void {
            self::server()->meshctrl(['adduser', '--user', $username, '--pass', 'Someone-Else-123']);
        });
        try {
            self::provisionWith($a, $service);
            self::fail('a stranger\'s account was adopted');
        } catch (NotOwnedException $e) {
            self::assertStringContainsString("account named '$username' already exists", $e->getMessage());
        }
        self::assertSame([], self::groupsMarkedFor($service['key']), 'the group A made was undone');
        self::assertSame([], self::serverUsers()['user//' . $username]['links'] ?? [], 'the stranger was not linked');
        self::server()->meshctrl(['removeuser', '--userid', 'user//' . $username]);
    }
}
