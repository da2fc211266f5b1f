<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Translated;

use MeshCentralConnector\Exception\AuthenticationException;
use MeshCentralConnector\Exception\InsufficientRightsException;
use MeshCentralConnector\Tests\Lifecycle\ServiceTestCase;
use MeshCentralConnector\Tests\Support\ReleaseInstall;

/**
 * The release zip (dist/meshcentral-whmcs-*.zip, built by scripts/build-release.sh) runs a service's whole lifecycle
 * against the real MeshCentral in a PHP that cannot use FFI: every step is a fresh PHP process (like one WHMCS request)
 * that only has the unpacked module, with FFI disabled (`-d ffi.enable=0`) or with no extension at all (`-n`: no
 * php.ini, so neither FFI nor opcache). Connector::load is left on `auto` and must pick the translated module by
 * itself; the server's state is checked after each step with meshctrl, MeshCentral's own CLI.
 */
final class ReleaseWithoutFfiTest extends ServiceTestCase
{
    private static ?string $moduleDir = null;

    /** The unpacked release module (modules/servers/meshcentral), once per test process. */
    private static function moduleDir(): string
    {
        if (self::$moduleDir !== null) {
            return self::$moduleDir;
        }
        $dir = sys_get_temp_dir() . '/meshconnector-release-' . getmypid();
        ReleaseInstall::unpackInto($dir);
        register_shutdown_function(static function () use ($dir): void {
            exec('rm -rf ' . escapeshellarg($dir));
        });
        $module = $dir . '/modules/servers/meshcentral';
        self::assertFileExists($module . '/wasm/meshcentral_connector.wasm');
        self::assertFileExists($module . '/wasm/meshcentral_connector.php', 'the zip ships the translated module beside the .wasm');
        return self::$moduleDir = $module;
    }

    /** @return array<string, array{string, string}> */
    public function phpFlags(): array
    {
        return [
            'ffi.enable=0' => ['-d ffi.enable=0', 'FFI disabled (ffi.enable=0)'],
            'no extensions (-n)' => ['-n ' . TranslatedFixture::MEMORY_LIMIT, 'FFI extension not loaded'],
        ];
    }

    /**
     * Runs one step in a child PHP and returns its result; asserts the child ran on the translated backend for the
     * expected reason.
     *
     * @param array<string, mixed> $service
     * @return array<string, mixed>
     */
    private static function step(string $flags, string $reason, string $step, array $service, ?string $arg = null): array
    {
        $cmd = sprintf(
            '%s %s %s %s %s %s %s%s',
            escapeshellarg(PHP_BINARY),
            $flags,
            escapeshellarg(__DIR__ . '/fixtures/release-step.php'),
            escapeshellarg(self::moduleDir()),
            escapeshellarg((string) json_encode(self::goodSettings(), JSON_UNESCAPED_SLASHES)),
            escapeshellarg($step),
            escapeshellarg((string) json_encode((object) $service)),
            $arg !== null ? ' ' . escapeshellarg($arg) : ''
        );
        // Neither variable may steer the child: the backend must be chosen by `auto` alone.
        $out = json_decode(TranslatedFixture::run('env -u MESHCONNECTOR_BACKEND -u MESHCONNECTOR_LIBWASMER ' . $cmd), true);
        self::assertIsArray($out, "$step printed no JSON");
        self::assertSame(['backend' => 'translated', 'reason' => $reason, 'requested' => 'auto'], $out['backend'], $step);
        self::assertTrue($out['translated_class_loaded']);
        self::assertArrayNotHasKey('error', $out, $step . ': ' . json_encode($out['error'] ?? null));
        return $out['result'];
    }

    /** @dataProvider phpFlags */
    public function testTheReleaseModuleRunsTheWholeLifecycleWithoutFfi(string $flags, string $reason): void
    {
        $tc = self::step($flags, $reason, 'test_connection', []);
        self::assertTrue($tc['rights']['ok'], json_encode($tc));

        $service = self::newService('noffi');
        $p = self::step($flags, $reason, 'provision', $service, 'First-Pass-111');
        self::assertTrue($p['created_group']);
        self::assertTrue($p['created_user']);
        $users = self::serverUsers();
        self::assertArrayHasKey($p['user_id'], $users, 'meshctrl sees the user');
        self::assertSame([$p['mesh_id']], self::groupsMarkedFor($service['key']), 'meshctrl sees the marked group');
        self::assertArrayHasKey($p['mesh_id'], $users[$p['user_id']]['links'] ?? [], 'the user is linked to its group');
        $service += ['username' => $p['username'], 'mesh_id' => $p['mesh_id']];

        self::assertSame([], self::step($flags, $reason, 'devices', $service, $p['mesh_id']));

        self::assertTrue(self::step($flags, $reason, 'suspend', $service)['locked']);
        self::assertSame(32, self::serverUsers()[$p['user_id']]['siteadmin'] & 32, 'LOCKED is set on the server');
        self::assertFalse(self::step($flags, $reason, 'unsuspend', $service)['locked']);
        self::assertSame(0, self::serverUsers()[$p['user_id']]['siteadmin'] & 32, 'LOCKED is cleared on the server');

        self::step($flags, $reason, 'change_password', $service, 'Second-Pass-222');
        // MeshCentral itself judges the password: the new one logs in (then tools are refused), the old one does not.
        try {
            self::connector()->testConnection(self::customerSettings($p['username'], 'Second-Pass-222'));
            self::fail('customer logged in as a tool');
        } catch (InsufficientRightsException) {
            self::addToAssertionCount(1);
        }
        try {
            self::connector()->testConnection(self::customerSettings($p['username'], 'First-Pass-111'));
            self::fail('the old password still works');
        } catch (AuthenticationException) {
            self::addToAssertionCount(1);
        }

        $t = self::step($flags, $reason, 'terminate', $service);
        self::assertTrue($t['deleted_user']);
        self::assertTrue($t['deleted_group']);
        self::assertArrayNotHasKey($p['user_id'], self::serverUsers(), 'meshctrl: the user is gone');
        self::assertArrayNotHasKey($p['mesh_id'], self::serverGroups(), 'meshctrl: the group is gone');
    }
}
