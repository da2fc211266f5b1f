<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use MeshCentralConnector\Connector;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * The Server Sync tool's account list: every service this WHMCS install provisioned on the server (found by the
 * marker in the group description; other installs' and hand-made groups are left out). Unique identifier: the
 * MeshCentral username (= the WHMCS service username); product field: the rights preset (product setting 1).
 */
final class ListAccounts
{
    /** @return array{success: bool, accounts: list<array<string, string>>} */
    public function __invoke(ServiceContext $ctx): array
    {
        $server = $ctx->server();
        $prefix = 'whmcs-' . $ctx->store->installTag() . '-';
        $list = $ctx->run('ListAccounts', ['key_prefix' => $prefix], static fn (Connector $c): array => $c->listAccounts($server, $prefix));
        $accounts = [];
        foreach ($list as $a) {
            $accounts[] = [
                'email' => '',
                'username' => (string) $a['username'],
                'domain' => (string) $a['group_name'],
                'uniqueIdentifier' => (string) $a['username'],
                'product' => (string) ($a['preset'] ?? ''),
                'primaryip' => '',
                'created' => '',
                'status' => $a['locked'] ? 'Suspended' : 'Active',
            ];
        }
        return ['success' => true, 'accounts' => $accounts];
    }
}
