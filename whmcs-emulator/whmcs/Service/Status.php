<?php

declare(strict_types=1);

namespace WHMCS\Service;

/** Service status names (tblhosting.domainstatus), used by ListAccounts results. */
class Status
{
    public const PENDING = 'Pending';
    public const ACTIVE = 'Active';
    public const SUSPENDED = 'Suspended';
    public const TERMINATED = 'Terminated';
    public const CANCELLED = 'Cancelled';
    public const FRAUD = 'Fraud';
    public const COMPLETED = 'Completed';

    public const ALL = [
        self::PENDING, self::ACTIVE, self::SUSPENDED, self::TERMINATED, self::CANCELLED, self::FRAUD, self::COMPLETED,
    ];
}
