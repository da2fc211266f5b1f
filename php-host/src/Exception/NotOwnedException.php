<?php

declare(strict_types=1);

namespace MeshCentralConnector\Exception;

/** An object exists in MeshCentral but the connector did not create it for this service, so it was left alone. */
final class NotOwnedException extends ConnectorException
{
}
