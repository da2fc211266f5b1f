<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

use WHMCS\Database\Capsule;
use WHMCS\Service\Service;

/** The $params WHMCS passes to module functions. */
final class ParamsTest extends WhmcsTestCase
{
    public function testServiceParamsHaveWhmcsKeysAndDecryptedPasswords(): void
    {
        $ids = $this->makeService(
            ['configoption4' => true, 'configoption5' => false, 'configoption24' => 'last'],
            ['domain' => 'example.com', 'username' => 'alice', 'password' => 'svc-pass', 'domainstatus' => 'Active']
        );

        $p = $this->whmcs->modules()->params($ids['service']);

        $expected = [
            'accountid' => $ids['service'], 'serviceid' => $ids['service'], 'userid' => $ids['client'],
            'pid' => $ids['product'], 'packageid' => $ids['product'], 'serverid' => $ids['server'],
            'domain' => 'example.com', 'username' => 'alice', 'password' => 'svc-pass', 'status' => 'Active',
            'producttype' => 'hostingaccount', 'type' => 'hostingaccount', 'moduletype' => 'emutest',
            'configoption1' => 'replacement', 'configoption4' => 'on', 'configoption5' => '', 'configoption24' => 'last',
            'server' => true, 'serverip' => '127.0.0.1', 'serverhostname' => 'panel.example.test',
            'serverusername' => 'admin', 'serverpassword' => 'right', 'serveraccesshash' => 'token-123',
            'serversecure' => true, 'serverhttpprefix' => 'https', 'serverport' => '8443',
            'customfields' => [], 'configoptions' => [],
        ];
        foreach ($expected as $key => $value) {
            self::assertArrayHasKey($key, $p);
            self::assertSame($value, $p[$key], $key);
        }
        for ($i = 1; $i <= 24; $i++) {
            self::assertArrayHasKey('configoption' . $i, $p);
        }
        self::assertSame(
            ['id' => $ids['client'], 'firstname' => 'Ada', 'lastname' => 'Lovelace', 'fullname' => 'Ada Lovelace', 'email' => 'ada@example.test', 'language' => ''],
            array_intersect_key($p['clientsdetails'], array_flip(['id', 'firstname', 'lastname', 'fullname', 'email', 'language']))
        );
        self::assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $p['clientsdetails']['uuid']);
        self::assertInstanceOf(Service::class, $p['model']);
        self::assertSame($ids['service'], (int) $p['model']->id);
        self::assertSame('Active', $p['model']->status, "WHMCS's model maps status onto domainstatus");

        // Passwords are stored encrypted in the database.
        self::assertNotSame('svc-pass', Capsule::table('tblhosting')->where('id', $ids['service'])->value('password'));
        self::assertNotSame('right', Capsule::table('tblservers')->where('id', $ids['server'])->value('password'));
    }

    public function testAnInsecureServerWithAnExplicitPort(): void
    {
        $ids = $this->makeService();
        Capsule::table('tblservers')->where('id', $ids['server'])->update(['secure' => '', 'port' => 4430]);

        $p = $this->whmcs->modules()->params($ids['service']);

        self::assertSame([false, 'http', '4430'], [$p['serversecure'], $p['serverhttpprefix'], $p['serverport']]);
    }

    public function testWithoutPortTheModulesDefaultNonSslPortApplies(): void
    {
        $ids = $this->makeService();
        Capsule::table('tblservers')->where('id', $ids['server'])->update(['secure' => '']);

        self::assertSame('8080', $this->whmcs->modules()->params($ids['service'])['serverport']);
    }

    public function testAServiceWithoutServer(): void
    {
        $ids = $this->makeService([], ['server' => 0]);

        $p = $this->whmcs->modules()->params($ids['service']);

        self::assertSame([false, 0, '', ''], [$p['server'], $p['serverid'], $p['serverhostname'], $p['serverpassword']]);
    }

    public function testServerOnlyParams(): void
    {
        $ids = $this->makeService();

        $p = $this->whmcs->modules()->serverParams($ids['server']);

        self::assertSame([
            'server' => true, 'serverid' => $ids['server'], 'serverip' => '127.0.0.1',
            'serverhostname' => 'panel.example.test', 'serverusername' => 'admin', 'serverpassword' => 'right',
            'serveraccesshash' => 'token-123', 'serversecure' => true, 'serverhttpprefix' => 'https', 'serverport' => '8443',
        ], $p);
        $seen = null;
        $GLOBALS['EMUTEST']['TestConnection'] = static function (array $params) use (&$seen): array {
            $seen = $params;
            return ['success' => true, 'error' => ''];
        };
        $this->whmcs->modules()->testConnection($ids['server']);
        self::assertSame($p, $seen);
    }

    public function testCustomFieldsAndConfigurableOptionsArriveByName(): void
    {
        $ids = $this->makeService();
        $this->whmcs->addCustomField($ids['product'], 'meshUser|MeshCentral user', adminOnly: true);
        $this->whmcs->addCustomField($ids['product'], 'Notes');
        $this->whmcs->setCustomFieldValue($ids['service'], 'meshUser', 'user//alice');
        $this->whmcs->addConfigurableOption($ids['product'], 'devices|Device limit', 4);
        $this->whmcs->addConfigurableOption($ids['product'], 'tier|Support tier', 1, ['gold|Gold', 'silver|Silver']);
        $this->whmcs->addConfigurableOption($ids['product'], 'Remote desktop', 3);
        $this->whmcs->setServiceConfigurableOption($ids['service'], 'devices', 25);
        $this->whmcs->setServiceConfigurableOption($ids['service'], 'tier', 'gold');

        $p = $this->whmcs->modules()->params($ids['service']);

        self::assertSame(['meshUser' => 'user//alice', 'Notes' => ''], $p['customfields']);
        self::assertSame(['devices' => 25, 'tier' => 'gold', 'Remote desktop' => 0], $p['configoptions']);
    }

    public function testServicePropertiesSaveAndGet(): void
    {
        $ids = $this->makeService();
        $this->whmcs->addCustomField($ids['product'], 'groupId|Device group');
        $model = $this->whmcs->modules()->params($ids['service'])['model'];

        $model->serviceProperties->save(['groupId' => 'mesh//abc', 'New Field' => 'created', 'Username' => 'bob', 'Password' => 'pw']);

        self::assertSame('mesh//abc', $model->serviceProperties->get('groupId'));
        self::assertSame('created', $model->serviceProperties->get('New Field'));
        self::assertSame('', $model->serviceProperties->get('Never Saved'));
        $created = Capsule::table('tblcustomfields')->where('fieldname', 'New Field')->first();
        self::assertSame('on', $created->adminonly, 'a field created by save() is admin-only');
        $row = $this->whmcs->serviceRow($ids['service']);
        self::assertSame('bob', $row['username'], 'Username is the native column');
        self::assertSame('pw', decrypt($row['password']), 'Password is stored encrypted');
        self::assertSame(['groupId' => 'mesh//abc', 'New Field' => 'created'], $this->whmcs->modules()->params($ids['service'])['customfields']);
    }
}
