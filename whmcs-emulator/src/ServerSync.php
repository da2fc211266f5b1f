<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * WHMCS's Sync Accounts tool for one server (docs.whmcs.com "Sync Accounts"; developer docs "Server Sync"):
 *
 * 1. `<module>_ListAccounts(server params)`, checked by FunctionCaller::listAccounts (the documented keys, all strings,
 *    `created` in `Y-m-d H:i:s`, status Active or Suspended, a non-empty, unambiguous uniqueIdentifier).
 * 2. Each account's `uniqueIdentifier` is matched against the field of the server's services named by MetaData's
 *    ListAccountsUniqueIdentifierField (`domain`, `username` or `customfield.<name>`); services of other modules or
 *    servers, and Terminated / Cancelled / Fraud ones, take no part.
 * 3. Matched: every difference in domain, primary IP (`dedicatedip`), username, product (the product of this module
 *    whose ListAccountsProductField holds the account's `product`), status and creation date (`regdate`, the date
 *    of `created`) is written into the service.
 * 4. Unmatched accounts are imported as new services: the client with that e-mail (a new client when none), the
 *    product found by the product field (a new product of this module when none), the account's fields.
 * 5. Active or Suspended services of the server that the list does not hold are reported as missing; with
 *    $terminateMissing (the admin ticking them), their status becomes Terminated. WHMCS's docs describe this as the
 *    system setting the status, not as a module call, so no TerminateAccount runs.
 *
 * $apply false is the analysis step alone (the report, nothing written). $only restricts the actions to those
 * uniqueIdentifiers (and, for missing services, service ids), like ticking single rows.
 */
final class ServerSync
{
    private const IGNORED_STATUSES = ['Terminated', 'Cancelled', 'Fraud'];

    public function __construct(private readonly Whmcs $whmcs)
    {
    }

    /**
     * @param list<string>|null $only
     * @return array{matched: list<array{serviceid: int, uniqueIdentifier: string, changes: array<string, array{0: string, 1: string}>}>,
     *     imported: list<array{serviceid: int|null, uniqueIdentifier: string}>, missing: list<int>, terminated: list<int>}
     */
    public function run(int $serverId, bool $terminateMissing = false, bool $apply = true, ?array $only = null): array
    {
        $runner = $this->whmcs->modules();
        $module = $runner->moduleOfServer($serverId);
        $list = $runner->listAccounts($serverId);
        if ($list['success'] !== true) {
            throw new \RuntimeException('Sync Accounts: ' . ($list['error'] ?? 'the module reported a failure'));
        }
        $meta = $runner->metaData($module);
        $uniqueField = FunctionCaller::uniqueField($meta, "{$module}_MetaData");
        $productField = (string) ($meta['ListAccountsProductField'] ?? '');
        $db = $this->whmcs->db();

        $services = $db->table('tblhosting')->join('tblproducts', 'tblproducts.id', '=', 'tblhosting.packageid')
            ->where('tblhosting.server', $serverId)->where('tblproducts.servertype', $module)
            ->whereNotIn('tblhosting.domainstatus', self::IGNORED_STATUSES)
            ->orderBy('tblhosting.id')->get(['tblhosting.*'])->map(static fn (object $r): array => (array) $r)->all();
        $byIdentifier = [];
        foreach ($services as $service) {
            $byIdentifier[$this->identifierOf($service, $uniqueField)][] = $service;
        }
        $picked = static fn (string $id): bool => $only === null || in_array($id, $only, true);

        $report = ['matched' => [], 'imported' => [], 'missing' => [], 'terminated' => []];
        $matchedIds = [];
        foreach ($list['accounts'] as $account) {
            $id = $account['uniqueIdentifier'];
            $candidates = $byIdentifier[$id] ?? [];
            if (count($candidates) > 1) {
                throw new \RuntimeException("Sync Accounts: services " . implode(', ', array_column($candidates, 'id')) . " all have $uniqueField '$id'");
            }
            if ($candidates === []) {
                $serviceId = $apply && $picked($id) ? $this->import($serverId, $module, $productField, $account) : null;
                $report['imported'][] = ['serviceid' => $serviceId, 'uniqueIdentifier' => $id];
                continue;
            }
            $service = $candidates[0];
            $matchedIds[(int) $service['id']] = true;
            $changes = $this->differences($service, $account, $module, $productField);
            if ($apply && $picked($id) && $changes !== []) {
                $update = [];
                foreach ($changes as $column => [, $new]) {
                    $update[$column] = $new;
                }
                $this->whmcs->updateService((int) $service['id'], $update);
                $this->whmcs->logActivity('Server Sync: Updated Service ID ' . $service['id'] . ' (' . implode(', ', array_keys($changes)) . ')');
            }
            $report['matched'][] = ['serviceid' => (int) $service['id'], 'uniqueIdentifier' => $id, 'changes' => $changes];
        }
        foreach ($services as $service) {
            $serviceId = (int) $service['id'];
            if (isset($matchedIds[$serviceId]) || !in_array($service['domainstatus'], ['Active', 'Suspended'], true)) {
                continue;
            }
            $report['missing'][] = $serviceId;
            if ($apply && $terminateMissing && $picked((string) $serviceId)) {
                $this->whmcs->updateService($serviceId, ['domainstatus' => 'Terminated', 'termination_date' => date('Y-m-d')]);
                $this->whmcs->logActivity("Server Sync: Terminated Service ID $serviceId (not found on the server)");
                $report['terminated'][] = $serviceId;
            }
        }
        return $report;
    }

    /** @param array<string, mixed> $service */
    private function identifierOf(array $service, string $field): string
    {
        if (!str_starts_with($field, 'customfield.')) {
            return (string) $service[$field];
        }
        $name = substr($field, strlen('customfield.'));
        $fieldId = $this->whmcs->db()->table('tblcustomfields')->where('type', 'product')->where('relid', $service['packageid'])
            ->where(fn ($q) => $q->where('fieldname', $name)->orWhere('fieldname', 'like', $name . '|%'))->value('id');
        if ($fieldId === null) {
            return '';
        }
        return (string) ($this->whmcs->db()->table('tblcustomfieldsvalues')->where('fieldid', $fieldId)->where('relid', $service['id'])->value('value') ?? '');
    }

    /**
     * @param array<string, mixed> $service
     * @param array<string, string> $account
     * @return array<string, array{0: string, 1: string}> tblhosting column => [WHMCS value, server value]
     */
    private function differences(array $service, array $account, string $module, string $productField): array
    {
        $wanted = [
            'domain' => $account['domain'],
            'dedicatedip' => $account['primaryip'],
            'username' => $account['username'],
            'domainstatus' => $account['status'],
            'regdate' => substr($account['created'], 0, 10),
        ];
        $changes = [];
        foreach ($wanted as $column => $value) {
            $current = (string) ($service[$column] ?? '');
            if ($current !== $value) {
                $changes[$column] = [$current, $value];
            }
        }
        if ($productField !== '') {
            $current = (string) $this->whmcs->productRow((int) $service['packageid'])[$productField];
            if ($current !== $account['product']) {
                $changes['packageid'] = [(string) $service['packageid'], (string) $this->productFor($module, $productField, $account['product'])];
            }
        }
        return $changes;
    }

    /** The product of this module whose product field holds $value (the first by id), made when there is none. */
    private function productFor(string $module, string $productField, string $value): int
    {
        if ($productField === '') {
            return (int) ($this->whmcs->db()->table('tblproducts')->where('servertype', $module)->orderBy('id')->value('id')
                ?? $this->whmcs->addProduct(['servertype' => $module, 'name' => "$module (imported)"]));
        }
        $id = $this->whmcs->db()->table('tblproducts')->where('servertype', $module)->where($productField, $value)->orderBy('id')->value('id');
        return (int) ($id ?? $this->whmcs->addProduct([
            'servertype' => $module,
            'name' => $value !== '' ? $value : "$module (imported)",
            $productField => $value,
        ]));
    }

    /** @param array<string, string> $account */
    private function import(int $serverId, string $module, string $productField, array $account): int
    {
        $db = $this->whmcs->db();
        $email = trim($account['email']);
        $clientId = $email !== '' ? $db->table('tblclients')->whereRaw('lower(email) = ?', [strtolower($email)])->value('id') : null;
        $clientId ??= $this->whmcs->addClient(['firstname' => $account['username'], 'lastname' => '', 'email' => $email]);
        $serviceId = $this->whmcs->addService([
            'userid' => (int) $clientId,
            'packageid' => $this->productFor($module, $productField, $account['product']),
            'server' => $serverId,
            'domain' => $account['domain'],
            'username' => $account['username'],
            'dedicatedip' => $account['primaryip'],
            'regdate' => substr($account['created'], 0, 10),
            'domainstatus' => $account['status'],
        ]);
        $this->whmcs->logActivity("Server Sync: Imported Service ID $serviceId ({$account['uniqueIdentifier']})");
        return $serviceId;
    }
}
