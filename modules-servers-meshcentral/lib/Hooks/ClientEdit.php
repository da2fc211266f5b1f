<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Hooks;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Meshcentral\FunctionRunner;
use WHMCS\Module\Server\Meshcentral\Params;
use WHMCS\Module\Server\Meshcentral\ServiceContext;

/**
 * WHMCS's ClientEdit hook (a client's details were saved, by staff, the client or the API): the real name and
 * e-mail of the MeshCentral account of each of the client's services on this module that a successful Create
 * provisioned and that is Active or Suspended (a suspended account keeps its contact details current; a Pending,
 * Terminated or Cancelled one has no account to update). Nothing is sent when neither the name nor the e-mail changed
 * (WHMCS passes the previous values as `olddata`). One service failing does not stop the others; each failure is
 * written to the activity log with the service id.
 */
final class ClientEdit
{
    /** @param array<string, mixed> $vars */
    public function __invoke(array $vars): void
    {
        $clientId = (int) ($vars['userid'] ?? 0);
        if ($clientId <= 0) {
            return;
        }
        $realname = trim(trim((string) ($vars['firstname'] ?? '')) . ' ' . trim((string) ($vars['lastname'] ?? '')));
        $email = trim((string) ($vars['email'] ?? ''));
        $old = is_array($vars['olddata'] ?? null) ? $vars['olddata'] : null;
        if ($old !== null) {
            $oldName = trim(trim((string) ($old['firstname'] ?? '')) . ' ' . trim((string) ($old['lastname'] ?? '')));
            if ($oldName === $realname && strcasecmp(trim((string) ($old['email'] ?? '')), $email) === 0) {
                return;
            }
        }
        if ($realname === '' && $email === '') {
            return;
        }
        $services = Capsule::table('tblhosting')
            ->join('tblproducts', 'tblproducts.id', '=', 'tblhosting.packageid')
            ->where('tblhosting.userid', $clientId)
            ->where('tblproducts.servertype', 'meshcentral')
            ->whereIn('tblhosting.domainstatus', ['Active', 'Suspended'])
            ->orderBy('tblhosting.id')
            ->pluck('tblhosting.id')
            ->all();
        foreach ($services as $serviceId) {
            $this->update((int) $serviceId, $clientId, $realname, $email);
        }
    }

    private function update(int $serviceId, int $clientId, string $realname, string $email): void
    {
        $ctx = null;
        try {
            $params = ServiceParams::forService($serviceId);
            if ($params === null) {
                return;
            }
            $ctx = new ServiceContext(new Params($params), 'ClientEdit');
            if ($ctx->store->provisioned($serviceId) === null) {
                return;
            }
            $service = $ctx->service();
            $server = $ctx->server();
            $ctx->op(
                ['op' => 'update_contact', 'server' => $server, 'service' => $service, 'realname' => $realname !== '' ? $realname : null, 'email' => $email !== '' ? $email : null],
                ['service' => $service, 'realname' => $realname, 'email' => $email]
            );
        } catch (\Throwable $e) {
            $log = $ctx?->log ?? new \WHMCS\Module\Server\Meshcentral\Support\ModuleLog();
            $log->activity(($ctx?->action ?? 'ClientEdit') . ': contact details not updated in MeshCentral', $serviceId, $clientId, get_class($e) . ': ' . FunctionRunner::describe($e));
        }
    }
}
