<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Unit;

use MeshCentralConnector\Exception\ConnectorException;
use WHMCS\Module\Server\Meshcentral\FunctionRunner;
use WHMCS\Module\Server\Meshcentral\ModuleFunction\ChangePassword;
use WHMCS\Module\Server\Meshcentral\ModuleFunction\CreateAccount;
use WHMCS\Module\Server\Meshcentral\ModuleFunction\Resync;
use WHMCS\Module\Server\Meshcentral\ModuleFunction\ServiceSingleSignOn;
use WHMCS\Module\Server\Meshcentral\ModuleFunction\SuspendAccount;
use WHMCS\Module\Server\Meshcentral\Params;
use WHMCS\Module\Server\Meshcentral\ServiceContext;
use WHMCS\Module\Server\Meshcentral\Storage\ServiceStore;

/** Module functions through the runner (FunctionRunner::run) with a FakeCore: what they ask the core, store and return. */
final class ModuleFunctionsTest extends UnitTestCase
{
    private static function runFunction(string $function, array $params, FakeCore $core): mixed
    {
        return FunctionRunner::run($function, $params, static fn (string $e): string => $e, 'error_generic', $core);
    }

    /** @return array<string, mixed> the core's provision answer for a request */
    private static function provisioned(array $request): array
    {
        return [
            'mesh_id' => 'mesh//abcDEF', 'group_name' => 'g', 'username' => $request['service']['username'], 'user_id' => 'user//x',
            'generated_password' => 'generated-secret', 'group_rights' => 1, 'created_group' => true, 'created_user' => true,
        ];
    }

    public function testCreateProvisionsUnderTheCoresNamesAndStoresWhatTheCoreReturned(): void
    {
        $params = $this->serviceParams([1 => 'remote_only', 2 => '{client} #{service_id}']);
        $core = new FakeCore(['provision' => static fn (array $r): array => self::provisioned($r)]);
        self::assertSame('success', self::runFunction(CreateAccount::class, $params, $core));

        [$request] = $core->requestsOf('provision');
        $tag = (new ServiceStore())->installTag();
        $id = $params['serviceid'];
        self::assertSame(['key' => "whmcs-$tag-$id", 'username' => "mc-whmcs-$tag-$id"], $request['service'], 'the core\'s key and default username');
        self::assertSame('remote_only', $request['preset']);
        self::assertSame('{client} #{service_id}', $request['group_name_template']);
        self::assertSame('Ada Lovelace', $request['vars']['client']);
        self::assertSame("WHMCS service #$id", $request['description']);
        self::assertSame('ada@example.test', $request['email']);
        self::assertArrayNotHasKey('password', array_filter($request['server'] ?? [], static fn ($v): bool => $v === 'generated-secret'));

        $row = (new ServiceStore())->provisioned($id);
        self::assertSame(['mesh//abcDEF', "mc-whmcs-$tag-$id"], [$row['mesh_id'] ?? null, $row['username'] ?? null]);
        $service = $this->whmcs->serviceRow($id);
        self::assertSame("mc-whmcs-$tag-$id", $service['username'], 'written back to WHMCS');
        self::assertSame('generated-secret', $this->whmcs->decrypt((string) $service['password']));
        self::assertContains('createaccount', $this->loggedActions());
        self::assertStringNotContainsString('generated-secret', (string) json_encode($this->whmcs->moduleLog()), 'the generated password is masked');
    }

    public function testABadProductSettingFailsCreateBeforeAnythingIsAsked(): void
    {
        $core = new FakeCore();
        $error = self::runFunction(CreateAccount::class, $this->serviceParams([1 => 'superuser']), $core);
        self::assertSame("Unknown rights preset 'superuser' (product setting 1)", $error);
        self::assertSame([], $core->requestsOf('provision'));
    }

    public function testAFailedProvisionStoresNothingAndReturnsTheCoresMessage(): void
    {
        $params = $this->serviceParams();
        $core = new FakeCore(['provision' => static fn (): never => throw ConnectorException::fromKind('timeout', 'MeshCentral did not answer in time (x, 5 ms)')]);
        self::assertSame('MeshCentral did not answer in time (x, 5 ms)', self::runFunction(CreateAccount::class, $params, $core));
        self::assertNull((new ServiceStore())->provisioned($params['serviceid']));
        foreach ($this->loggedActions() as $action) {
            self::assertStringStartsWith('createaccount', $action, 'one action name');
        }
        self::assertStringContainsString('CreateAccount failed', (string) json_encode($this->whmcs->activityLog()));
    }

    public function testResyncRunsCreateUnderItsOwnName(): void
    {
        $core = new FakeCore(['provision' => static fn (array $r): array => self::provisioned($r)]);
        self::assertSame('success', self::runFunction(Resync::class, $this->serviceParams(), $core));
        self::assertSame(['resync'], array_values(array_unique($this->loggedActions())));
    }

    public function testChangePasswordRefusesAServiceThatWasNeverProvisioned(): void
    {
        $core = new FakeCore();
        $error = self::runFunction(ChangePassword::class, $this->serviceParams(), $core);
        self::assertStringContainsString('never provisioned by a successful Create', $error);
        self::assertSame([], $core->requestsOf('change_password'));
    }

    public function testChangePasswordSetsTheWhmcsPasswordOnTheStoredUser(): void
    {
        $params = $this->serviceParams([], ['password' => 'n3w-Passw0rd']);
        (new ServiceStore())->save($params['serviceid'], ['service_key' => 'whmcs-x-' . $params['serviceid'], 'mesh_id' => 'mesh//abc', 'username' => 'stored-user']);
        $core = new FakeCore(['change_password' => ['username' => 'stored-user', 'changed' => true]]);
        self::assertSame('success', self::runFunction(ChangePassword::class, $params, $core));
        [$request] = $core->requestsOf('change_password');
        self::assertSame(['key' => 'whmcs-x-' . $params['serviceid'], 'username' => 'stored-user', 'mesh_id' => 'mesh//abc'], $request['service']);
        self::assertSame('n3w-Passw0rd', $request['password']);
        self::assertSame([], $core->requestsOf('service_names'), 'a provisioned service is its stored row');
        self::assertStringNotContainsString('n3w-Passw0rd', (string) json_encode($this->whmcs->moduleLog()));
    }

    public function testSingleSignOnLogsUnderItsWhmcsFunctionName(): void
    {
        $params = $this->serviceParams([3 => '90']);
        (new ServiceStore())->save($params['serviceid'], ['service_key' => 'whmcs-x-1', 'mesh_id' => 'mesh//abc', 'username' => 'customer-1']);
        $result = FunctionRunner::run(ServiceSingleSignOn::class, $params, static fn (string $e): array => ['success' => false, 'errorMsg' => $e], 'error_sso', new FakeCore());
        self::assertTrue($result['success'], (string) ($result['errorMsg'] ?? ''));
        self::assertStringStartsWith('https://mesh.example.test/?login=', $result['redirectTo']);
        self::assertSame(['servicesinglesignon'], $this->loggedActions(), 'not the drifted "SingleSignOn"');
    }

    public function testServiceIsAPureReadAndAsksTheCoreOnce(): void
    {
        $params = $this->serviceParams([], ['username' => ' Custom.User ']);
        $store = new ServiceStore();
        $store->installTag(); // the tables and the tag exist from the first use on
        $before = $this->whmcs->db()->table(ServiceStore::TABLE)->count();
        $settingsBefore = $this->whmcs->db()->table(ServiceStore::SETTINGS_TABLE)->get()->all();
        $core = new FakeCore();
        $ctx = new ServiceContext(new Params($params), 'Test', $core, null, $store);
        $service = $ctx->service();
        self::assertSame(['key' => 'whmcs-' . $store->installTag() . '-' . $params['serviceid'], 'username' => 'Custom.User'], $service);
        self::assertSame($service, $ctx->service());
        self::assertSame($service['key'], $ctx->serviceKey());
        self::assertSame('whmcs-' . $store->installTag() . '-', $ctx->keyPrefix());
        self::assertCount(1, $core->requestsOf('service_names'));
        self::assertSame($before, $this->whmcs->db()->table(ServiceStore::TABLE)->count(), 'no row written');
        self::assertEquals($settingsBefore, $this->whmcs->db()->table(ServiceStore::SETTINGS_TABLE)->get()->all(), 'no setting written');
    }

    public function testSuspendOfAnUnprovisionedServiceAsksUnderTheCoresDefaultName(): void
    {
        $params = $this->serviceParams();
        $core = new FakeCore(['suspend' => ['username' => 'x', 'mesh_id' => 'mesh//a', 'locked' => true, 'group_rights' => 0, 'changed' => true]]);
        self::assertSame('success', self::runFunction(SuspendAccount::class, $params, $core));
        [$request] = $core->requestsOf('suspend');
        self::assertMatchesRegularExpression('/^mc-whmcs-[0-9a-f]{6}-\d+$/', $request['service']['username']);
        self::assertSame('mesh.example.test', parse_url((string) $request['server']['url'], PHP_URL_HOST));
    }
}
