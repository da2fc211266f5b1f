<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

/** add_hook()/run_hook() and the PreModule/AfterModule hooks around actions. */
final class HooksTest extends WhmcsTestCase
{
    public function testRunHookOrdersByPriorityKeepsRegistrationOrderForTiesAndReturnsOnlyTruthyResults(): void
    {
        add_hook('EmuPoint', 10, static fn (array $vars): string => 'ten:' . $vars['x']);
        add_hook('EmuPoint', 1, static fn (array $vars): string => 'one');
        add_hook('EmuPoint', 5, static fn (array $vars): ?string => null);
        add_hook('EmuPoint', 10, static fn (array $vars): array => ['second ten']);
        add_hook('EmuPoint', 3, 'no_such_function_anywhere');

        self::assertSame(['one', 'ten:y', ['second ten']], run_hook('EmuPoint', ['x' => 'y']));
        self::assertSame([], run_hook('NobodyListens', []));
    }

    public function testTheModulesHooksPhpIsLoaded(): void
    {
        $ids = $this->makeService();

        self::assertSame('success', $this->whmcs->modules()->create($ids['service']));
        self::assertContains('emutest hook saw the creation of service ' . $ids['service'], $this->activity());
    }

    public function testAbortcmdAbortsTheActionAndLeavesTheServicePending(): void
    {
        $ids = $this->makeService();
        $failed = [];
        add_hook('PreModuleCreate', 1, static fn (array $vars): array => ['abortcmd' => true]);
        add_hook('AfterModuleCreateFailed', 1, static function (array $vars) use (&$failed): void {
            $failed[] = $vars['failureResponseMessage'];
        });

        $result = $this->whmcs->modules()->create($ids['service']);

        self::assertSame('Function Aborted by Action Hook Code', $result);
        self::assertSame([], array_column($GLOBALS['EMUTEST_CALLS'], 0), 'the module was not called');
        self::assertSame('Pending', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
        self::assertSame(['Function Aborted by Action Hook Code'], $failed);
        self::assertContains(
            'Module Create Failed - Service ID: ' . $ids['service'] . ' - Error: Function Aborted by Action Hook Code',
            $this->activity()
        );
    }

    public function testOnlyATrueAbortcmdAborts(): void
    {
        $ids = $this->makeService();
        add_hook('PreModuleSuspend', 1, static fn (): array => ['abortcmd' => 'yes']);

        self::assertSame('success', $this->whmcs->modules()->suspend($ids['service']));
    }

    public function testPreHookReturnsOverrideTheParamsTheModuleReceives(): void
    {
        $ids = $this->makeService();
        $seen = null;
        add_hook('PreModuleTerminate', 1, static fn (array $vars): array => ['username' => 'from-hook', 'clientsdetails' => ['firstname' => 'Hooked']]);
        $GLOBALS['EMUTEST']['TerminateAccount'] = static function (array $params) use (&$seen): string {
            $seen = $params;
            return 'success';
        };

        self::assertSame('success', $this->whmcs->modules()->terminate($ids['service']));
        self::assertSame('from-hook', $seen['username']);
        self::assertSame('Hooked', $seen['clientsdetails']['firstname']);
        self::assertSame('Lovelace', $seen['clientsdetails']['lastname'], 'merged recursively, other keys kept');
    }

    public function testPreHooksReceiveParamsAndAfterHooksRunOnSuccess(): void
    {
        $ids = $this->makeService();
        $events = [];
        foreach (['PreModuleUnsuspend', 'AfterModuleUnsuspend', 'AfterModuleUnsuspendFailed'] as $point) {
            add_hook($point, 1, static function (array $vars) use (&$events, $point): void {
                $events[] = [$point, $vars['params']['serviceid']];
            });
        }

        $this->whmcs->modules()->unsuspend($ids['service']);

        self::assertSame([['PreModuleUnsuspend', $ids['service']], ['AfterModuleUnsuspend', $ids['service']]], $events);
    }

    public function testUpdateClientRunsClientEditWithTheNewColumnsAndOlddata(): void
    {
        $ids = $this->makeService();
        $seen = [];
        add_hook('ClientEdit', 1, static function (array $vars) use (&$seen): void {
            $seen[] = $vars;
        });
        $this->whmcs->updateClient($ids['client'], ['firstname' => 'Grace', 'email' => 'grace@example.test']);
        self::assertCount(1, $seen);
        self::assertSame($ids['client'], $seen[0]['userid']);
        self::assertSame('Grace', $seen[0]['firstname']);
        self::assertSame('grace@example.test', $seen[0]['email']);
        self::assertIsArray($seen[0]['olddata']);
        self::assertNotSame('Grace', $seen[0]['olddata']['firstname']);
        self::assertArrayNotHasKey('password', $seen[0]);
        self::assertSame('Grace', $this->whmcs->clientRow($ids['client'])['firstname']);
    }

    public function testDeleteServiceRunsServiceDeleteAfterTheRowIsGoneAndNoModuleFunction(): void
    {
        $ids = $this->makeService();
        $seen = [];
        $whmcs = $this->whmcs;
        add_hook('ServiceDelete', 1, static function (array $vars) use (&$seen, $whmcs): void {
            $seen[] = $vars + ['row_exists' => $whmcs->db()->table('tblhosting')->where('id', $vars['serviceid'])->exists()];
        });
        $logBefore = count($this->whmcs->moduleLog());
        $this->whmcs->deleteService($ids['service']);
        self::assertSame([['userid' => $ids['client'], 'clientId' => $ids['client'], 'serviceid' => $ids['service'], 'row_exists' => false]], $seen);
        self::assertCount($logBefore, $this->whmcs->moduleLog(), 'no module function ran');
    }

    public function testSettingReadsTblconfiguration(): void
    {
        self::assertSame('english', \WHMCS\Config\Setting::getValue('Language'));
        \WHMCS\Config\Setting::setValue('Language', 'german');
        self::assertSame('german', $this->whmcs->setting('Language'));
        self::assertNull(\WHMCS\Config\Setting::getValue('NoSuchSetting'));
    }
}
