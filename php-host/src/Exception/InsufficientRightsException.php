<?php

declare(strict_types=1);

namespace MeshCentralConnector\Exception;

/** The MeshCentral account lacks rights the connector needs. */
final class InsufficientRightsException extends ConnectorException
{
}
