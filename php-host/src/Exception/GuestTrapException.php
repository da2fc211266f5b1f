<?php

declare(strict_types=1);

namespace MeshCentralConnector\Exception;

/** The Wasm module trapped (a bug in the core, or a host failure it could not handle); the instance is discarded. */
final class GuestTrapException extends ConnectorException
{
}
