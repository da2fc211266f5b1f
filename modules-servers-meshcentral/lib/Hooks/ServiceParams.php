<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Hooks;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Meshcentral\ModuleFunction\MetaData;

/**
 * The module params of one service, for hooks: WHMCS passes a hook only its own variables (a client id, a service
 * id), not the module params. Built from the tables WHMCS documents (tblhosting, tblproducts, tblservers,
 * tblclients) the way WHMCS fills `$params` for a module call: module settings by position, the server's password
 * decrypted with WHMCS's decrypt(), the port from the server or else the module's DefaultSSLPort/DefaultNonSSLPort.
 */
final class ServiceParams
{
    /** @return array<string, mixed>|null null when the service, its product or its server is missing */
    public static function forService(int $serviceId): ?array
    {
        $service = Capsule::table('tblhosting')->where('id', $serviceId)->first();
        if ($service === null) {
            return null;
        }
        $product = Capsule::table('tblproducts')->where('id', $service->packageid)->first();
        $server = Capsule::table('tblservers')->where('id', $service->server)->first();
        $client = Capsule::table('tblclients')->where('id', $service->userid)->first();
        if ($product === null || $server === null || $client === null) {
            return null;
        }
        $params = [
            'serviceid' => (int) $service->id,
            'userid' => (int) $service->userid,
            'pid' => (int) $product->id,
            'serverid' => (int) $server->id,
            'domain' => (string) $service->domain,
            'username' => (string) $service->username,
            'status' => (string) $service->domainstatus,
            'moduletype' => (string) $product->servertype,
        ];
        for ($i = 1; $i <= 24; $i++) {
            $params['configoption' . $i] = (string) ($product->{'configoption' . $i} ?? '');
        }
        $params += self::serverFields($server);
        $params['clientsdetails'] = [
            'id' => (int) $client->id,
            'firstname' => (string) $client->firstname,
            'lastname' => (string) $client->lastname,
            'companyname' => (string) $client->companyname,
            'email' => (string) $client->email,
            'language' => (string) $client->language,
        ];
        return $params;
    }

    /**
     * The params of a server-level module call (as WHMCS passes UsageUpdate or TestConnection: server fields only, no
     * product), for hooks that act per server (the daily sweep).
     *
     * @return array<string, mixed>|null null when the server is missing
     */
    public static function forServer(int $serverId): ?array
    {
        $server = Capsule::table('tblservers')->where('id', $serverId)->first();
        return $server === null ? null : ['serverid' => (int) $server->id] + self::serverFields($server);
    }

    /** @return array<string, mixed> */
    private static function serverFields(object $server): array
    {
        $secure = (string) $server->secure !== '';
        $port = (string) ($server->port ?? '');
        if ($port === '') {
            $meta = (new MetaData())();
            $port = (string) $meta[$secure ? 'DefaultSSLPort' : 'DefaultNonSSLPort'];
        }
        return [
            'server' => true,
            'serverip' => (string) $server->ipaddress,
            'serverhostname' => (string) $server->hostname,
            'serverusername' => (string) $server->username,
            'serverpassword' => function_exists('decrypt') ? (string) decrypt((string) $server->password) : '',
            'serveraccesshash' => (string) $server->accesshash,
            'serversecure' => $secure,
            'serverport' => $port,
        ];
    }
}
