<?php

declare(strict_types=1);

namespace MeshCentralConnector\Transport;

/**
 * The socket and TLS part of the client: a non-blocking PHP stream whose every wait is bounded by a Deadline.
 *
 * - TCP is connected first and TLS negotiated afterwards in non-blocking mode, so the TLS handshake obeys the deadline.
 * - read() always tries fread() before any wait: with TLS, OpenSSL may already hold decrypted bytes that
 *   stream_select() cannot see.
 * - writeAll() either writes the whole buffer or throws; the caller must then treat the connection as failed, because
 *   part of a frame may be on the wire (or held by OpenSSL, which would send it before any later bytes).
 */
final class StreamSocket
{
    /** @var resource|null */
    private $stream;

    /**
     * @param resource $stream
     */
    private function __construct($stream, public readonly string $peer)
    {
        $this->stream = $stream;
    }

    public function __destruct()
    {
        $this->close();
    }

    /** TCP connection to $host:$port, then TLS when $secure; bounded by $deadline (and $connectTimeoutMs for TCP). */
    public static function open(
        string $host,
        int $port,
        bool $secure,
        TlsSettings $tls,
        Deadline $deadline,
    ): self {
        $peer = $host . ':' . $port;
        $context = stream_context_create(['ssl' => $secure ? self::sslOptions($host, $tls) : []]);
        $errno = 0;
        $errstr = '';
        $timeoutMs = $deadline->ms;
        [$stream, $warning] = self::withWarnings(static fn () => stream_socket_client(
            'tcp://' . $peer,
            $errno,
            $errstr,
            max(1, $deadline->remainingMs()) / 1000,
            STREAM_CLIENT_CONNECT,
            $context,
        ));
        if (!is_resource($stream)) {
            $reason = $errstr !== '' ? $errstr : ($warning ?? 'unknown error');
            if (stripos($reason, 'getaddrinfo') !== false || stripos($reason, 'getaddresses') !== false) {
                // PHP repeats the resolver error twice; a short, explicit DNS message is clearer.
                throw new TransportException(
                    TransportException::CONNECT,
                    "Could not connect to $peer: the host name \"$host\" could not be resolved (DNS)."
                );
            }
            $timedOut = $errno === 110 || stripos($reason, 'timed out') !== false;
            if ($timedOut) {
                throw new TransportException(
                    TransportException::TIMEOUT,
                    "Timed out after {$timeoutMs} ms connecting to $peer."
                );
            }
            throw new TransportException(
                TransportException::CONNECT,
                "Could not connect to $peer: " . self::cleanReason($reason) . '.'
            );
        }
        stream_set_blocking($stream, false);
        $socket = new self($stream, $peer);
        if ($secure) {
            $socket->enableTls($tls, $deadline);
        }

        return $socket;
    }

    /** Whatever is readable now, '' when nothing is (never waits). */
    public function read(int $max = 65536): string
    {
        if ($this->stream === null) {
            return '';
        }
        $chunk = @fread($this->stream, $max);

        return is_string($chunk) ? $chunk : '';
    }

    /** True once the peer closed its side (or the socket is closed); call after read() returned ''. */
    public function atEof(): bool
    {
        return $this->stream === null || feof($this->stream);
    }

    /** Waits until readable, at most until $deadline and at most $sliceMs; a spurious wake-up is harmless. */
    public function waitReadable(Deadline $deadline, int $sliceMs = PHP_INT_MAX): void
    {
        $ms = min($deadline->remainingMs(), $sliceMs);
        if ($this->stream === null || $ms <= 0) {
            return;
        }
        $read = [$this->stream];
        $write = null;
        $except = null;
        // A false return (e.g. EINTR) is harmless: the caller re-checks data and deadline.
        @stream_select($read, $write, $except, intdiv($ms, 1000), ($ms % 1000) * 1000);
    }

    /**
     * Writes all of $data before $deadline or throws (timeout, or closed when the connection broke). At least one write
     * is tried even when the deadline has passed, so a small frame still goes out when the socket has room.
     *
     * @param string $what what is being sent, for messages ("sending data")
     */
    public function writeAll(string $data, Deadline $deadline, string $what): void
    {
        $total = strlen($data);
        $done = 0;
        // One write per turn, then the deadline: a peer that reads a trickle must not stretch a send forever either.
        while (true) {
            if ($this->stream === null) {
                throw new TransportException(
                    TransportException::CLOSED,
                    "The connection to {$this->peer} is already closed."
                );
            }
            $written = @fwrite($this->stream, $done === 0 ? $data : substr($data, $done));
            if ($written === false) {
                throw new TransportException(
                    TransportException::CLOSED,
                    "The connection to {$this->peer} was lost while $what ($done of $total bytes written)."
                );
            }
            $done += $written;
            if ($done >= $total) {
                return;
            }
            $remaining = $deadline->remainingMs();
            if ($remaining <= 0) {
                throw new TransportException(
                    TransportException::TIMEOUT,
                    "Timed out after {$deadline->ms} ms while $what to {$this->peer} ($done of $total bytes written)."
                );
            }
            if ($written === 0) {
                $read = null;
                $write = [$this->stream];
                $except = null;
                @stream_select($read, $write, $except, intdiv($remaining, 1000), ($remaining % 1000) * 1000);
            }
        }
    }

    public function close(): void
    {
        if ($this->stream !== null) {
            @fclose($this->stream);
            $this->stream = null;
        }
    }

    /** Strips PHP function prefixes and control characters so messages read cleanly for admins. */
    public static function cleanReason(string $reason): string
    {
        $reason = preg_replace('/\b[a-z_]+\(\): /', '', $reason) ?? $reason;
        $reason = preg_replace('/[\x00-\x1F\x7F]+/', ' ', $reason) ?? $reason;

        return trim(substr($reason, 0, 300));
    }

    /**
     * @return array<string, mixed>
     */
    private static function sslOptions(string $host, TlsSettings $tls): array
    {
        $peerName = trim($host, '[]');
        $options = [
            'peer_name' => $peerName,
            'SNI_enabled' => true,
            'verify_peer' => true,
            'verify_peer_name' => true,
            'allow_self_signed' => false,
        ];
        if ($tls->caFile !== null) {
            $options['cafile'] = $tls->caFile;
        }
        if ($tls->normalizedPin() !== null) {
            // The pin replaces chain validation: MeshCentral usually runs with a self-signed certificate.
            $options['verify_peer'] = false;
            $options['verify_peer_name'] = false;
            $options['allow_self_signed'] = true;
            $options['capture_peer_cert'] = true;
        } elseif (!$tls->verify) {
            $options['verify_peer'] = false;
            $options['verify_peer_name'] = false;
            $options['allow_self_signed'] = true;
        }

        return $options;
    }

    private function enableTls(TlsSettings $tls, Deadline $deadline): void
    {
        $stream = $this->stream;
        $peer = $this->peer;
        $method = STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT | STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT;
        $warnings = [];
        while (true) {
            [$result, $warning] = self::withWarnings(
                static fn () => stream_socket_enable_crypto($stream, true, $method)
            );
            if ($warning !== null) {
                $warnings[] = $warning;
            }
            if ($result === true) {
                break;
            }
            if ($result === false) {
                $detail = self::cleanReason(implode('; ', $warnings));
                if (stripos($detail, 'certificate') !== false || stripos($detail, 'peer') !== false) {
                    throw new TransportException(
                        TransportException::TLS,
                        "TLS certificate of $peer could not be verified ($detail). "
                        . 'Configure the certificate pin or a CA file for this server.'
                    );
                }
                throw new TransportException(
                    TransportException::TLS,
                    "TLS handshake with $peer failed" . ($detail !== '' ? " ($detail)" : '') . '.'
                );
            }
            // 0: OpenSSL needs more data. Wait in short slices because it may also want to write.
            if ($deadline->expired()) {
                throw new TransportException(
                    TransportException::TIMEOUT,
                    "Timed out after {$deadline->ms} ms during the TLS handshake with $peer."
                );
            }
            $this->waitReadable($deadline, 50);
        }

        $pin = $tls->normalizedPin();
        if ($pin !== null) {
            $actual = self::peerCertificateSha384($stream);
            if ($actual === null || !hash_equals($pin, $actual)) {
                throw new TransportException(
                    TransportException::TLS,
                    "TLS certificate of $peer does not match the pinned SHA-384 hash"
                    . ($actual !== null ? " (server presented $actual)" : '') . '.'
                );
            }
        }
    }

    /**
     * SHA-384 over the DER encoding, the same value MeshCentral and `openssl x509 -fingerprint -sha384` show.
     *
     * @param resource $stream
     */
    private static function peerCertificateSha384($stream): ?string
    {
        $options = stream_context_get_options($stream);
        $cert = $options['ssl']['peer_certificate'] ?? null;
        if ($cert === null) {
            return null;
        }
        $pem = '';
        if (!@openssl_x509_export($cert, $pem)) {
            return null;
        }
        $body = preg_replace('/-----(BEGIN|END) CERTIFICATE-----|\s+/', '', $pem);
        $der = base64_decode((string) $body, true);
        if ($der === false || $der === '') {
            return null;
        }

        return hash('sha384', $der);
    }

    /**
     * Runs $fn while capturing PHP warnings instead of letting them leak to output or logs.
     *
     * @template T
     * @param callable():T $fn
     * @return array{0:T,1:?string}
     */
    private static function withWarnings(callable $fn): array
    {
        $captured = null;
        set_error_handler(static function (int $no, string $message) use (&$captured): bool {
            $captured = $captured === null ? $message : $captured . '; ' . $message;
            return true;
        });
        try {
            $result = $fn();
        } finally {
            restore_error_handler();
        }

        return [$result, $captured];
    }
}
