<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * Logs in with the server's settings and checks the account can do the connector's job (full site admin that
 * manages all device groups). Reports every problem it finds, not only the first, and which backend runs the Wasm
 * core and why (Wasmer through FFI, or the translated PHP module), in the module log and in failure messages.
 *
 * Settings that work but leave the connection open to interception (verify_tls=no, plain http://) still pass, but
 * each warning the core reports goes to WHMCS's activity log (always recorded) and the module log, and is appended
 * to a failure message.
 */
final class TestConnection
{
    /** @return array{success: bool, error: string} */
    public function __invoke(ServiceContext $ctx): array
    {
        $server = $ctx->server();
        $backend = $ctx->connector()->backend();
        $runsOn = sprintf('Wasm core runs on %s (%s)', $backend['backend'], $backend['reason']);
        $ctx->log->call($ctx->action, ['backend' => $backend], $runsOn);
        $report = $ctx->op(['op' => 'test_connection', 'server' => $server], ['url' => $server['url'], 'username' => $server['username']]);
        $warnings = array_values(array_map('strval', (array) ($report['warnings'] ?? [])));
        foreach ($warnings as $warning) {
            $ctx->log->activity(sprintf('%s warning for server %d (%s)', $ctx->action, $ctx->params->serverId(), $server['url']), 0, 0, $warning);
        }
        if ($warnings !== []) {
            $ctx->log->call($ctx->action . ' warnings', ['url' => $server['url']], $warnings);
        }
        $rights = (array) ($report['rights'] ?? []);
        if (($rights['ok'] ?? false) !== true) {
            $also = $warnings === [] ? '' : ' Warning: ' . implode('; ', $warnings) . '.';
            return ['success' => false, 'error' => 'Connected, but the account lacks: ' . implode(', ', (array) ($rights['missing'] ?? ['(unknown)'])) . ". $runsOn.$also"];
        }
        return ['success' => true, 'error' => ''];
    }
}
