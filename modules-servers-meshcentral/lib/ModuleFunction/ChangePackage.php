<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * WHMCS calls this after a product upgrade/downgrade and after a configurable-option upgrade/downgrade, with the new
 * product and options already in `$params`. The rights preset of the new plan (product setting 1, or the
 * configurable option rights_preset) is relinked through the core's change_package op. The device limit (product
 * setting 4 + the option extra_devices) is the module's own rule, read from `$params` on every page and button
 * (Config\ServicePlan), so there is nothing to write for it in MeshCentral; devices already above a lowered limit
 * stay (nothing is removed), the client just cannot add more.
 */
final class ChangePackage implements ChangesMeshCentral
{
    public function __invoke(ServiceContext $ctx): string
    {
        $plan = $ctx->plan();
        $service = $ctx->service();
        $server = $ctx->server();
        $preset = $plan->preset;
        $ctx->op(
            ['op' => 'change_package', 'server' => $server, 'service' => $service, 'preset' => $preset],
            ['service' => $service, 'preset' => $preset, 'device_limit' => $plan->deviceLimit()]
        );
        return 'success';
    }
}
