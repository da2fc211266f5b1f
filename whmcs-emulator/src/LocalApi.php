<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * localAPI($command, $values, $adminUser): the internal API calls a module makes, answering in WHMCS's shape:
 * ['result' => 'success', ...] or ['result' => 'error', 'message' => ...]. An exception inside a command becomes an
 * error result, as WHMCS's localAPI catches it. A command the emulator does not implement throws: a test must not
 * mistake an emulator gap for a WHMCS answer.
 */
final class LocalApi
{
    public function __construct(private readonly Whmcs $whmcs)
    {
    }

    /** @param array<string, mixed> $values */
    public function call(string $command, array $values, string $adminUser = ''): array
    {
        $method = match (strtolower($command)) {
            'getclientsdetails' => 'getClientsDetails',
            'getclientsproducts' => 'getClientsProducts',
            'updateclientproduct' => 'updateClientProduct',
            'encryptpassword' => 'encryptPassword',
            'decryptpassword' => 'decryptPassword',
            'modulecreate' => 'moduleCreate',
            'modulesuspend' => 'moduleSuspend',
            'moduleunsuspend' => 'moduleUnsuspend',
            'moduleterminate' => 'moduleTerminate',
            'modulechangepw' => 'moduleChangePw',
            'modulechangepackage' => 'moduleChangePackage',
            default => throw new \LogicException("localAPI command '$command' is not emulated"),
        };
        try {
            return $this->$method($values);
        } catch (ContractViolation $e) {
            throw $e;
        } catch (\Throwable $e) {
            return ['result' => 'error', 'message' => $e->getMessage()];
        }
    }

    /** @param array<string, mixed> $v */
    private function getClientsDetails(array $v): array
    {
        $query = $this->whmcs->db()->table('tblclients');
        if (!empty($v['clientid'])) {
            $query->where('id', (int) $v['clientid']);
        } elseif (!empty($v['email'])) {
            $query->where('email', (string) $v['email']);
        } else {
            return self::error('Client ID or Email Address Required');
        }
        $row = $query->first();
        if ($row === null) {
            return self::error('Client Not Found');
        }
        $c = (array) $row;
        unset($c['password']);
        $client = ['userid' => (int) $c['id'], 'id' => (int) $c['id'], 'fullname' => trim($c['firstname'] . ' ' . $c['lastname'])] + $c;
        // WHMCS answers with the client's fields both flat and under 'client'.
        return ['result' => 'success'] + $client + ['client' => $client];
    }

    /** @param array<string, mixed> $v */
    private function getClientsProducts(array $v): array
    {
        $query = $this->whmcs->db()->table('tblhosting')->orderBy('id');
        foreach (['clientid' => 'userid', 'serviceid' => 'id', 'pid' => 'packageid', 'domain' => 'domain', 'username2' => 'username'] as $param => $column) {
            if (isset($v[$param]) && $v[$param] !== '') {
                $query->where($column, $v[$param]);
            }
        }
        $products = [];
        foreach ($query->get() as $s) {
            $product = $this->whmcs->productRow((int) $s->packageid);
            $server = (int) $s->server > 0 ? $this->whmcs->db()->table('tblservers')->where('id', $s->server)->first() : null;
            $params = $this->whmcs->modules()->params((int) $s->id);
            $customFields = [];
            foreach ($this->whmcs->db()->table('tblcustomfields')->where('type', 'product')->where('relid', $s->packageid)->orderBy('id')->get() as $f) {
                $customFields[] = [
                    'id' => (int) $f->id,
                    'name' => (string) $f->fieldname,
                    'translated_name' => (string) $f->fieldname,
                    'value' => (string) ($this->whmcs->db()->table('tblcustomfieldsvalues')->where('fieldid', $f->id)->where('relid', $s->id)->value('value') ?? ''),
                ];
            }
            $products[] = [
                'id' => (int) $s->id,
                'clientid' => (int) $s->userid,
                'orderid' => (int) $s->orderid,
                'pid' => (int) $s->packageid,
                'regdate' => (string) $s->regdate,
                'name' => (string) $product['name'],
                'translated_name' => (string) $product['name'],
                'groupname' => (string) ($this->whmcs->db()->table('tblproductgroups')->where('id', $product['gid'])->value('name') ?? ''),
                'domain' => (string) $s->domain,
                'dedicatedip' => (string) $s->dedicatedip,
                'serverid' => (int) $s->server,
                'servername' => (string) ($server->name ?? ''),
                'serverip' => (string) ($server->ipaddress ?? ''),
                'serverhostname' => (string) ($server->hostname ?? ''),
                'suspensionreason' => (string) $s->suspendreason,
                'firstpaymentamount' => (string) $s->firstpaymentamount,
                'recurringamount' => (string) $s->amount,
                'paymentmethod' => (string) $s->paymentmethod,
                'billingcycle' => (string) $s->billingcycle,
                'nextduedate' => (string) $s->nextduedate,
                'status' => (string) $s->domainstatus,
                'username' => (string) $s->username,
                'password' => $this->whmcs->decrypt((string) $s->password),
                'subscriptionid' => (string) $s->subscriptionid,
                'notes' => (string) $s->notes,
                'diskusage' => (int) $s->diskusage,
                'disklimit' => (int) $s->disklimit,
                'bwusage' => (int) $s->bwusage,
                'bwlimit' => (int) $s->bwlimit,
                'lastupdate' => (string) ($s->lastupdate ?? '0000-00-00 00:00:00'),
                'customfields' => ['customfield' => $customFields],
                'configoptions' => ['configoption' => array_map(
                    static fn (string $name, int|string $value): array => ['option' => $name, 'value' => $value],
                    array_keys($params['configoptions']),
                    array_values($params['configoptions'])
                )],
            ];
        }
        return [
            'result' => 'success',
            'clientid' => $v['clientid'] ?? '',
            'serviceid' => $v['serviceid'] ?? '',
            'pid' => $v['pid'] ?? '',
            'domain' => $v['domain'] ?? '',
            'totalresults' => count($products),
            'startnumber' => 0,
            'numreturned' => count($products),
            'products' => ['product' => $products],
        ];
    }

    /** @param array<string, mixed> $v */
    private function updateClientProduct(array $v): array
    {
        $id = (int) ($v['serviceid'] ?? 0);
        if ($this->whmcs->db()->table('tblhosting')->where('id', $id)->doesntExist()) {
            return self::error('Service ID Not Found');
        }
        $update = [];
        $columns = [
            'serviceusername' => 'username', 'domain' => 'domain', 'notes' => 'notes', 'dedicatedip' => 'dedicatedip',
            'suspendreason' => 'suspendreason', 'pid' => 'packageid', 'serverid' => 'server',
            'diskusage' => 'diskusage', 'disklimit' => 'disklimit', 'bwusage' => 'bwusage', 'bwlimit' => 'bwlimit',
        ];
        foreach ($columns as $param => $column) {
            if (array_key_exists($param, $v)) {
                $update[$column] = $v[$param];
            }
        }
        if (array_key_exists('servicepassword', $v)) {
            // Stored encrypted, like every service password.
            $update['password'] = $this->whmcs->encrypt((string) $v['servicepassword']);
        }
        if (array_key_exists('status', $v)) {
            $status = (string) $v['status'];
            if (!in_array($status, \WHMCS\Service\Status::ALL, true)) {
                return self::error('Invalid Status');
            }
            $update['domainstatus'] = $status;
        }
        if ($update !== []) {
            $this->whmcs->db()->table('tblhosting')->where('id', $id)->update($update);
        }
        return ['result' => 'success', 'serviceid' => $id];
    }

    /** @param array<string, mixed> $v */
    private function encryptPassword(array $v): array
    {
        return ['result' => 'success', 'password' => $this->whmcs->encrypt((string) ($v['password2'] ?? ''))];
    }

    /** @param array<string, mixed> $v */
    private function decryptPassword(array $v): array
    {
        return ['result' => 'success', 'password' => $this->whmcs->decrypt((string) ($v['password2'] ?? ''))];
    }

    /** @param array<string, mixed> $v */
    private function moduleCreate(array $v): array
    {
        return $this->moduleResult($v, fn (int $id): string => $this->whmcs->modules()->create($id));
    }

    /** @param array<string, mixed> $v */
    private function moduleSuspend(array $v): array
    {
        return $this->moduleResult($v, fn (int $id): string => $this->whmcs->modules()->suspend($id, (string) ($v['suspendreason'] ?? '')));
    }

    /** @param array<string, mixed> $v */
    private function moduleUnsuspend(array $v): array
    {
        return $this->moduleResult($v, fn (int $id): string => $this->whmcs->modules()->unsuspend($id));
    }

    /** @param array<string, mixed> $v */
    private function moduleTerminate(array $v): array
    {
        return $this->moduleResult($v, fn (int $id): string => $this->whmcs->modules()->terminate($id));
    }

    /** @param array<string, mixed> $v */
    private function moduleChangePw(array $v): array
    {
        $password = isset($v['servicepassword']) ? (string) $v['servicepassword'] : null;
        return $this->moduleResult($v, fn (int $id): string => $this->whmcs->modules()->changePassword($id, $password));
    }

    /** @param array<string, mixed> $v */
    private function moduleChangePackage(array $v): array
    {
        return $this->moduleResult($v, fn (int $id): string => $this->whmcs->modules()->changePackage($id));
    }

    /**
     * The Module* commands take serviceid (older: accountid) and answer success or the module's error text.
     *
     * @param array<string, mixed> $v
     * @param callable(int): string $run
     */
    private function moduleResult(array $v, callable $run): array
    {
        $id = (int) ($v['serviceid'] ?? $v['accountid'] ?? 0);
        if ($this->whmcs->db()->table('tblhosting')->where('id', $id)->doesntExist()) {
            return self::error('Service ID Not Found');
        }
        $result = $run($id);
        return $result === 'success' ? ['result' => 'success'] : self::error($result);
    }

    private static function error(string $message): array
    {
        return ['result' => 'error', 'message' => $message];
    }
}
