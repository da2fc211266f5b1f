<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Hooks;

use WHMCS\Module\Server\Meshcentral\FunctionRunner;
use WHMCS\Module\Server\Meshcentral\Support\ModuleLog;

/**
 * Runs a hook so that nothing reaches WHMCS: a hook that throws breaks the admin's or client's page (WHMCS runs hooks
 * inline, e.g. while saving a client), so every failure is caught and written to the activity log instead.
 */
final class Guard
{
    /** @param array<string, mixed> $vars */
    public static function run(string $hook, callable $body, array $vars): void
    {
        try {
            $body($vars);
        } catch (\Throwable $e) {
            try {
                (new ModuleLog())->activity(
                    $hook . ' hook failed',
                    (int) ($vars['serviceid'] ?? 0),
                    (int) ($vars['userid'] ?? 0),
                    get_class($e) . ': ' . FunctionRunner::describe($e)
                );
            } catch (\Throwable) {
                // Not even the log works: stay silent rather than break WHMCS's page.
            }
        }
    }
}
