<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Contracts\Metrics;

/** WHMCS 7.9+ usage billing: one metric of a provider (classdocs: WHMCS\UsageBilling\Contracts\Metrics\MetricInterface). */
interface MetricInterface
{
    public const TYPE_SNAPSHOT = 'snapshot';
    public const TYPE_PERIOD_DAY = 'day';
    public const TYPE_PERIOD_MONTH = 'month';

    public function systemName();

    public function displayName();

    public function type();

    public function units();

    public function usage();

    public function withUsage($usage = null);
}
