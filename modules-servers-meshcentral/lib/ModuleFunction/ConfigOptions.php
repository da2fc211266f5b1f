<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;

/** The product's module settings, in their fixed positions (see Config\ProductSettings). */
final class ConfigOptions
{
    /** @return array<string, array<string, mixed>> */
    public function __invoke(): array
    {
        return ProductSettings::definition();
    }
}
