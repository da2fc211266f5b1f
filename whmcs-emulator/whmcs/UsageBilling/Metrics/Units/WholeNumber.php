<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics\Units;

/** A count (devices, mailboxes) (one of the two base units of the developer docs "Usage Metrics"). */
class WholeNumber extends AbstractUnit
{
    public function type()
    {
        return self::TYPE_INT;
    }
}
