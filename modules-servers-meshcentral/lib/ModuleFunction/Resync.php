<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * Admin button: re-runs provisioning, which only adds what is missing (a user deleted by hand, a lost link, wrong
 * rights), so a service that drifted in MeshCentral is repaired without touching the rest.
 */
final class Resync implements ChangesMeshCentral
{
    public function __invoke(ServiceContext $ctx): string
    {
        return (new CreateAccount())($ctx);
    }
}
