<?php

declare(strict_types=1);

namespace MeshCentralConnector\Exception;

/** MeshCentral refused the credentials (wrong password, wrong login token key or unknown user). */
final class AuthenticationException extends ConnectorException
{
}
