<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics;

use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\UnitInterface;
use WHMCS\UsageBilling\Contracts\Metrics\UsageInterface;

/**
 * classdocs: `__construct($systemName, $displayName = null, $type = null, UnitInterface $units = null,
 * UsageInterface $usage = null)`; immutable: withUsage() returns a copy.
 *
 * The typed parameters refuse anything else (a TypeError, as in WHMCS). Stricter than WHMCS, on purpose: an empty
 * system name or a type that is not one of TYPE_* is refused here, where WHMCS falls back to a snapshot (which, its
 * docs warn, tracks a periodic metric wrongly). Without units a metric is a plain number, as in WHMCS.
 */
class Metric implements MetricInterface
{
    private const TYPES = [self::TYPE_SNAPSHOT, self::TYPE_PERIOD_DAY, self::TYPE_PERIOD_MONTH];

    private string $systemName;
    private string $displayName;
    private string $type;
    private UnitInterface $units;

    public function __construct($systemName, $displayName = null, $type = null, ?UnitInterface $units = null, private ?UsageInterface $usage = null)
    {
        if (!is_string($systemName) || $systemName === '') {
            throw new \InvalidArgumentException('Metric: the system name must be a non-empty string, got ' . get_debug_type($systemName));
        }
        if ($displayName !== null && !is_string($displayName)) {
            throw new \InvalidArgumentException('Metric: the display name must be a string, got ' . get_debug_type($displayName));
        }
        if ($type !== null && !in_array($type, self::TYPES, true)) {
            throw new \InvalidArgumentException('Metric: the type must be one of MetricInterface::TYPE_*, got ' . var_export($type, true));
        }
        $this->systemName = $systemName;
        $this->displayName = $displayName ?? $systemName;
        $this->type = $type ?? self::TYPE_SNAPSHOT;
        $this->units = $units ?? new Units\FloatingPoint('');
    }

    public function usage()
    {
        return $this->usage;
    }

    public function withUsage(?UsageInterface $usage = null)
    {
        $copy = clone $this;
        $copy->usage = $usage;
        return $copy;
    }

    public function units()
    {
        return $this->units;
    }

    public function systemName()
    {
        return $this->systemName;
    }

    public function displayName()
    {
        return $this->displayName;
    }

    public function type()
    {
        return $this->type;
    }
}
