<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\EndToEnd;

/** Device counts for several groups in one call, against groups made and removed independently with meshctrl. */
final class UsageTest extends ConnectorTestCase
{
    public function testCountsForExistingGroupsAndNullForRemovedOrUnknown(): void
    {
        $kept = self::groupMadeByMeshctrl('usage');
        $removed = self::groupMadeByMeshctrl('usage');
        self::server()->meshctrl(['removedevicegroup', '--id', $removed]);
        $unknown = 'mesh//' . str_repeat('A', 64);

        $usage = self::connector()->call(['op' => 'usage', 'server' => self::goodSettings(), 'mesh_ids' => [$kept, $removed, $unknown]]);
        self::assertSame(['devices' => 0, 'online' => 0], $usage[$kept]);
        self::assertNull($usage[$removed], 'a removed group reports no usage');
        self::assertNull($usage[$unknown]);
        self::assertCount(3, $usage);
    }
}
