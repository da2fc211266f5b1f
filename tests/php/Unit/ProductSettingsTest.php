<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Unit;

use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Exception\InvalidSettingsException;
use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;
use WHMCS\Module\Server\Meshcentral\Config\ServerSettings;
use WHMCS\Module\Server\Meshcentral\Config\ServicePlan;
use WHMCS\Module\Server\Meshcentral\Exception\SettingsException;
use WHMCS\Module\Server\Meshcentral\Params;

/** The settings classes as the module uses them: positions in, the core's answer out, the core's messages on error. */
final class ProductSettingsTest extends UnitTestCase
{
    public function testEmptySettingsAreTheCoresDefaults(): void
    {
        $p = ProductSettings::fromParams([], self::realCore());
        self::assertSame(['full', '{company} #{service_id}', 60, 0, 24], [$p->preset, $p->groupNameTemplate, $p->ssoLifetimeSeconds, $p->deviceLimit, $p->inviteHours]);
        self::assertSame(['windows_x64', 'windows_x86', 'windows_arm64', 'linux_x64', 'linux_script', 'macos'], $p->installers);
        self::assertSame(['full', 'remote_only', 'view_only'], $p->presets());
        self::assertSame(['desktop'], $p->viewsOf('view_only'));
        self::assertSame(['desktop', 'terminal', 'files'], $p->viewsOf('full'));
    }

    public function testPositionsAreReadAndTrimmed(): void
    {
        $p = ProductSettings::fromParams(['configoption1' => ' remote_only', 'configoption3' => '600', 'configoption4' => 5, 'configoption6' => 'macos, linux_x64', 'configoption7' => ' https://mc.example.test '], self::realCore());
        self::assertSame(['remote_only', 600, 5, ['macos', 'linux_x64'], 'https://mc.example.test'], [$p->preset, $p->ssoLifetimeSeconds, $p->deviceLimit, $p->installers, $p->legacyServerUrl]);
    }

    /** @return array<string, array{int, string, string}> */
    public static function badSettings(): array
    {
        return [
            'preset' => [1, 'superuser', "Unknown rights preset 'superuser' (product setting 1)"],
            'installer' => [6, 'linux_x64,beos', "Unknown installer 'beos' (product setting 6; use windows_x64, windows_x86, windows_arm64, linux_x64, linux_script, macos)"],
            'sso' => [3, '99999', 'The SSO lifetime must be a whole number from 10 to 3600'],
            'devices' => [4, '-3', 'The device limit must be a whole number from 0 to 1000000'],
            'invite' => [5, '0', 'The invite link lifetime must be a whole number from 1 to 8760'],
        ];
    }

    /** @dataProvider badSettings */
    public function testABadSettingIsASettingsExceptionWithTheCoresMessage(int $position, string $value, string $message): void
    {
        try {
            ProductSettings::fromParams(['configoption' . $position => $value], self::realCore());
            self::fail('accepted');
        } catch (SettingsException $e) {
            self::assertSame($message, $e->getMessage());
            self::assertInstanceOf(InvalidSettingsException::class, $e->getPrevious());
            self::assertSame('invalid_settings', $e->getPrevious()->kind);
        }
    }

    public function testTheSettingsPageShowsTheCoresRanges(): void
    {
        $d = ProductSettings::definition(self::realCore());
        self::assertCount(8, $d, 'positions 1-8');
        self::assertSame('10-3600; each link works once', $d['SSO lifetime (seconds)']['Description']);
        self::assertSame('1-8760', $d['Invite link lifetime (hours)']['Description']);
        self::assertSame('60', $d['SSO lifetime (seconds)']['Default']);
        self::assertSame(['full' => 'Full device control', 'remote_only' => 'Remote control only', 'view_only' => 'View only'], $d['Rights preset']['Options']);
        self::assertSame(['full', '{company} #{service_id}', '0', '24'], [$d['Rights preset']['Default'], $d['Group name template']['Default'], $d['Device limit']['Default'], $d['Invite link lifetime (hours)']['Default']]);
        self::assertSame('windows_x64,windows_x86,windows_arm64,linux_x64,linux_script,macos', $d['Installers shown']['Default']);
    }

    public function testTheRightsPresetOptionIsCheckedAgainstTheCoresPresets(): void
    {
        $product = ProductSettings::fromParams(['configoption4' => '3'], self::realCore());
        $plan = ServicePlan::of($product, ['rights_preset' => 'view_only', 'extra_devices' => '2']);
        self::assertSame(['view_only', 5], [$plan->preset, $plan->deviceLimit()]);
        $this->expectException(SettingsException::class);
        $this->expectExceptionMessage("name its choices full, remote_only, view_only");
        ServicePlan::of($product, ['rights_preset' => 'root']);
    }

    public function testParamsAsksTheCoreOncePerRequest(): void
    {
        $core = new FakeCore();
        $params = new Params($this->serviceParams([1 => 'full']));
        $params->product($core);
        $params->plan($core);
        $params->server($core);
        $params->server($core);
        self::assertCount(1, $core->requestsOf('product_settings'));
        self::assertCount(1, $core->requestsOf('server_settings'));
        self::assertInstanceOf(ServerSettings::class, $params->server($core));
    }

    public function testEveryErrorKindOfTheCoreHasItsExceptionClass(): void
    {
        // The list itself is checked against src/error.rs by the Rust test error::tests (one source: Error::KINDS).
        self::assertInstanceOf(InvalidSettingsException::class, ConnectorException::fromKind('invalid_settings', 'm'));
        self::assertInstanceOf(InvalidSettingsException::class, ConnectorException::fromKind('invalid_input', 'm'));
        self::assertSame(ConnectorException::class, get_class(ConnectorException::fromKind('remote', 'm')));
    }
}
