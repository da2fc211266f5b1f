<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Contracts\Metrics;

/** What `<module>_MetricProvider($params)` returns (developer docs "Usage Metrics"; classdocs ProviderInterface). */
interface ProviderInterface
{
    /** @return MetricInterface[] all metrics supported by the provider, keyed by metric system name */
    public function metrics();

    /** @return array all usage of the provider, keyed by tenant id (each a list of MetricInterface with usage) */
    public function usage();

    /** @return MetricInterface[] */
    public function tenantUsage($tenant);
}
