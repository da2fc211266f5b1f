<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

/** logModuleCall() as WHMCS implements it: print_r of arrays, every secret VALUE masked everywhere. */
final class LogModuleCallTest extends WhmcsTestCase
{
    /** These tests read the module log, which is off in a new WHMCS as in WHMCS itself: an admin turns it on. */
    protected function setUp(): void
    {
        parent::setUp();
        $this->whmcs->setSetting('ModuleDebugMode', 'on');
    }

    public function testModuleDebugLoggingIsOffInANewInstallation(): void
    {
        $fresh = \MeshCentralConnector\WhmcsEmulator\Whmcs::create($this->root . '-fresh');
        try {
            self::assertSame('', $fresh->setting('ModuleDebugMode'));
            self::assertFalse(logModuleCall('emutest', 'x', 'a', 'b'));
            self::assertSame([], $fresh->moduleLog());
            $fresh->logActivity('always recorded');
            self::assertSame(['always recorded'], array_column($fresh->activityLog(), 'description'), 'the activity log is always on');
        } finally {
            \MeshCentralConnector\Tests\Support\TempDir::remove($this->root . '-fresh');
            $this->whmcs->activate();
        }
    }

    public function testMasksSecretValuesInRequestResponseAndProcessedData(): void
    {
        logModuleCall(
            'MeshCentral',
            'CreateAccount',
            ['user' => 'alice', 'pass' => 'hunter2', 'nested' => ['deeper' => ['token' => 'tok-XYZ-123']]],
            'server said: login hunter2 accepted, cookie=tok-XYZ-123;',
            ['echo' => ['hunter2']],
            ['hunter2', 'tok-XYZ-123']
        );

        $log = $this->whmcs->moduleLog();
        self::assertCount(1, $log);
        $row = $log[0];
        self::assertSame('meshcentral', $row['module'], 'WHMCS stores the module lowercased');
        self::assertSame('createaccount', $row['action'], 'and the action too');
        foreach (['request', 'response', 'arrdata'] as $field) {
            self::assertStringNotContainsString('hunter2', $row[$field], $field);
            self::assertStringNotContainsString('tok-XYZ-123', $row[$field], $field);
        }
        // Arrays are print_r'd; nested values are masked inside that text.
        self::assertStringContainsString('[pass] => *******', $row['request']);
        self::assertStringContainsString('[token] => ***********', $row['request']);
        self::assertStringContainsString('[user] => alice', $row['request']);
        // A secret inside a longer string is masked in place, same length.
        self::assertSame('server said: login ******* accepted, cookie=***********;', $row['response']);
        self::assertStringContainsString('[0] => *******', $row['arrdata']);
    }

    public function testMasksTheLongerSecretWholeWhenOneSecretContainsAnother(): void
    {
        logModuleCall('emutest', 'x', 'key=abc and key=abcdef', '', '', ['abc', 'abcdef']);

        self::assertSame('key=*** and key=******', $this->whmcs->moduleLog()[0]['request']);
    }

    public function testMasksValuesNotKeyNamesAndIgnoresEmptyOrNonScalarEntries(): void
    {
        logModuleCall('emutest', 'x', ['password' => 'p4ss'], ['password' => ''], '', ['password' => 'p4ss', '', null, ['x']]);

        $row = $this->whmcs->moduleLog()[0];
        self::assertStringContainsString('[password] => ****', $row['request'], 'the key name stays readable');
        self::assertStringContainsString('[password] => ', $row['response']);
    }

    public function testObjectsArePrintedAndNumbersAreMaskedAsText(): void
    {
        $object = new \stdClass();
        $object->pin = 4242;
        logModuleCall('emutest', 'x', $object, 'pin 4242', '', [4242]);

        $row = $this->whmcs->moduleLog()[0];
        self::assertStringContainsString('[pin] => ****', $row['request']);
        self::assertSame('pin ****', $row['response']);
    }

    public function testRecordsNothingWhenModuleDebugLoggingIsOff(): void
    {
        $this->whmcs->setSetting('ModuleDebugMode', '');

        self::assertFalse(logModuleCall('emutest', 'x', 'a', 'b'));
        self::assertSame([], $this->whmcs->moduleLog());
    }

    public function testEmptyActionIsLoggedAsUnknown(): void
    {
        logModuleCall('emutest', '', 'a', 'b');

        self::assertSame('unknown', $this->whmcs->moduleLog()[0]['action']);
    }
}
