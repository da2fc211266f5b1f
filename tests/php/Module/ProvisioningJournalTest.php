<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\LocalServices;

/**
 * Create's journal (Storage\ServiceStore::beginProvisioning): a service's first attempt is `fresh` (the core makes
 * the group, user and link without reading every group and account of the server); any attempt after one that did not
 * finish is not, so the core searches for what it left; a service ordered before the journal started is never fresh.
 */
final class ProvisioningJournalTest extends ModuleTestCase
{
    public function testTheFirstAttemptIsFreshAndARunAfterAFailedOneSearches(): void
    {
        ['service' => $id] = self::order(self::addProduct());
        self::assertSame('success', self::whmcs()->modules()->create($id));
        self::assertSame([true], self::freshFlags($id), 'the first Create was fresh');
        self::assertFalse(self::attemptOpen($id), 'finished: the journal row is gone');
        self::assertCount(1, self::groupsMarkedFor(self::serviceKey($id)));

        // Create again (staff's re-run): the service has a row now, so not fresh; nothing new is made.
        self::assertSame('success', self::whmcs()->modules()->create($id));
        self::assertSame([true, false], self::freshFlags($id));
        self::assertCount(1, self::groupsMarkedFor(self::serviceKey($id)));

        // A first attempt that fails leaves its journal row: the next attempt is not fresh.
        $down = self::addServer(['port' => LocalServices::closedPort()]);
        ['service' => $id2] = self::order(self::addProduct(), $down);
        self::assertStringContainsString('cannot reach MeshCentral', self::whmcs()->modules()->create($id2));
        self::assertTrue(self::attemptOpen($id2), 'the cut-off attempt is journalled');
        self::whmcs()->updateService($id2, ['server' => self::serverId()]);
        self::assertSame('success', self::whmcs()->modules()->create($id2));
        self::assertSame([true, false], self::freshFlags($id2));
        self::assertFalse(self::attemptOpen($id2));
        self::assertCount(1, self::groupsMarkedFor(self::serviceKey($id2)));

        foreach ([$id, $id2] as $s) {
            self::assertSame('success', self::whmcs()->modules()->terminate($s));
        }
    }

    public function testAServiceOrderedBeforeTheJournalStartedIsNeverFresh(): void
    {
        ['service' => $id] = self::order(self::addProduct());
        self::whmcs()->updateService($id, ['regdate' => '2020-01-01']);
        self::assertSame('success', self::whmcs()->modules()->create($id));
        self::assertSame([false], self::freshFlags($id), 'an older release may have left a half-made group');
        self::assertSame('success', self::whmcs()->modules()->terminate($id));
    }

    /**
     * The `fresh` flag of each CreateAccount call the module logged for the service, oldest first (the module log holds
     * the request as WHMCS stores it: print_r, where true is `1` and false is empty).
     *
     * @return list<bool>
     */
    private static function freshFlags(int $serviceId): array
    {
        $flags = [];
        $key = preg_quote(self::serviceKey($serviceId), '/');
        foreach (self::whmcs()->moduleLog() as $row) {
            $request = (string) $row['request'];
            if (
                strtolower((string) $row['action']) === 'createaccount' && preg_match("/\\[key\\] => $key\\n/", $request) === 1
                && preg_match('/\\[fresh\\] => (1?)\\n/', $request, $m) === 1
            ) {
                $flags[] = $m[1] === '1';
            }
        }
        return $flags;
    }

    private static function attemptOpen(int $serviceId): bool
    {
        return self::whmcs()->db()->table('mod_meshcentral_settings')->where('name', 'provision_attempt:service:' . $serviceId)->exists();
    }
}
