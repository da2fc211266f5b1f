<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Exception;

/**
 * The module declined to act (e.g. SSO for a service that is not Active and provisioned). The message is the
 * reason for staff (activity log, module log, admin area); clients see the short text under `clientTextKey`
 * (lang/<language>.php, without the `meshcentral_` prefix).
 */
final class Refusal extends \RuntimeException
{
    public function __construct(string $reason, public readonly string $clientTextKey)
    {
        parent::__construct($reason);
    }
}
