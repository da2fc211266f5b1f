<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Exception;

/** A WHMCS server or product setting is missing or invalid; nothing was sent to MeshCentral. */
final class SettingsException extends \RuntimeException
{
}
