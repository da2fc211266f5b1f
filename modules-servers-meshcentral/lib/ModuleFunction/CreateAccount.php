<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ProvisionOptions;
use MeshCentralConnector\Exception\NotOwnedException;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * Provisions the service (idempotent: a re-run after a failure finishes the job; see src/ops/provision.rs), then
 * stores the service key, the username and the group id the core returned (only now: a stored username is what SSO
 * trusts), and writes the MeshCentral username (and a generated password) back to the WHMCS service.
 *
 * A service WHMCS imported by Server Sync (or whose module row was lost) has no row, and its username names an
 * existing MeshCentral account: provisioning under the service's own key refuses that account (`not_owned`, before
 * anything is made). Then the service binds to the account's existing group instead of making a second one: the
 * group must be the connector's by MeshCentral's ownership rules (core `list_accounts`: creator + links, marker
 * naming this username, this install's key prefix), and the key in its marker (the ORIGINAL service's) must belong to
 * no other service here: no row holds it, and the service id in it is no other WHMCS service. The key is then this
 * service's for good (stored in the module table).
 */
final class CreateAccount implements ChangesMeshCentral
{
    public function __invoke(ServiceContext $ctx): string
    {
        $params = $ctx->params;
        $product = $params->product();
        // The preset of the plan: the configurable option rights_preset when the service has one (checked before
        // anything is made, so a bad option value fails the Create instead of provisioning other rights).
        $preset = $params->plan()->preset;
        $service = $ctx->service();
        $server = $ctx->server();
        $client = $params->client();
        $password = $params->password() !== '' ? $params->password() : null;
        $provision = static fn (array $service): callable => static fn (Connector $c): array => $c->provision(
            $server,
            $service,
            new ProvisionOptions(
                groupNameTemplate: $product->groupNameTemplate,
                preset: $preset,
                vars: $params->templateVars(),
                password: $password,
                email: ($client['email'] ?? '') !== '' ? $client['email'] : null,
                realname: trim(($client['firstname'] ?? '') . ' ' . ($client['lastname'] ?? '')) ?: null,
                description: 'WHMCS service #' . $params->serviceId()
            )
        );
        try {
            $result = $ctx->run('CreateAccount', ['service' => $service, 'preset' => $preset], $provision($service));
        } catch (NotOwnedException $e) {
            $adopted = isset($service['mesh_id']) ? null : self::adoptable($ctx, $server, $service['username']);
            if ($adopted === null) {
                throw $e;
            }
            $service = $adopted;
            $result = $ctx->run('CreateAccount', ['service' => $service, 'preset' => $preset, 'adopted' => true], $provision($service));
            $ctx->log->activity('CreateAccount', $params->serviceId(), $params->clientId(), sprintf(
                "bound to the existing MeshCentral group %s and user '%s' (service key %s of the original service) instead of making new ones",
                $result['mesh_id'],
                $result['username'],
                $service['key']
            ));
        }
        $ctx->store->save($params->serviceId(), ['service_key' => $service['key'], 'mesh_id' => $result['mesh_id'], 'username' => $result['username']]);

        $update = [];
        if ($params->username() !== $result['username']) {
            $update['serviceusername'] = $result['username'];
        }
        if (is_string($result['generated_password'] ?? null)) {
            $ctx->log->addSecret($result['generated_password']);
            $update['servicepassword'] = $result['generated_password'];
        }
        if ($update !== [] && function_exists('localAPI')) {
            $r = localAPI('UpdateClientProduct', ['serviceid' => $params->serviceId()] + $update);
            if (($r['result'] ?? '') !== 'success') {
                return 'MeshCentral is ready, but WHMCS did not store the username/password: ' . ($r['message'] ?? 'unknown error');
            }
        }
        return 'success';
    }

    /**
     * The existing service (key, username, group id) an unbound WHMCS service may take over, or null.
     *
     * @param array<string, mixed> $server
     * @return array{key: string, username: string, mesh_id: string}|null
     */
    private static function adoptable(ServiceContext $ctx, array $server, string $username): ?array
    {
        $prefix = 'whmcs-' . $ctx->store->installTag() . '-';
        $found = $ctx->run('CreateAccount', ['find_existing' => $username], static fn (Connector $c): array => $c->listAccounts($server, $prefix, $username));
        if (count($found) !== 1 || !$found[0]['user_exists']) {
            return null;
        }
        $key = (string) $found[0]['service_key'];
        $holder = $ctx->store->servicesByKey([$key])[$key] ?? null;
        if ($holder !== null && $holder !== $ctx->params->serviceId()) {
            $ctx->log->activity('CreateAccount', $ctx->params->serviceId(), $ctx->params->clientId(), "MeshCentral user '$username' belongs to service ID $holder (key $key); not taken over");
            return null;
        }
        $original = (int) substr($key, strlen($prefix));
        if ($original !== $ctx->params->serviceId() && Capsule::table('tblhosting')->where('id', $original)->exists()) {
            $ctx->log->activity('CreateAccount', $ctx->params->serviceId(), $ctx->params->clientId(), "MeshCentral user '$username' was made for service ID $original, which still exists; not taken over");
            return null;
        }
        return ['key' => $key, 'username' => (string) $found[0]['username'], 'mesh_id' => (string) $found[0]['mesh_id']];
    }
}
