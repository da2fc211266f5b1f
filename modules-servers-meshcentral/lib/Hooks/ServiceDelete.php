<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Hooks;

use WHMCS\Module\Server\Meshcentral\Storage\ServiceStore;
use WHMCS\Module\Server\Meshcentral\Support\ModuleLog;

/**
 * WHMCS's ServiceDelete hook (staff deleted a service record; WHMCS runs no module function for that). A service that
 * was terminated has no group id left in the module's table; one that still has one was deleted while its
 * MeshCentral group, user and devices exist. The module then writes a warning to the activity log naming the
 * service, the group and the user, and changes nothing in MeshCentral: deleting remote objects because a billing
 * record was removed would surprise an admin (records are also deleted to clean up duplicates or test orders), and
 * WHMCS has already dropped the service's server and product by now. The row is kept, so the ids stay on record.
 */
final class ServiceDelete
{
    public function __construct(private readonly ServiceStore $store = new ServiceStore())
    {
    }

    /** @param array<string, mixed> $vars */
    public function __invoke(array $vars): void
    {
        $serviceId = (int) ($vars['serviceid'] ?? 0);
        $clientId = (int) ($vars['clientId'] ?? $vars['userid'] ?? 0);
        $row = $serviceId > 0 ? $this->store->find($serviceId) : null;
        if ($row === null || ($row['mesh_id'] ?? null) === null || $row['mesh_id'] === '') {
            return;
        }
        (new ModuleLog())->activity(
            'warning: service deleted without Terminate',
            $serviceId,
            $clientId,
            sprintf(
                "its MeshCentral device group '%s' (service key %s) and user '%s' still exist, with any devices in it. "
                . 'Nothing was removed. Delete them in MeshCentral (move devices you keep to another group first), or '
                . 'terminate services before deleting them.',
                $row['mesh_id'],
                $row['service_key'],
                (string) ($row['username'] ?? '')
            )
        );
    }
}
