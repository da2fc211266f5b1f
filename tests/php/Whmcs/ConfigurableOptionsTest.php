<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

/**
 * Module settings and configurable options as WHMCS handles them: ConfigOptions called with the product's params,
 * configurable options stored in tblproductconfigoptions / tblproductconfigoptionssub / tblhostingconfigoptions and
 * passed by name in $params['configoptions'], and an option upgrade running the module's ChangePackage.
 */
final class ConfigurableOptionsTest extends WhmcsTestCase
{
    protected function tearDown(): void
    {
        unset($GLOBALS['EMUTEST']);
        $GLOBALS['EMUTEST_CALLS'] = [];
        parent::tearDown();
    }

    public function testConfigOptionsGetsTheProductsParams(): void
    {
        $ids = $this->makeService(['type' => 'reselleraccount', 'configoption3' => 'saved']);
        $GLOBALS['EMUTEST_CALLS'] = [];
        $this->whmcs->modules()->configOptions('emutest', $ids['product']);
        [$function, $params] = $GLOBALS['EMUTEST_CALLS'][0];
        self::assertSame('ConfigOptions', $function);
        self::assertSame('reselleraccount', $params['producttype']);
        self::assertSame($ids['product'], $params['pid']);
        self::assertSame('emutest', $params['moduletype']);
        self::assertSame('saved', $params['configoption3']);
        self::assertArrayNotHasKey('serviceid', $params, 'a product page, not a service');

        $GLOBALS['EMUTEST_CALLS'] = [];
        $this->whmcs->modules()->configOptions('emutest');
        self::assertSame(0, $GLOBALS['EMUTEST_CALLS'][0][1]['pid'], 'a product not saved yet');
        self::assertSame('', $GLOBALS['EMUTEST_CALLS'][0][1]['configoption1']);
    }

    public function testOptionsAreScopedToTheServicesProductAndCheckedLikeWhmcsForms(): void
    {
        $a = $this->makeService();
        $b = $this->makeService();
        $this->whmcs->addConfigurableOption($a['product'], 'extra|Extra devices', 4, [], 0, 10);
        $this->whmcs->addConfigurableOption($b['product'], 'extra|Extra devices', 1, ['1|One', '5|Five']);

        $this->whmcs->setServiceConfigurableOption($b['service'], 'extra', '5');
        $this->whmcs->setServiceConfigurableOption($a['service'], 'extra', 7);
        self::assertSame(['extra' => 7], $this->whmcs->modules()->params($a['service'])['configoptions']);
        self::assertSame(['extra' => '5'], $this->whmcs->modules()->params($b['service'])['configoptions'], 'the choice name before "|"');

        foreach ([[$a['service'], 11], [$a['service'], -1], [$a['service'], 'x'], [$b['service'], '3'], [$b['service'], 'Five']] as [$service, $value]) {
            try {
                $this->whmcs->setServiceConfigurableOption($service, 'extra', $value);
                self::fail("accepted $value");
            } catch (\InvalidArgumentException) {
            }
        }
        $this->expectException(\InvalidArgumentException::class);
        $this->whmcs->setServiceConfigurableOption($a['service'], 'Support tier', 1);
    }

    public function testAnOptionUpgradeStoresTheChoiceThenCallsChangePackageWithIt(): void
    {
        $ids = $this->makeService([], ['domainstatus' => 'Active']);
        $this->whmcs->addConfigurableOption($ids['product'], 'extra|Extra devices', 4);
        $this->whmcs->setServiceConfigurableOption($ids['service'], 'extra', 1);
        $seen = null;
        $GLOBALS['EMUTEST']['ChangePackage'] = static function (array $p) use (&$seen): string {
            $seen = $p['configoptions'];
            return 'success';
        };

        self::assertSame('success', $this->whmcs->modules()->upgradeConfigurableOptions($ids['service'], ['extra' => 4]));
        self::assertSame(['extra' => 4], $seen);
        self::assertSame(4, (int) $this->whmcs->db()->table('tblhostingconfigoptions')->where('relid', $ids['service'])->value('qty'));
        self::assertContains('Module Change Package Successful - Service ID: ' . $ids['service'], $this->activity());

        $seen = null;
        try {
            $this->whmcs->modules()->upgradeConfigurableOptions($ids['service'], ['extra' => 2, 'nosuch' => 1]);
            self::fail('an unknown option was accepted');
        } catch (\InvalidArgumentException) {
        }
        self::assertNull($seen, 'nothing ran');
        self::assertSame(4, (int) $this->whmcs->db()->table('tblhostingconfigoptions')->where('relid', $ids['service'])->value('qty'), 'nothing changed');
    }
}
