<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Server\Meshcentral\Params;
use WHMCS\Module\Server\Meshcentral\Support\ModuleLog;

/**
 * The module log's masking: real secret values only, in every form they take in logged text. The module's classes
 * come from the source tree here; each test runs in its own process so that they never stand in for the release
 * copy the other module tests load (whose paths lead to its wasm/ and lang/).
 *
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class ModuleLogMaskingTest extends TestCase
{
    private const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

    protected function setUp(): void
    {
        spl_autoload_register(static function (string $class): void {
            $prefix = 'WHMCS\\Module\\Server\\Meshcentral\\';
            if (str_starts_with($class, $prefix)) {
                require dirname(__DIR__, 3) . '/modules-servers-meshcentral/lib/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            }
        });
    }


    public function testOnlyTheSecretValuesOfTheParamsAreRegistered(): void
    {
        $secrets = (new Params([
            'password' => 'svc-pass-123',
            'serverpassword' => 'srv/pass"word',
            'serveraccesshash' => self::KEY . "\nca_file=/etc/ca.pem\nverify_tls=0\npin_sha384=" . str_repeat('ab', 48),
            'configoption8' => 'apiuser:api-secret-77',
        ]))->secrets();
        self::assertSame(['svc-pass-123', 'srv/pass"word', self::KEY, 'apiuser:api-secret-77', 'api-secret-77'], $secrets);

        $viaKeyLine = (new Params(['serveraccesshash' => 'verify_tls=0' . "\n" . 'login_token_key = ' . self::KEY]))->secrets();
        self::assertSame([self::KEY], $viaKeyLine, 'the login_token_key= value; verify_tls=0 is no secret');
    }

    public function testAZeroFromVerifyTlsNoLongerMasksEveryZero(): void
    {
        $log = new ModuleLog();
        $log->addSecret(...(new Params(['serveraccesshash' => self::KEY . "\nverify_tls=0", 'serverpassword' => '0']))->secrets());
        self::assertSame('port 4430, 0 devices, 10 online', $log->scrub('port 4430, 0 devices, 10 online'));
        self::assertSame('key ******** end', $log->scrub('key ' . self::KEY . ' end'));
    }

    public function testEmptyAndShortValuesAreIgnored(): void
    {
        $log = new ModuleLog();
        $log->addSecret('', null, '0', 'on', 'abcde');
        self::assertSame([], $log->secrets());
        self::assertSame(6, ModuleLog::MIN_SECRET_LENGTH);
        $log->addSecret('abcdef');
        self::assertSame('x ******** y', $log->scrub('x abcdef y'));
    }

    public function testJsonEscapedAndUrlEncodedFormsAreMasked(): void
    {
        $secret = 'p/a"s\\s wörd&+=';
        $log = new ModuleLog();
        $log->addSecret($secret);
        $texts = [
            json_encode(['pw' => $secret]),
            json_encode(['pw' => $secret], JSON_UNESCAPED_SLASHES),
            json_encode(['pw' => $secret], JSON_UNESCAPED_UNICODE),
            json_encode(['pw' => $secret], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE),
            'https://h/x?a=1&pw=' . rawurlencode($secret),
            'a=1&pw=' . urlencode($secret),
            'raw: ' . $secret,
        ];
        foreach ($texts as $text) {
            $masked = (string) $log->scrub((string) $text);
            self::assertStringContainsString('********', $masked, (string) $text);
            foreach (['a"s', 'a\\"s', 'w\\u00f6rd', 'wörd', 'w%C3%B6rd', 's%5Cs', 's+w'] as $fragment) {
                self::assertStringNotContainsString($fragment, $masked, "a piece of the secret is left in $masked");
            }
        }
    }

    public function testASecretInsideALongerOneIsMaskedWhole(): void
    {
        $log = new ModuleLog();
        $log->addSecret('secret', 'apiuser:secret-and-more');
        self::assertSame('v=********.', $log->scrub('v=apiuser:secret-and-more.'));
        self::assertSame(['pass' => '********', 'ok' => 'x ********'], $log->scrub(['pass' => 'anything', 'ok' => 'x secret']));
    }
}
