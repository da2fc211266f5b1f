<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics;

use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;

/** new Metric($systemName, $displayName, $type, $units); immutable: withUsage() returns a copy. */
class Metric implements MetricInterface
{
    private $usage = null;

    public function __construct(private $systemName, private $displayName = '', private $type = MetricInterface::TYPE_SNAPSHOT, private $units = null)
    {
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

    public function units()
    {
        return $this->units;
    }

    public function usage()
    {
        return $this->usage;
    }

    public function withUsage($usage = null)
    {
        $copy = clone $this;
        $copy->usage = $usage;
        return $copy;
    }
}
