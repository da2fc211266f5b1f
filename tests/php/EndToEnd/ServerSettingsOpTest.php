<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\EndToEnd;

use MeshCentralConnector\Exception\InvalidSettingsException;

/**
 * The core's `server_settings` operation from PHP (either backend): WHMCS's field types as they arrive, the result's
 * shape (server object, base URL, warnings, secrets), and a refusal that quotes no secret.
 */
final class ServerSettingsOpTest extends ConnectorTestCase
{
    private const KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

    public function testWhmcsFieldsBecomeTheServerObject(): void
    {
        $r = self::connector()->serverSettings([
            'hostname' => '', 'ip' => '127.0.0.1', 'port' => 4430, 'secure' => 'on',
            'username' => 'connector', 'password' => 'Pw-1', 'accesshash' => self::KEY . "\r\npin_sha384=" . str_repeat('ab', 48) . "\r\naccepted_creators=old-admin,older",
        ]);
        self::assertSame([
            'url' => 'https://127.0.0.1:4430', 'username' => 'connector', 'password' => 'Pw-1', 'login_token_key' => self::KEY,
            'tls' => ['verify' => true, 'pin_sha384' => str_repeat('ab', 48)], 'accepted_creators' => ['old-admin', 'older'],
        ], $r['server']);
        self::assertSame('https://127.0.0.1:4430', $r['base_url']);
        self::assertSame([], $r['warnings']);
        self::assertSame(['Pw-1', self::KEY], $r['secrets']);
    }

    public function testPlaintextToLoopbackWarnsAndASecretIsNeverQuoted(): void
    {
        $r = self::connector()->serverSettings(['hostname' => 'localhost', 'port' => '8080', 'secure' => false, 'password' => 'x']);
        self::assertSame('http://localhost:8080', $r['server']['url']);
        self::assertStringContainsString('plain http://', $r['warnings'][0]);
        try {
            self::connector()->serverSettings(['hostname' => '127.0.0.1', 'password' => 'x', 'accesshash' => "verify_tls=no\nMy-Secret-Pw"]);
            self::fail('refused');
        } catch (InvalidSettingsException $e) {
            self::assertStringContainsString('Access Hash line 2 is neither the login token key', $e->getMessage());
            self::assertStringNotContainsString('My-Secret-Pw', $e->getMessage());
        }
    }
}
