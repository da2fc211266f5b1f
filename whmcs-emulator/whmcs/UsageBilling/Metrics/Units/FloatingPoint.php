<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics\Units;

/** A decimal quantity (one of the two base units of the developer docs "Usage Metrics"). */
class FloatingPoint extends AbstractUnit
{
    public function type()
    {
        return self::TYPE_FLOAT_PRECISION_LOW;
    }
}
