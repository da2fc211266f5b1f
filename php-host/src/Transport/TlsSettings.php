<?php

declare(strict_types=1);

namespace MeshCentralConnector\Transport;

/**
 * TLS policy for wss:// connections.
 *
 * Verification is on by default because the connector carries admin
 * credentials; turning it off must be an explicit decision. A SHA-384 pin
 * (the hash MeshCentral itself shows for its agent/web certificate) is the
 * recommended way to trust a self-signed MeshCentral certificate.
 */
final class TlsSettings
{
    /** Lower-case hex pin without separators, or null when no pin is set. */
    private readonly ?string $normalizedPin;

    public function __construct(
        public readonly bool $verify = true,
        public readonly ?string $caFile = null,
        public readonly ?string $pinSha384 = null,
    ) {
        if ($caFile !== null && $caFile === '') {
            throw new \InvalidArgumentException('TLS CA file path must not be empty.');
        }
        $this->normalizedPin = $pinSha384 === null ? null : self::normalizePin($pinSha384);
    }

    /** Pin as 96 lower-case hex characters, ready for hash_equals(). */
    public function normalizedPin(): ?string
    {
        return $this->normalizedPin;
    }

    /**
     * Accepts the forms admins copy from tools ("AB:CD:..", "abcd..", with spaces)
     * so that a formatting difference is never mistaken for a pin mismatch.
     */
    private static function normalizePin(string $pin): string
    {
        $clean = strtolower(str_replace([':', ' '], '', trim($pin)));
        if (preg_match('/\A[0-9a-f]{96}\z/', $clean) !== 1) {
            throw new \InvalidArgumentException(
                'TLS certificate pin must be a SHA-384 hash: 96 hexadecimal characters (colons allowed).'
            );
        }

        return $clean;
    }
}
