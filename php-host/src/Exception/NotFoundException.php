<?php

declare(strict_types=1);

namespace MeshCentralConnector\Exception;

/** The service's group or user no longer exists in MeshCentral. */
final class NotFoundException extends ConnectorException
{
}
