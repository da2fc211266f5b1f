<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

use MeshCentralConnector\WhmcsEmulator\ContractViolation;
use MeshCentralConnector\WhmcsEmulator\TemplateEngine;

/** Module template lookup and Smarty's behaviour, in process. */
final class TemplateEngineTest extends WhmcsTestCase
{
    public function testLookupOrderOverrideThenThemeSpecificThenModule(): void
    {
        $engine = new TemplateEngine($this->whmcs, 'six');
        $moduleDir = $this->root . '/modules/servers/emutest';

        self::assertSame("$moduleDir/templates/overview.tpl", $engine->findModuleTemplate('emutest', 'templates/overview.tpl'));
        self::assertSame("$moduleDir/templates/overview.tpl", $engine->findModuleTemplate('emutest', 'overview'), 'the templates/ folder is searched');
        self::assertSame("$moduleDir/legacy.tpl", $engine->findModuleTemplate('emutest', 'legacy'));

        $override = $this->root . '/templates/six/modules/servers/emutest';
        mkdir($override, 0700, true);
        touch("$override/overview.tpl");
        self::assertSame("$override/overview.tpl", $engine->findModuleTemplate('emutest', 'templates/overview.tpl'));
        self::assertSame(
            $this->root . '/modules/servers/emutest/templates/overview.tpl',
            (new TemplateEngine($this->whmcs, 'twenty-one'))->findModuleTemplate('emutest', 'templates/overview.tpl'),
            'an override of one theme does not apply to the other'
        );
    }

    public function testAMissingOrEscapingTemplateIsAContractViolation(): void
    {
        $engine = new TemplateEngine($this->whmcs, 'six');
        foreach (['templates/nope.tpl', '../../../configuration', 'templates/../../x'] as $name) {
            try {
                $engine->findModuleTemplate('emutest', $name);
                self::fail("$name was found");
            } catch (ContractViolation) {
                self::addToAssertionCount(1);
            }
        }
    }

    public function testNoAutoEscapingAndTemplateWarningsAreLoggedNotThrown(): void
    {
        $file = $this->root . '/templates_c/probe.tpl';
        file_put_contents($file, '{$v}|{$v|escape:"html"}|{$v|escape:"htmlall"}|{$v|escape:"url"}|{$a.missing}|{lang key="yes"}');

        $out = (new TemplateEngine($this->whmcs, 'six'))->render($file, ['v' => '<a href="x">&', 'a' => [], 'LANG' => ['yes' => 'Yes']]);

        self::assertSame('<a href="x">&|&lt;a href=&quot;x&quot;&gt;&amp;|&lt;a href=&quot;x&quot;&gt;&amp;|%3Ca%20href%3D%22x%22%3E%26||Yes', $out);
        self::assertStringContainsString('Undefined array key "missing"', $this->whmcs->phpErrors());
    }
}
