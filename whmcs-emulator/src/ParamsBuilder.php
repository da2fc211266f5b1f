<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * Builds the $params array WHMCS passes to module functions ("Module Parameters" in the WHMCS developer docs).
 */
final class ParamsBuilder
{
    public function __construct(private readonly Whmcs $whmcs)
    {
    }

    /** @return array<string, mixed> the params of a service-level call (CreateAccount, ClientArea, ...) */
    public function forService(int $serviceId): array
    {
        $service = $this->whmcs->serviceRow($serviceId);
        $product = $this->whmcs->productRow((int) $service['packageid']);
        $module = (string) $product['servertype'];

        $params = [
            'accountid' => $serviceId,
            'serviceid' => $serviceId,
            'addonId' => 0,
            'userid' => (int) $service['userid'],
            'domain' => (string) $service['domain'],
            'username' => (string) $service['username'],
            // Stored encrypted in tblhosting; modules receive it decrypted.
            'password' => $this->whmcs->decrypt((string) $service['password']),
            'packageid' => (int) $product['id'],
            'pid' => (int) $product['id'],
            'serverid' => (int) $service['server'],
            // Not in WHMCS's documented parameter list (developer docs, "Module Parameters"); the documented way to the
            // status is the service model below ($params['model']->domainstatus / ->status).
            'status' => (string) $service['domainstatus'],
            'type' => (string) $product['type'],
            'producttype' => (string) $product['type'],
            'moduletype' => $module,
        ];
        // Module settings BY POSITION, as saved on the product's Module Settings tab (a ticked yesno is 'on').
        for ($i = 1; $i <= 24; $i++) {
            $params['configoption' . $i] = (string) $product['configoption' . $i];
        }
        $params['customfields'] = $this->customFields($serviceId, (int) $product['id']);
        $params['configoptions'] = $this->configurableOptions($serviceId, (int) $product['id']);
        $params['model'] = \WHMCS\Service\Service::find($serviceId);

        $serverId = (int) $service['server'];
        $params += $serverId > 0 ? $this->serverFields($serverId, $module) : self::noServerFields();
        $params['clientsdetails'] = $this->clientsDetails((int) $service['userid']);
        return $params;
    }

    /**
     * The params of ConfigOptions on a product's Module Settings tab: WHMCS calls `<module>_ConfigOptions($params)`
     * there with the product's fields (the developer docs' examples take `$params`; WHMCS's cPanel module reads
     * `$params['producttype']` in it), not a service's. Null: a product not saved yet (no settings).
     *
     * @return array<string, mixed>
     */
    public function forProduct(?int $productId, string $module): array
    {
        $product = $productId === null ? null : $this->whmcs->productRow($productId);
        $params = [
            'pid' => (int) ($product['id'] ?? 0),
            'packageid' => (int) ($product['id'] ?? 0),
            'producttype' => (string) ($product['type'] ?? 'hostingaccount'),
            'type' => (string) ($product['type'] ?? 'hostingaccount'),
            'moduletype' => $module,
        ];
        for ($i = 1; $i <= 24; $i++) {
            $params['configoption' . $i] = (string) ($product['configoption' . $i] ?? '');
        }
        return $params;
    }

    /**
     * @return array<string, mixed> the params of a server-level call (TestConnection, ListAccounts, UsageUpdate,
     *         AdminSingleSignOn, config option loaders): only the server's fields
     */
    public function forServer(int $serverId): array
    {
        $server = $this->whmcs->serverRow($serverId);
        return $this->serverFields($serverId, (string) $server['type']);
    }

    /** @return array<string, mixed> */
    private function serverFields(int $serverId, string $module): array
    {
        $server = $this->whmcs->serverRow($serverId);
        $secure = (string) $server['secure'] !== '';
        $port = $server['port'] === null || (string) $server['port'] === '' ? '' : (string) $server['port'];
        if ($port === '' && $module !== '') {
            // No port on the server: the module's MetaData DefaultSSLPort / DefaultNonSSLPort.
            $meta = $this->whmcs->modules()->metaData($module);
            $port = (string) ($meta[$secure ? 'DefaultSSLPort' : 'DefaultNonSSLPort'] ?? '');
        }
        return [
            'server' => true,
            'serverid' => $serverId,
            'serverip' => (string) $server['ipaddress'],
            'serverhostname' => (string) $server['hostname'],
            'serverusername' => (string) $server['username'],
            'serverpassword' => $this->whmcs->decrypt((string) $server['password']),
            'serveraccesshash' => (string) $server['accesshash'],
            'serversecure' => $secure,
            'serverhttpprefix' => $secure ? 'https' : 'http',
            'serverport' => $port,
        ];
    }

    /** @return array<string, mixed> a service without a server (a module with RequiresServer false) */
    private static function noServerFields(): array
    {
        return [
            'server' => false,
            'serverid' => 0,
            'serverip' => '',
            'serverhostname' => '',
            'serverusername' => '',
            'serverpassword' => '',
            'serveraccesshash' => '',
            'serversecure' => false,
            'serverhttpprefix' => '',
            'serverport' => '',
        ];
    }

    /** @return array<string, mixed> */
    private function clientsDetails(int $clientId): array
    {
        $c = $this->whmcs->clientRow($clientId);
        return [
            'userid' => (int) $c['id'],
            'id' => (int) $c['id'],
            'uuid' => (string) $c['uuid'],
            'firstname' => (string) $c['firstname'],
            'lastname' => (string) $c['lastname'],
            'fullname' => trim($c['firstname'] . ' ' . $c['lastname']),
            'companyname' => (string) $c['companyname'],
            'email' => (string) $c['email'],
            'address1' => (string) $c['address1'],
            'address2' => (string) $c['address2'],
            'city' => (string) $c['city'],
            'state' => (string) $c['state'],
            'fullstate' => (string) $c['state'],
            'postcode' => (string) $c['postcode'],
            'countrycode' => (string) $c['country'],
            'country' => (string) $c['country'],
            'phonenumber' => (string) $c['phonenumber'],
            // '' means the system default language.
            'language' => (string) $c['language'],
            'status' => (string) $c['status'],
        ];
    }

    /** @return array<string, string> product custom fields by name ("name|Label" arrives as "name") */
    private function customFields(int $serviceId, int $productId): array
    {
        $fields = $this->whmcs->db()->table('tblcustomfields')
            ->where('type', 'product')->where('relid', $productId)->orderBy('sortorder')->orderBy('id')->get();
        $out = [];
        foreach ($fields as $field) {
            $value = $this->whmcs->db()->table('tblcustomfieldsvalues')
                ->where('fieldid', $field->id)->where('relid', $serviceId)->value('value');
            $out[self::beforePipe((string) $field->fieldname)] = (string) ($value ?? '');
        }
        return $out;
    }

    /**
     * @return array<string, int|string> configurable options by name ("name|Label" arrives as "name"): the chosen
     *         sub-option name for dropdown/radio, the quantity for yes/no (0/1) and quantity options
     */
    private function configurableOptions(int $serviceId, int $productId): array
    {
        $db = $this->whmcs->db();
        $groups = $db->table('tblproductconfiglinks')->where('pid', $productId)->pluck('gid')->all();
        $out = [];
        foreach ($db->table('tblproductconfigoptions')->whereIn('gid', $groups)->orderBy('order')->orderBy('id')->get() as $o) {
            $chosen = $db->table('tblhostingconfigoptions')->where('relid', $serviceId)->where('configid', $o->id)->first();
            $name = self::beforePipe((string) $o->optionname);
            if (in_array((int) $o->optiontype, [1, 2], true)) {
                $sub = $chosen === null ? null : $db->table('tblproductconfigoptionssub')->where('id', $chosen->optionid)->value('optionname');
                $out[$name] = self::beforePipe((string) ($sub ?? ''));
            } else {
                $out[$name] = $chosen === null ? 0 : (int) $chosen->qty;
            }
        }
        return $out;
    }

    private static function beforePipe(string $name): string
    {
        return explode('|', $name, 2)[0];
    }
}
