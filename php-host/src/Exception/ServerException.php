<?php

declare(strict_types=1);

namespace MeshCentralConnector\Exception;

/** The server could not be reached or used: down, TLS mismatch, timeout, or not MeshCentral. */
final class ServerException extends ConnectorException
{
}
