<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Lifecycle;

use MeshCentralConnector\Tests\EndToEnd\ConnectorTestCase;
use MeshCentralConnector\Tests\Support\ControlChannel;

/**
 * Base for the service lifecycle tests: each test provisions its own services (unique keys), and checks the server's
 * state through meshctrl (MeshCentral's own CLI) or a customer's own session, never only through our return values.
 */
abstract class ServiceTestCase extends ConnectorTestCase
{
    /** @return array{key: string} a service no other test uses */
    protected static function newService(string $prefix): array
    {
        return ['key' => $prefix . '-' . bin2hex(random_bytes(4))];
    }

    /** @param array<string, mixed> $service */
    protected static function provision(array $service, string $preset = 'full', ?string $password = null, bool $fresh = false): array
    {
        return self::connector()->provision(
            self::goodSettings(),
            $service,
            new \MeshCentralConnector\ProvisionOptions(
                groupNameTemplate: '{company} #{service_id}',
                preset: $preset,
                vars: ['company' => 'Test Co', 'service_id' => 1],
                password: $password,
                email: 'customer@example.com',
                realname: 'Test Customer',
                fresh: $fresh
            )
        );
    }

    /** @return array<string, array<string, mixed>> MeshCentral's users by id, as meshctrl lists them */
    protected static function serverUsers(): array
    {
        $users = json_decode(self::server()->meshctrl(['listusers', '--json']), true);
        self::assertIsArray($users, 'meshctrl listusers --json');
        return array_column($users, null, '_id');
    }

    /** @return array<string, array<string, mixed>> existing device groups by id, as meshctrl lists them */
    protected static function serverGroups(): array
    {
        $groups = json_decode(self::server()->meshctrl(['listdevicegroups', '--json']), true);
        self::assertIsArray($groups, 'meshctrl listdevicegroups --json');
        return array_column($groups, null, '_id');
    }

    /** @return list<string> ids of the groups whose description carries this service's marker */
    protected static function groupsMarkedFor(string $key): array
    {
        $ids = [];
        foreach (self::serverGroups() as $id => $g) {
            if (str_contains((string) ($g['desc'] ?? ''), '[meshcentral-connector service=' . $key . ' ')) {
                $ids[] = $id;
            }
        }
        return $ids;
    }

    /** A single-use SSO cookie for `$username`, minted by the core. */
    protected static function cookieFor(string $username): string
    {
        $url = self::connector()->loginUrl(self::server()->httpsUrl(), self::server()->loginTokenKey(), $username, 60)['url'];
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        self::assertIsString($query['login'] ?? null);
        return $query['login'];
    }

    /** The customer's own control-channel session (fails the test if the server refuses the login). */
    protected static function customerSession(string $username): ControlChannel
    {
        $channel = ControlChannel::withCookie(self::server(), self::cookieFor($username));
        self::assertInstanceOf(ControlChannel::class, $channel, 'MeshCentral refused the customer login: ' . json_encode($channel));
        return $channel;
    }

    /**
     * A connector that records, per session it opens, the actions it sends (to prove which requests an operation
     * makes, e.g. that it reads no list of every group and account).
     *
     * @param list<list<string>> $sessions filled as the connector runs
     */
    protected static function recordingConnector(array &$sessions): \MeshCentralConnector\Connector
    {
        $hook = static function (string $event, string $payload) use (&$sessions): void {
            if ($event === 'open') {
                $sessions[] = [];
            } elseif ($event === 'send') {
                $sessions[count($sessions) - 1][] = json_decode($payload, true)['action'] ?? '?';
            }
        };
        return \MeshCentralConnector\Connector::load(self::wasmPath(), new \MeshCentralConnector\ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache', transportHook: $hook));
    }

    /** Settings that log in as the customer with a password (customers may not use tools: see NOMESHCMD). */
    protected static function customerSettings(string $username, string $password): array
    {
        return ['username' => $username, 'password' => $password, 'login_token_key' => null] + self::goodSettings();
    }
}
