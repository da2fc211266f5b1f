<?php

declare(strict_types=1);

namespace MeshCentralConnector\Transport;

/**
 * Single exception type for every transport failure.
 *
 * Callers branch on $kind (a small, stable vocabulary) instead of parsing
 * messages, while the message itself stays readable for a hosting admin.
 * Kinds: connect, tls, handshake, timeout, closed, protocol, too_large.
 */
final class TransportException extends \RuntimeException
{
    public const CONNECT = 'connect';
    public const TLS = 'tls';
    public const HANDSHAKE = 'handshake';
    public const TIMEOUT = 'timeout';
    public const CLOSED = 'closed';
    public const PROTOCOL = 'protocol';
    public const TOO_LARGE = 'too_large';

    public function __construct(
        public readonly string $kind,
        string $message,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, 0, $previous);
    }
}
