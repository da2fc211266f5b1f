<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

use MeshCentralConnector\WhmcsEmulator\ContractViolation;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;
use WHMCS\UsageBilling\Metrics\Metric;
use WHMCS\UsageBilling\Metrics\Units\WholeNumber;
use WHMCS\UsageBilling\Metrics\Usage;

/** The cron's usage task: UsageUpdate failures surfaced, the UsageBilling classes as strict as their typed API. */
final class UsageBillingTest extends WhmcsTestCase
{
    public function testAFailedUsageUpdateIsSurfacedNotReportedAsSuccess(): void
    {
        $ids = $this->makeService([], ['domainstatus' => 'Active', 'username' => 'alice']);
        $runner = $this->whmcs->modules();
        $GLOBALS['EMUTEST']['UsageUpdate'] = static fn (): string => 'panel unreachable';
        self::assertSame([$ids['server'] => 'panel unreachable'], $runner->usageUpdate($ids['server']));
        $GLOBALS['EMUTEST']['UsageUpdate'] = static function (): void {
            throw new \RuntimeException('boom');
        };
        self::assertSame('boom', $runner->cronUsage($ids['server'])[$ids['server']]['UsageUpdate']);
        $GLOBALS['EMUTEST']['UsageUpdate'] = null;
        self::assertSame('success', $runner->cronUsage($ids['server'])[$ids['server']]['UsageUpdate'], 'no return value, as the docs example');
    }

    public function testTheCronStoresMetricUsagePerTenant(): void
    {
        $ids = $this->makeService([], ['domainstatus' => 'Active', 'username' => 'alice']);
        $run = $this->whmcs->modules()->cronUsage($ids['server'])[$ids['server']];
        self::assertSame(['alice' => ['seats' => 2.0]], $run['MetricProvider']);
        self::assertSame(['seats' => 2.0], $this->whmcs->modules()->metricUsage($ids['service']));
        self::assertSame(1, $this->whmcs->db()->table('tbltenant_stats')->count());
    }

    public function testWrongTypesAreRefusedAsWhmcsTypedApiWould(): void
    {
        $units = new WholeNumber('Seats', 'Seat', 'Seats');
        self::assertSame('3 Seats', $units->decorate(3));
        self::assertSame('Seat', $units->perUnitName(1));
        $typeErrors = [
            static fn () => new Metric('seats', 'Seats', null, 'Seats'),
            static fn () => (new Metric('seats'))->withUsage(3),
            static fn () => new Metric('seats', 'Seats', null, null, 3),
        ];
        foreach ($typeErrors as $i => $wrong) {
            try {
                $wrong();
                self::fail("case $i was accepted");
            } catch (\TypeError) {
                self::addToAssertionCount(1);
            }
        }
        $refused = [
            static fn () => new Usage('three'),
            static fn () => new Usage(3, 'yesterday'),
            static fn () => new Metric('seats', 'Seats', 'hourly'),
            static fn () => new Metric(''),
            static fn () => new WholeNumber(['Seats']),
        ];
        foreach ($refused as $i => $wrong) {
            try {
                $wrong();
                self::fail("case $i was accepted");
            } catch (\InvalidArgumentException) {
                self::addToAssertionCount(1);
            }
        }
        self::assertSame(3.0, (new Usage(3))->value());
    }

    public function testAProviderOfTheWrongShapeIsAContractViolation(): void
    {
        $ids = $this->makeService([], ['domainstatus' => 'Active', 'username' => 'alice']);
        $metric = new Metric('seats', 'Seats', null, new WholeNumber('Seats'));
        $provider = static fn (array $metrics, mixed $usage): ProviderInterface => new class ($metrics, $usage) implements ProviderInterface {
            public function __construct(private array $m, private mixed $u)
            {
            }

            public function metrics()
            {
                return $this->m;
            }

            public function usage()
            {
                return $this->u;
            }

            public function tenantUsage($tenant)
            {
                return [];
            }
        };
        $cases = [
            'not keyed by system name' => [[$metric], []],
            'usage not keyed lists' => [['seats' => $metric], ['alice' => $metric]],
            'unknown metric' => [['seats' => $metric], ['alice' => [new Metric('other')]]],
        ];
        foreach ($cases as $name => [$metrics, $usage]) {
            $GLOBALS['EMUTEST']['MetricProvider'] = static fn () => $provider($metrics, $usage);
            try {
                $this->whmcs->modules()->cronUsage($ids['server']);
                self::fail("$name was accepted");
            } catch (ContractViolation) {
                self::addToAssertionCount(1);
            }
        }
        $GLOBALS['EMUTEST']['MetricProvider'] = static fn () => 'not a provider';
        $this->expectException(ContractViolation::class);
        $this->whmcs->modules()->metricProvider($ids['server']);
    }
}
