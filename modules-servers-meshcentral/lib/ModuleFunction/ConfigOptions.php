<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;
use WHMCS\Module\Server\Meshcentral\Support\Core;

/** The product's module settings, in their fixed positions, with the core's defaults and ranges (Config\ProductSettings). */
final class ConfigOptions
{
    /** @return array<string, array<string, mixed>> */
    public function __invoke(Core $core): array
    {
        return ProductSettings::definition($core);
    }
}
