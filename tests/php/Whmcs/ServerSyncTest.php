<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

use MeshCentralConnector\WhmcsEmulator\ContractViolation;

/** The emulator's Sync Accounts: WHMCS's documented rules, and the refusals of what WHMCS would not take. */
final class ServerSyncTest extends WhmcsTestCase
{
    /** @param array<string, string> $fields */
    private static function account(array $fields = []): array
    {
        return $fields + [
            'email' => 'ada@example.test', 'username' => 'alice', 'domain' => '', 'uniqueIdentifier' => 'alice',
            'product' => 'replacement', 'primaryip' => '', 'created' => date('Y-m-d') . ' 10:00:00', 'status' => 'Active',
        ];
    }

    /** @param list<array<string, string>> $accounts */
    private static function steer(array $accounts): void
    {
        $GLOBALS['EMUTEST']['ListAccounts'] = static fn (): array => ['success' => true, 'accounts' => $accounts];
    }

    public function testMatchedServicesGetTheDifferencesWrittenBack(): void
    {
        $ids = $this->makeService([], ['username' => 'alice', 'domain' => 'old.example', 'domainstatus' => 'Active', 'regdate' => date('Y-m-d')]);
        self::steer([self::account(['domain' => 'new.example', 'status' => 'Suspended', 'primaryip' => '192.0.2.7'])]);

        $analysis = $this->whmcs->modules()->sync($ids['server'], apply: false);
        self::assertSame(['domain', 'dedicatedip', 'domainstatus'], array_keys($analysis['matched'][0]['changes']));
        self::assertSame('old.example', $this->whmcs->serviceRow($ids['service'])['domain'], 'the analysis writes nothing');

        $this->whmcs->modules()->sync($ids['server']);
        $row = $this->whmcs->serviceRow($ids['service']);
        self::assertSame(['new.example', '192.0.2.7', 'Suspended'], [$row['domain'], $row['dedicatedip'], $row['domainstatus']]);
        self::assertSame([], $this->whmcs->modules()->sync($ids['server'])['matched'][0]['changes'], 'a second sync finds nothing');
    }

    public function testUnmatchedAccountsAreImportedAndMissingServicesTerminatedOnlyWhenAsked(): void
    {
        $ids = $this->makeService([], ['username' => 'bob', 'domainstatus' => 'Active']);
        self::steer([self::account(['email' => 'someone@example.test', 'product' => 'output'])]);

        $report = $this->whmcs->modules()->sync($ids['server']);
        self::assertSame([$ids['service']], $report['missing']);
        self::assertSame('Active', $this->whmcs->serviceRow($ids['service'])['domainstatus'], 'not terminated unless asked');
        $new = $this->whmcs->serviceRow((int) $report['imported'][0]['serviceid']);
        self::assertSame(['alice', 'Active', (string) $ids['server'], date('Y-m-d')], [$new['username'], $new['domainstatus'], (string) $new['server'], $new['regdate']]);
        self::assertSame('someone@example.test', $this->whmcs->clientRow((int) $new['userid'])['email'], 'a new client for an unknown e-mail');
        self::assertSame('output', $this->whmcs->productRow((int) $new['packageid'])['configoption1'], 'a new product by the product field');

        $report = $this->whmcs->modules()->sync($ids['server'], terminateMissing: true);
        self::assertSame([$ids['service']], $report['terminated']);
        self::assertSame('Terminated', $this->whmcs->serviceRow($ids['service'])['domainstatus']);
        self::assertSame([], $report['imported'], 'the imported service now matches');
    }

    /** @return iterable<string, array{array<string, mixed>, string}> */
    public static function refused(): iterable
    {
        yield 'empty created' => [['created' => ''], 'Y-m-d H:i:s'];
        yield 'date only' => [['created' => '2024-01-02'], 'Y-m-d H:i:s'];
        yield 'impossible date' => [['created' => '2024-02-30 10:00:00'], 'Y-m-d H:i:s'];
        yield 'Terminated' => [['status' => 'Terminated'], 'not Active or Suspended'];
        yield 'Pending' => [['status' => 'Pending'], 'not Active or Suspended'];
        yield 'empty uniqueIdentifier' => [['uniqueIdentifier' => ''], 'empty uniqueIdentifier'];
        yield 'a number' => [['product' => 5], 'must be a string'];
    }

    /**
     * @dataProvider refused
     * @param array<string, mixed> $bad
     */
    public function testWhatWhmcsRefusesIsRefused(array $bad, string $message): void
    {
        $ids = $this->makeService();
        self::steer([self::account($bad)]);

        $this->expectException(ContractViolation::class);
        $this->expectExceptionMessage($message);
        $this->whmcs->modules()->sync($ids['server']);
    }

    public function testTwoAccountsWithOneIdentifierAreRefused(): void
    {
        $ids = $this->makeService();
        self::steer([self::account(), self::account(['username' => 'other'])]);

        $this->expectException(ContractViolation::class);
        $this->expectExceptionMessage('ambiguous');
        $this->whmcs->modules()->sync($ids['server']);
    }

    public function testTheCommandLineRunsTheSync(): void
    {
        $ids = $this->makeService([], ['username' => 'alice', 'domainstatus' => 'Active', 'regdate' => date('Y-m-d')]);
        $bin = dirname(__DIR__, 3) . '/whmcs-emulator/bin/whmcs-emulator';
        exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg($bin) . ' sync ' . escapeshellarg($this->whmcs->root()) . ' ' . $ids['server'] . ' --analyse 2>&1', $out, $code);
        self::assertSame(0, $code, implode("\n", $out));
        $report = json_decode(implode("\n", $out), true);
        self::assertSame($ids['service'], $report['matched'][0]['serviceid']);
    }
}
