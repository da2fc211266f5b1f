<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics\Units;

/** One of the ready units the developer docs "Usage Metrics" list (the default names are the emulator's). */
class Accounts extends WholeNumber
{
    public function __construct($name = 'Accounts', $singlePerUnitName = 'Account', $pluralPerUnitName = 'Accounts', $prefix = null, $suffix = null)
    {
        parent::__construct($name, $singlePerUnitName, $pluralPerUnitName, $prefix, $suffix);
    }
}
