<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

/** Status transitions, activity log lines and hooks of the provisioning actions. */
final class ModuleActionsTest extends WhmcsTestCase
{
    public function testCreateSuccessActivatesTheService(): void
    {
        $ids = $this->makeService();
        $after = 0;
        add_hook('AfterModuleCreate', 1, static function () use (&$after): void {
            $after++;
        });

        self::assertSame('success', $this->whmcs->modules()->create($ids['service']));

        self::assertSame('Active', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
        self::assertSame(1, $after);
        self::assertContains('Module Create Successful - Service ID: ' . $ids['service'], $this->activity());
    }

    public function testFailedCreateStaysPendingAndReturnsTheErrorText(): void
    {
        $ids = $this->makeService();
        $failure = null;
        add_hook('AfterModuleCreateFailed', 1, static function (array $vars) use (&$failure): void {
            $failure = $vars['failureResponseMessage'];
        });
        $GLOBALS['EMUTEST']['CreateAccount'] = static fn (): string => 'MeshCentral refused: group exists';

        self::assertSame('MeshCentral refused: group exists', $this->whmcs->modules()->create($ids['service']));

        self::assertSame('Pending', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
        self::assertSame('MeshCentral refused: group exists', $failure);
        self::assertContains(
            'Module Create Failed - Service ID: ' . $ids['service'] . ' - Error: MeshCentral refused: group exists',
            $this->activity()
        );
    }

    public function testAnUncaughtModuleExceptionIsReportedAsTheError(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['CreateAccount'] = static function (): string {
            throw new \RuntimeException('connection refused');
        };

        self::assertSame('connection refused', $this->whmcs->modules()->create($ids['service']));
        self::assertSame('Pending', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
        self::assertInstanceOf(\RuntimeException::class, $this->whmcs->modules()->lastException());
    }

    public function testSuspendUnsuspendTerminate(): void
    {
        $ids = $this->makeService([], ['domainstatus' => 'Active']);
        $runner = $this->whmcs->modules();
        $seenReason = null;
        $GLOBALS['EMUTEST']['SuspendAccount'] = static function (array $params) use (&$seenReason): string {
            $seenReason = $params['suspendreason'];
            return 'success';
        };

        self::assertSame('success', $runner->suspend($ids['service'], 'Abuse'));
        $row = $this->whmcs->serviceRow($ids['service']);
        self::assertSame(['Suspended', 'Abuse'], [$row['domainstatus'], $row['suspendreason']]);
        self::assertSame('Abuse', $seenReason);
        self::assertContains('Module Suspend Successful - Reason: Abuse - Service ID: ' . $ids['service'], $this->activity());

        self::assertSame('success', $runner->unsuspend($ids['service']));
        $row = $this->whmcs->serviceRow($ids['service']);
        self::assertSame(['Active', ''], [$row['domainstatus'], $row['suspendreason']]);

        self::assertSame('success', $runner->suspend($ids['service']));
        self::assertSame('Overdue on Payment', $seenReason, "WHMCS's automatic reason reaches the module");
        self::assertSame('', $this->whmcs->serviceRow($ids['service'])['suspendreason'], 'but is not stored');

        self::assertSame('success', $runner->terminate($ids['service']));
        self::assertSame('Terminated', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
    }

    public function testFailedSuspendKeepsTheStatus(): void
    {
        $ids = $this->makeService([], ['domainstatus' => 'Active']);
        $GLOBALS['EMUTEST']['SuspendAccount'] = static fn (): string => 'user not found';

        self::assertSame('user not found', $this->whmcs->modules()->suspend($ids['service'], 'Abuse'));
        self::assertSame('Active', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
    }

    public function testChangePasswordStoresTheNewPasswordEncryptedAndPassesItDecrypted(): void
    {
        $ids = $this->makeService([], ['domainstatus' => 'Active', 'password' => 'old']);
        $seen = null;
        $GLOBALS['EMUTEST']['ChangePassword'] = static function (array $params) use (&$seen): string {
            $seen = $params['password'];
            return 'success';
        };

        self::assertSame('success', $this->whmcs->modules()->changePassword($ids['service'], 'n3w-Secret'));

        $stored = $this->whmcs->serviceRow($ids['service'])['password'];
        self::assertSame('n3w-Secret', $seen);
        self::assertNotSame('n3w-Secret', $stored);
        self::assertSame('n3w-Secret', decrypt($stored));
        self::assertSame('Active', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
        self::assertContains('Module Change Password Successful - Service ID: ' . $ids['service'], $this->activity());
    }

    public function testChangePackageMovesTheServiceAndKeepsTheStatus(): void
    {
        $ids = $this->makeService([], ['domainstatus' => 'Suspended']);
        $bigger = $this->whmcs->addProduct(['servertype' => 'emutest', 'name' => 'Bigger', 'configoption3' => '50']);
        $seen = null;
        $GLOBALS['EMUTEST']['ChangePackage'] = static function (array $params) use (&$seen): string {
            $seen = [$params['pid'], $params['configoption3']];
            return 'success';
        };

        self::assertSame('success', $this->whmcs->modules()->changePackage($ids['service'], $bigger));
        self::assertSame([$bigger, '50'], $seen);
        self::assertSame('Suspended', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
    }

    public function testAnActionTheModuleDoesNotDefineFails(): void
    {
        $ids = $this->makeService([], ['domainstatus' => 'Active']);

        self::assertSame('Function Not Supported by Module', $this->whmcs->modules()->renew($ids['service']));
    }

    public function testCreateFillsAnEmptyUsernameFromTheDomainAndAnEmptyPasswordRandomly(): void
    {
        $ids = $this->makeService([], ['domain' => 'My-Shop.example.com']);
        $seen = null;
        $GLOBALS['EMUTEST']['CreateAccount'] = static function (array $params) use (&$seen): string {
            $seen = $params;
            return 'success';
        };

        $this->whmcs->modules()->create($ids['service']);

        self::assertSame('myshopex', $seen['username']);
        self::assertMatchesRegularExpression('/^[A-Za-z0-9]{10}$/', $seen['password']);
        self::assertSame($seen['password'], decrypt($this->whmcs->serviceRow($ids['service'])['password']));
    }

    public function testCreateKeepsAGivenUsernameAndPassword(): void
    {
        $ids = $this->makeService([], ['username' => 'alice', 'password' => 'given']);
        $seen = null;
        $GLOBALS['EMUTEST']['CreateAccount'] = static function (array $params) use (&$seen): string {
            $seen = [$params['username'], $params['password']];
            return 'success';
        };

        $this->whmcs->modules()->create($ids['service']);

        self::assertSame(['alice', 'given'], $seen);
    }

    public function testCustomButtons(): void
    {
        $ids = $this->makeService([], ['domainstatus' => 'Active']);
        $runner = $this->whmcs->modules();

        self::assertSame(['Reboot' => 'reboot'], $runner->adminCustomButtons($ids['service']));
        self::assertSame(['Say hello' => 'hello', 'Show page' => 'page'], $runner->clientAreaCustomButtons($ids['service']));
        self::assertSame('success', $runner->customButton($ids['service'], 'reboot'));
        self::assertIsArray($runner->customButton($ids['service'], 'page', fromClientArea: true));

        $this->expectException(\InvalidArgumentException::class);
        $runner->customButton($ids['service'], 'hello', fromClientArea: false);
    }

    public function testServerFunctions(): void
    {
        $ids = $this->makeService();
        $runner = $this->whmcs->modules();

        self::assertSame(['success' => true, 'error' => ''], $runner->testConnection($ids['server']));
        $wrong = $this->whmcs->addServer(['type' => 'emutest', 'hostname' => 'h', 'password' => 'wrong']);
        self::assertSame(['success' => false, 'error' => 'wrong password'], $runner->testConnection($wrong));

        self::assertSame('alice', $runner->listAccounts($ids['server'])['accounts'][0]['username']);

        self::assertSame([$ids['server'] => 'success', $wrong => 'success'], $runner->usageUpdate());
        self::assertSame(42, (int) $this->whmcs->serviceRow($ids['service'])['diskusage'], 'the module wrote the usage itself');
        self::assertContains('Cron Job: Running Usage Stats Update for Server ID ' . $ids['server'], $this->activity());

        self::assertSame(['success' => true, 'redirectTo' => 'https://panel.example.test/admin'], $runner->adminSingleSignOn($ids['server']));
        self::assertSame(['basic' => 'Basic on panel.example.test', 'pro' => 'Pro'], $runner->configOptionLoader('emutest', 'Plan', $ids['server']));
        self::assertSame(['Greeting' => 'Hello Ada', 'Devices' => '3'], $runner->adminServicesTabFields($ids['service']));
    }

    public function testAConfigOptionLoaderFailureReachesTheCaller(): void
    {
        $down = $this->whmcs->addServer(['type' => 'emutest', 'hostname' => 'down.example.test', 'password' => 'x']);

        $this->expectExceptionMessage('cannot reach the server');
        $this->whmcs->modules()->configOptionLoader('emutest', 'Plan', $down);
    }

    public function testModuleCreateThroughLocalApi(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['CreateAccount'] = static fn (): string => 'quota exceeded';

        self::assertSame(['result' => 'error', 'message' => 'quota exceeded'], localAPI('ModuleCreate', ['serviceid' => $ids['service']]));

        $GLOBALS['EMUTEST']['CreateAccount'] = static fn (): string => 'success';
        self::assertSame(['result' => 'success'], localAPI('ModuleCreate', ['serviceid' => $ids['service']]));
        self::assertSame(['result' => 'success'], localAPI('ModuleSuspend', ['serviceid' => $ids['service'], 'suspendreason' => 'Late']));
        self::assertSame('Late', $this->whmcs->serviceRow($ids['service'])['suspendreason']);
        self::assertSame(['result' => 'success'], localAPI('ModuleUnsuspend', ['serviceid' => $ids['service']]));
        self::assertSame(['result' => 'success'], localAPI('ModuleTerminate', ['accountid' => $ids['service']]));
        self::assertSame('Terminated', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
        self::assertSame(['result' => 'error', 'message' => 'Service ID Not Found'], localAPI('ModuleCreate', ['serviceid' => 999]));
    }
}
