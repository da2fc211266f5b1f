<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Contracts\Metrics;

/**
 * One metric of a provider (classdocs: WHMCS\UsageBilling\Contracts\Metrics\MetricInterface). The constants' values
 * are not in the classdocs; these are the strings WHMCS uses ("snapshot", "day", "month").
 */
interface MetricInterface
{
    public const TYPE_SNAPSHOT = 'snapshot';
    public const TYPE_PERIOD_DAY = 'day';
    public const TYPE_PERIOD_MONTH = 'month';

    /** @return UsageInterface|null */
    public function usage();

    public function withUsage(?UsageInterface $usage = null);

    /** @return UnitInterface */
    public function units();

    /** @return string canonical name used by code and between systems */
    public function systemName();

    /** @return string name rendered to users */
    public function displayName();

    /** @return string one of the TYPE_* constants */
    public function type();
}
