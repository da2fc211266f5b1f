<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * Provisions the service (idempotent: a re-run after a failure finishes the job; see src/ops/provision.rs), then
 * stores the service key, the username and the group id the core returned (only now: a stored username is what SSO
 * trusts), and writes the MeshCentral username (and a generated password) back to the WHMCS service.
 */
final class CreateAccount
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
        $result = $ctx->run('CreateAccount', ['service' => $service, 'preset' => $preset], static fn (Connector $c): array => $c->provision(
            $server,
            $service,
            $product->groupNameTemplate,
            $params->templateVars(),
            $preset,
            $password,
            ($client['email'] ?? '') !== '' ? $client['email'] : null,
            trim(($client['firstname'] ?? '') . ' ' . ($client['lastname'] ?? '')) ?: null,
            'WHMCS service #' . $params->serviceId()
        ));
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
}
