<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

use MeshCentralConnector\Tests\Support\TempDir;
use MeshCentralConnector\WhmcsEmulator\Whmcs;

/** localAPI() answers in WHMCS's shape; encrypt()/decrypt() are keyed per installation. */
final class LocalApiTest extends WhmcsTestCase
{
    public function testGetClientsDetails(): void
    {
        $ids = $this->makeService();

        $r = localAPI('GetClientsDetails', ['clientid' => $ids['client']]);

        self::assertSame('success', $r['result']);
        self::assertSame('ada@example.test', $r['email']);
        self::assertSame('Ada Lovelace', $r['client']['fullname']);
        self::assertArrayNotHasKey('password', $r);
        self::assertSame(['result' => 'error', 'message' => 'Client Not Found'], localAPI('GetClientsDetails', ['clientid' => 999]));
    }

    public function testUpdateClientProductStoresThePasswordEncrypted(): void
    {
        $ids = $this->makeService();

        $r = localAPI('UpdateClientProduct', [
            'serviceid' => $ids['service'], 'serviceusername' => 'alice', 'servicepassword' => 's3cret',
            'domain' => 'alice.example', 'notes' => 'n', 'status' => 'Active',
        ]);

        self::assertSame(['result' => 'success', 'serviceid' => $ids['service']], $r);
        $row = $this->whmcs->serviceRow($ids['service']);
        self::assertSame(['alice', 'alice.example', 'n', 'Active'], [$row['username'], $row['domain'], $row['notes'], $row['domainstatus']]);
        self::assertNotSame('s3cret', $row['password']);
        self::assertSame('s3cret', decrypt($row['password']));
        self::assertSame('error', localAPI('UpdateClientProduct', ['serviceid' => 999])['result']);
        self::assertSame('error', localAPI('UpdateClientProduct', ['serviceid' => $ids['service'], 'status' => 'Gone'])['result']);
    }

    public function testGetClientsProducts(): void
    {
        $ids = $this->makeService([], ['username' => 'alice', 'password' => 'pw']);

        $byClient = localAPI('GetClientsProducts', ['clientid' => $ids['client']]);
        $byService = localAPI('GetClientsProducts', ['serviceid' => $ids['service']]);

        self::assertSame('success', $byClient['result']);
        self::assertSame(1, $byClient['totalresults']);
        $product = $byService['products']['product'][0];
        self::assertSame(
            [$ids['service'], 'alice', 'pw', 'Pending', 'panel.example.test'],
            [$product['id'], $product['username'], $product['password'], $product['status'], $product['serverhostname']]
        );
        self::assertSame(0, localAPI('GetClientsProducts', ['clientid' => 999])['totalresults']);
    }

    public function testEncryptAndDecryptPassword(): void
    {
        $encrypted = localAPI('EncryptPassword', ['password2' => 'pässwörd'])['password'];

        self::assertNotSame('pässwörd', $encrypted);
        self::assertSame(['result' => 'success', 'password' => 'pässwörd'], localAPI('DecryptPassword', ['password2' => $encrypted]));
        self::assertSame('pässwörd', decrypt(encrypt('pässwörd')));
        self::assertNotSame(encrypt('x'), encrypt('x'), 'a random IV per call');
        self::assertSame('', decrypt('not ours'));
    }

    public function testAnotherInstallationCannotDecrypt(): void
    {
        $encrypted = encrypt('secret');
        $otherRoot = $this->root . '-other';
        try {
            $other = Whmcs::create($otherRoot);
            self::assertSame('', $other->decrypt($encrypted));
            self::assertSame('secret', Whmcs::open($this->root)->decrypt($encrypted), 'the key is kept in the root');
        } finally {
            TempDir::remove($otherRoot);
        }
    }

    public function testAnUnemulatedCommandIsAnEmulatorGapNotAnAnswer(): void
    {
        $this->expectException(\LogicException::class);
        localAPI('SendEmail', []);
    }
}
