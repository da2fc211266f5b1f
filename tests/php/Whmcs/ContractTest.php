<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

use MeshCentralConnector\WhmcsEmulator\ContractViolation;

/** A module returning the wrong shape fails loudly. */
final class ContractTest extends WhmcsTestCase
{
    /** @return iterable<string, array{mixed}> */
    public static function notAnActionResult(): iterable
    {
        yield 'null' => [null];
        yield 'true' => [true];
        yield 'array' => [['success' => true]];
        yield 'empty string' => [''];
    }

    /** @dataProvider notAnActionResult */
    public function testActionsMustReturnSuccessOrAnErrorText(mixed $result): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['CreateAccount'] = static fn (): mixed => $result;

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->create($ids['service']);
    }

    public function testTestConnectionFailureNeedsAnError(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['TestConnection'] = static fn (): array => ['success' => false];

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->testConnection($ids['server']);
    }

    public function testTestConnectionSuccessMustBeABool(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['TestConnection'] = static fn (): array => ['success' => 'yes', 'error' => ''];

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->testConnection($ids['server']);
    }

    public function testATestConnectionExceptionIsAFailedTest(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['TestConnection'] = static function (): array {
            throw new \RuntimeException('TLS handshake failed');
        };

        self::assertSame(['success' => false, 'error' => 'TLS handshake failed'], $this->whmcs->modules()->testConnection($ids['server']));
    }

    public function testSingleSignOnSuccessNeedsARedirectUrl(): void
    {
        $ids = $this->makeService(['configoption2' => 'bad']);

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->serviceSingleSignOn($ids['service']);
    }

    public function testSingleSignOnFailureNeedsAnErrorMsg(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['ServiceSingleSignOn'] = static fn (): array => ['success' => false, 'error' => 'wrong key'];

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->serviceSingleSignOn($ids['service']);
    }

    public function testListAccountsEntriesNeedTheDocumentedKeys(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['ListAccounts'] = static fn (): array => ['success' => true, 'accounts' => [['username' => 'alice']]];

        $this->expectException(ContractViolation::class);
        $this->expectExceptionMessage('lacks email');
        $this->whmcs->modules()->listAccounts($ids['server']);
    }

    public function testListAccountsStatusMustBeAServiceStatus(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['ListAccounts'] = static fn (): array => ['success' => true, 'accounts' => [[
            'email' => '', 'username' => 'a', 'domain' => '', 'uniqueIdentifier' => 'a', 'product' => '',
            'primaryip' => '', 'created' => '', 'status' => 'enabled',
        ]]];

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->listAccounts($ids['server']);
    }

    public function testACustomButtonMustNameAFunction(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['AdminCustomButtonArray'] = static fn (): array => ['Missing' => 'noSuchFunction'];

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->adminCustomButtons($ids['service']);
    }

    public function testConfigOptionsTypesAreChecked(): void
    {
        $GLOBALS['EMUTEST']['ConfigOptions'] = static fn (): array => ['Flag' => ['Type' => 'checkbox']];

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->configOptions('emutest');
    }

    public function testAtMost24ConfigOptions(): void
    {
        $GLOBALS['EMUTEST']['ConfigOptions'] = static fn (): array => array_fill_keys(array_map('strval', range(1, 25)), ['Type' => 'text']);

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->configOptions('emutest');
    }

    public function testMetaDataIsChecked(): void
    {
        self::assertSame('Emulator Test Module', $this->whmcs->modules()->metaData('emutest')['DisplayName']);
    }

    public function testClientAreaUnknownKeysAreReported(): void
    {
        $ids = $this->makeService(['configoption1' => 'badkey']);

        $this->expectException(ContractViolation::class);
        $this->expectExceptionMessage('tabOverviewReplacmentTemplate');
        $this->whmcs->modules()->clientArea($ids['service']);
    }

    public function testClientAreaTemplateVariablesMustBeAnArray(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['ClientArea'] = static fn (): array => ['tabOverviewReplacementTemplate' => 'templates/overview.tpl', 'templateVariables' => 'x'];

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->clientArea($ids['service']);
    }

    public function testAdminServicesTabFieldsMapLabelsToHtml(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['AdminServicesTabFields'] = static fn (): array => ['Devices' => ['a', 'b']];

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->adminServicesTabFields($ids['service']);
    }

    public function testSingleSignOnWithoutSuccessIsRefused(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['ServiceSingleSignOn'] = static fn (): array => ['redirectTo' => 'https://panel.example.test/?t=1'];

        $this->expectException(ContractViolation::class);
        $this->expectExceptionMessage("must return ['success' => bool");
        $this->whmcs->modules()->serviceSingleSignOn($ids['service']);
    }

    public function testAdminSingleSignOnWithAStringSuccessIsRefused(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['AdminSingleSignOn'] = static fn (): array => ['success' => 'true', 'redirectTo' => 'https://panel.example.test/'];

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->adminSingleSignOn($ids['server']);
    }

    /** WHMCS compares the result with 'success' exactly: anything else, 'Success' too, is the error text shown. */
    public function testOnlyTheExactStringSuccessIsASuccess(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['CreateAccount'] = static fn (): string => 'Success';

        self::assertSame('Success', $this->whmcs->modules()->create($ids['service']));
        self::assertSame('Pending', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
        self::assertContains('Module Create Failed - Service ID: ' . $ids['service'] . ' - Error: Success', $this->activity());
    }

    public function testTestConnectionMustReturnAnArray(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['TestConnection'] = static fn (): string => 'success';

        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->testConnection($ids['server']);
    }

    public function testAnAdminCustomButtonCannotReturnAPage(): void
    {
        $ids = $this->makeService();
        $suffix = array_values($this->whmcs->modules()->adminCustomButtons($ids['service']))[0] ?? null;
        self::assertIsString($suffix, 'the fixture module has an admin button');
        $GLOBALS['EMUTEST'][$suffix] = static fn (): array => ['templatefile' => 'page'];

        $this->expectException(ContractViolation::class);
        $this->expectExceptionMessage("must return 'success' or an error text");
        $this->whmcs->modules()->customButton($ids['service'], $suffix);
    }

    public function testClientAreaCannotMixTemplatefileWithTheOverviewTemplates(): void
    {
        $ids = $this->makeService();
        $GLOBALS['EMUTEST']['ClientArea'] = static fn (): array => ['templatefile' => 'clientarea', 'tabOverviewModuleOutputTemplate' => 'templates/overview.tpl'];

        $this->expectException(ContractViolation::class);
        $this->expectExceptionMessage('mixes the older templatefile');
        $this->whmcs->modules()->clientArea($ids['service']);
    }

    /**
     * Both overview templates at once are NOT refused: WHMCS's own licensing addon module returns
     * tabOverviewReplacementTemplate and tabOverviewModuleOutputTemplate together, so WHMCS accepts it.
     */
    public function testClientAreaMayNameBothOverviewTemplates(): void
    {
        $ids = $this->makeService();
        $both = ['tabOverviewReplacementTemplate' => 'templates/overview.tpl', 'tabOverviewModuleOutputTemplate' => 'templates/overview.tpl', 'templateVariables' => []];
        $GLOBALS['EMUTEST']['ClientArea'] = static fn (): array => $both;

        self::assertSame($both, $this->whmcs->modules()->clientArea($ids['service']));
    }
}
