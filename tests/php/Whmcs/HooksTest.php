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
}
