<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics;

/** A usage value attached to a metric (`$metric->withUsage(new Usage($value))`). */
class Usage
{
    public function __construct(private $value, private $startAt = null, private $endAt = null)
    {
    }

    public function value()
    {
        return $this->value;
    }
}
