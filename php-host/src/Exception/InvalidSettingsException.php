<?php

declare(strict_types=1);

namespace MeshCentralConnector\Exception;

/** A setting or an argument is invalid; nothing was sent. */
final class InvalidSettingsException extends ConnectorException
{
}
