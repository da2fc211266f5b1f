<?php

declare(strict_types=1);

namespace WHMCS;

/** WHMCS's date class (an extension of Carbon, which WHMCS ships; Debian's php-nesbot-carbon here). */
class Carbon extends \Carbon\Carbon
{
}
