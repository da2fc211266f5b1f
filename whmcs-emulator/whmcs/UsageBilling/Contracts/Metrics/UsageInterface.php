<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Contracts\Metrics;

/** A measured value (classdocs: WHMCS\UsageBilling\Contracts\Metrics\UsageInterface). */
interface UsageInterface
{
    /** @return \WHMCS\Carbon */
    public function collectedAt();

    /** @return \WHMCS\Carbon|null */
    public function startAt();

    /** @return \WHMCS\Carbon|null */
    public function endAt();

    /** @return float */
    public function value();
}
