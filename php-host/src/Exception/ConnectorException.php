<?php

declare(strict_types=1);

namespace MeshCentralConnector\Exception;

/**
 * A failure reported by the core as an error value. `kind` is the core's stable error kind (see README, "The call
 * shape"); the subclasses group the kinds a caller handles differently.
 */
class ConnectorException extends \RuntimeException
{
    public function __construct(public readonly string $kind, string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, 0, $previous);
    }

    /** Builds the exception class that fits an error kind from the core. */
    public static function fromKind(string $kind, string $message): self
    {
        return match ($kind) {
            'wrong_password', 'wrong_key', 'unknown_user', 'auth_rejected' => new AuthenticationException($kind, $message),
            'unreachable', 'tls', 'not_meshcentral', 'timeout', 'connection_lost' => new ServerException($kind, $message),
            'invalid_input', 'invalid_settings' => new InvalidSettingsException($kind, $message),
            'insufficient_rights' => new InsufficientRightsException($kind, $message),
            'not_owned' => new NotOwnedException($kind, $message),
            'not_found' => new NotFoundException($kind, $message),
            // MeshCentral refused with its own text, the host failed the core, or a bug in the core: nothing a caller
            // does differently, so the base class.
            'remote', 'host', 'internal' => new self($kind, $message),
            // Only a core newer than this host (every kind of src/error.rs has its arm above: a Rust test checks).
            default => new self($kind, $message),
        };
    }
}
