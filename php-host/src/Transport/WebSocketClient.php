<?php

declare(strict_types=1);

namespace MeshCentralConnector\Transport;

/**
 * Minimal RFC 6455 WebSocket client (text messages only) on plain PHP streams.
 *
 * Design notes (why it looks like this):
 * - The socket is non-blocking and every wait goes through stream_select()
 *   against an absolute deadline, so no call can hang longer than asked,
 *   whatever the peer does (trickling bytes, never answering, ...).
 * - We always try fread() before waiting: with TLS, OpenSSL may already hold
 *   decrypted bytes that stream_select() cannot see.
 * - Incoming bytes accumulate in $buffer and a frame is only consumed once it
 *   is complete, so a receive() timeout never loses or corrupts data and the
 *   next receive() simply continues.
 * - Lengths from the peer are validated before any payload is read, so a
 *   hostile server cannot make us allocate or wait for huge frames.
 */
final class WebSocketClient
{
    private const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
    private const MAX_RESPONSE_HEADER_BYTES = 16384;
    private const READ_CHUNK = 65536;
    private const CLOSE_WAIT_MS = 200;
    /** Writes get at least this long: a slow uplink must not be mistaken for a dead peer. */
    private const MIN_WRITE_TIMEOUT_MS = 5000;

    private const OP_CONTINUATION = 0x0;
    private const OP_TEXT = 0x1;
    private const OP_BINARY = 0x2;
    private const OP_CLOSE = 0x8;
    private const OP_PING = 0x9;
    private const OP_PONG = 0xA;

    /** @var resource|null */
    private $stream;
    private string $buffer;
    /** Payload of a fragmented text message being reassembled, null when none is in progress. */
    private ?string $fragments = null;
    private bool $closed = false;

    /**
     * @param resource $stream
     */
    private function __construct(
        $stream,
        string $initialBuffer,
        private readonly string $peer,
        private readonly int $maxMessageBytes,
        private readonly int $writeTimeoutMs,
    ) {
        $this->stream = $stream;
        $this->buffer = $initialBuffer;
    }

    public function __destruct()
    {
        // No network round-trip here: destructors must not block. Just release the socket.
        if ($this->stream !== null) {
            @fclose($this->stream);
            $this->stream = null;
        }
    }

    /**
     * @param list<array{0:string,1:string}> $headers extra request headers
     */
    public static function connect(
        string $url,
        array $headers,
        TlsSettings $tls,
        int $connectTimeoutMs,
        int $maxMessageBytes,
    ): self {
        if ($connectTimeoutMs <= 0) {
            throw new \InvalidArgumentException('Connect timeout must be a positive number of milliseconds.');
        }
        if ($maxMessageBytes <= 0) {
            throw new \InvalidArgumentException('Maximum message size must be a positive number of bytes.');
        }

        [$secure, $host, $port, $target] = self::parseUrl($url);
        $peer = $host . ':' . $port;
        $deadline = self::deadline($connectTimeoutMs);

        $stream = self::openSocket($host, $port, $peer, $secure, $tls, $connectTimeoutMs);
        try {
            if ($secure) {
                self::enableTls($stream, $peer, $tls, $deadline, $connectTimeoutMs);
            }

            $key = base64_encode(random_bytes(16));
            $request = self::buildRequest($target, $peer, $key, $headers);
            self::writeAll($stream, $request, $deadline, $peer, $connectTimeoutMs, 'sending the WebSocket handshake');
            $leftover = self::readHandshakeResponse($stream, $key, $peer, $deadline, $connectTimeoutMs);
        } catch (\Throwable $e) {
            @fclose($stream);
            throw $e;
        }

        $writeTimeoutMs = max($connectTimeoutMs, self::MIN_WRITE_TIMEOUT_MS);

        return new self($stream, $leftover, $peer, $maxMessageBytes, $writeTimeoutMs);
    }

    /** Sends one masked text frame (client frames must be masked, RFC 6455 5.3). */
    public function send(string $text): void
    {
        $this->assertOpen();
        if (preg_match('//u', $text) !== 1) {
            throw new TransportException(
                TransportException::PROTOCOL,
                'Refusing to send a WebSocket text message that is not valid UTF-8.'
            );
        }
        $this->sendFrame(self::OP_TEXT, $text, self::deadline($this->writeTimeoutMs), $this->writeTimeoutMs);
    }

    /**
     * Returns the next complete text message.
     *
     * Pings are answered, pongs ignored, fragments reassembled. Protocol
     * violations and oversized messages fail the connection, because after
     * them the byte stream can no longer be trusted.
     */
    public function receive(int $timeoutMs): string
    {
        $this->assertOpen();
        $deadline = self::deadline(max(0, $timeoutMs));
        try {
            while (true) {
                $frame = $this->tryParseFrame();
                if ($frame === null) {
                    $this->fillBuffer($deadline, $timeoutMs);
                    continue;
                }
                $message = $this->handleFrame($frame[0], $frame[1], $frame[2]);
                if ($message !== null) {
                    return $message;
                }
            }
        } catch (TransportException $e) {
            if ($e->kind === TransportException::PROTOCOL) {
                $this->failConnection(1002);
            } elseif ($e->kind === TransportException::TOO_LARGE) {
                $this->failConnection(1009);
            } elseif ($e->kind === TransportException::CLOSED) {
                $this->dropSocket();
            }
            // Timeouts leave the connection usable: partial data stays buffered.
            throw $e;
        }
    }

    /** Polite close: send a close frame, wait briefly for the answer, release the socket. Idempotent. */
    public function close(): void
    {
        if ($this->closed || $this->stream === null) {
            $this->closed = true;
            return;
        }
        $deadline = self::deadline(self::CLOSE_WAIT_MS);
        try {
            $this->sendFrame(self::OP_CLOSE, pack('n', 1000), $deadline, self::CLOSE_WAIT_MS);
            // Wait for the peer's close frame; anything else arriving meanwhile is discarded.
            while (true) {
                $frame = $this->tryParseFrame();
                if ($frame === null) {
                    $this->fillBuffer($deadline, self::CLOSE_WAIT_MS);
                    continue;
                }
                if ($frame[1] === self::OP_CLOSE) {
                    break;
                }
            }
        } catch (TransportException) {
            // The peer may be gone or slow; closing must succeed regardless.
        }
        $this->dropSocket();
    }

    // ---------------------------------------------------------------------
    // Connection setup
    // ---------------------------------------------------------------------

    /**
     * @return array{0:bool,1:string,2:int,3:string} secure, host, port, request target
     */
    private static function parseUrl(string $url): array
    {
        $parts = parse_url($url);
        if ($parts === false || !isset($parts['scheme'], $parts['host']) || $parts['host'] === '') {
            throw new TransportException(TransportException::CONNECT, "Invalid WebSocket URL \"$url\".");
        }
        $scheme = strtolower($parts['scheme']);
        if ($scheme !== 'ws' && $scheme !== 'wss') {
            throw new TransportException(
                TransportException::CONNECT,
                "Unsupported URL scheme \"$scheme\" in \"$url\": use ws:// or wss://."
            );
        }
        $secure = $scheme === 'wss';
        $port = $parts['port'] ?? ($secure ? 443 : 80);
        $target = ($parts['path'] ?? '') === '' ? '/' : $parts['path'];
        if (isset($parts['query']) && $parts['query'] !== '') {
            $target .= '?' . $parts['query'];
        }

        // parse_url keeps IPv6 brackets, which is what both the socket address and Host header need.
        return [$secure, $parts['host'], $port, $target];
    }

    /**
     * @return resource
     */
    private static function openSocket(
        string $host,
        int $port,
        string $peer,
        bool $secure,
        TlsSettings $tls,
        int $connectTimeoutMs,
    ) {
        $context = stream_context_create(['ssl' => $secure ? self::sslOptions($host, $tls) : []]);
        $errno = 0;
        $errstr = '';
        // Plain TCP first; TLS is negotiated afterwards in non-blocking mode so it obeys our deadline.
        [$stream, $warning] = self::withWarnings(static fn () => stream_socket_client(
            'tcp://' . $peer,
            $errno,
            $errstr,
            $connectTimeoutMs / 1000,
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
                    "Timed out after {$connectTimeoutMs} ms connecting to $peer."
                );
            }
            throw new TransportException(
                TransportException::CONNECT,
                "Could not connect to $peer: " . self::cleanReason($reason) . '.'
            );
        }
        stream_set_blocking($stream, false);

        return $stream;
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

    /**
     * @param resource $stream
     */
    private static function enableTls($stream, string $peer, TlsSettings $tls, int $deadline, int $timeoutMs): void
    {
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
            $remaining = self::remainingMs($deadline);
            if ($remaining <= 0) {
                throw new TransportException(
                    TransportException::TIMEOUT,
                    "Timed out after {$timeoutMs} ms during the TLS handshake with $peer."
                );
            }
            self::waitReadable($stream, min($remaining, 50));
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
     * @param list<array{0:string,1:string}> $headers
     */
    private static function buildRequest(string $target, string $peer, string $key, array $headers): string
    {
        $lines = [
            "GET $target HTTP/1.1",
            "Host: $peer",
            'Upgrade: websocket',
            'Connection: Upgrade',
            "Sec-WebSocket-Key: $key",
            'Sec-WebSocket-Version: 13',
        ];
        foreach ($headers as $header) {
            [$name, $value] = $header;
            // Reject CR/LF so a caller-supplied value (e.g. a cookie) can never inject headers.
            $validName = preg_match('/\A[!#$%&\'*+.^_`|~0-9A-Za-z-]+\z/', $name) === 1;
            if (!$validName || preg_match('/[\r\n\0]/', $value) === 1) {
                throw new \InvalidArgumentException("Invalid WebSocket request header \"$name\".");
            }
            $lines[] = "$name: $value";
        }

        return implode("\r\n", $lines) . "\r\n\r\n";
    }

    /**
     * Reads and validates the HTTP upgrade response.
     *
     * @param resource $stream
     * @return string bytes received after the header block (early WebSocket frames)
     */
    private static function readHandshakeResponse(
        $stream,
        string $key,
        string $peer,
        int $deadline,
        int $timeoutMs,
    ): string {
        $data = '';
        while (($end = strpos($data, "\r\n\r\n")) === false) {
            if (strlen($data) > self::MAX_RESPONSE_HEADER_BYTES) {
                throw new TransportException(
                    TransportException::HANDSHAKE,
                    "The server at $peer sent an oversized HTTP response header; "
                    . 'it is not a MeshCentral WebSocket endpoint.'
                );
            }
            $chunk = self::readChunk($stream);
            if ($chunk !== '') {
                $data .= $chunk;
                continue;
            }
            if (feof($stream)) {
                throw new TransportException(
                    TransportException::HANDSHAKE,
                    "The server at $peer closed the connection during the WebSocket handshake; "
                    . 'check that the URL points to MeshCentral.'
                );
            }
            $remaining = self::remainingMs($deadline);
            if ($remaining <= 0) {
                throw new TransportException(
                    TransportException::TIMEOUT,
                    "Timed out after {$timeoutMs} ms waiting for the WebSocket handshake answer from $peer."
                );
            }
            self::waitReadable($stream, $remaining);
        }
        if ($end > self::MAX_RESPONSE_HEADER_BYTES) {
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer sent an oversized HTTP response header; "
                . 'it is not a MeshCentral WebSocket endpoint.'
            );
        }

        $lines = explode("\r\n", substr($data, 0, $end));
        $status = array_shift($lines);
        if (preg_match('#\AHTTP/1\.[01] (\d{3})(?: (.*))?\z#', $status, $m) !== 1) {
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer did not answer with HTTP; it is not a WebSocket server."
            );
        }
        if ($m[1] !== '101') {
            $reason = self::cleanReason($m[2] ?? '');
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer refused the WebSocket upgrade with HTTP {$m[1]}"
                . ($reason !== '' ? " $reason" : '') . '; check the URL and path.'
            );
        }

        $fields = [];
        foreach ($lines as $line) {
            $colon = strpos($line, ':');
            if ($colon === false) {
                throw new TransportException(
                    TransportException::HANDSHAKE,
                    "The server at $peer sent a malformed HTTP header in the WebSocket handshake."
                );
            }
            $fields[strtolower(trim(substr($line, 0, $colon)))] = trim(substr($line, $colon + 1));
        }
        $upgradeOk = strtolower($fields['upgrade'] ?? '') === 'websocket';
        $connectionTokens = array_map('trim', explode(',', strtolower($fields['connection'] ?? '')));
        if (!$upgradeOk || !in_array('upgrade', $connectionTokens, true)) {
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer answered 101 without a proper WebSocket upgrade."
            );
        }
        $expected = base64_encode(sha1($key . self::GUID, true));
        if (!hash_equals($expected, $fields['sec-websocket-accept'] ?? '')) {
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer sent an invalid Sec-WebSocket-Accept value; it is not a valid WebSocket server."
            );
        }
        if (isset($fields['sec-websocket-extensions']) && $fields['sec-websocket-extensions'] !== '') {
            // We never offered extensions; accepting one would change frame semantics.
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer enabled a WebSocket extension that was not requested."
            );
        }

        return substr($data, $end + 4);
    }

    // ---------------------------------------------------------------------
    // Framing
    // ---------------------------------------------------------------------

    /**
     * Parses one frame from the buffer if it is complete; validates the header as soon as it is there.
     *
     * @return array{0:bool,1:int,2:string}|null fin, opcode, payload
     */
    private function tryParseFrame(): ?array
    {
        $available = strlen($this->buffer);
        if ($available < 2) {
            return null;
        }
        $b0 = ord($this->buffer[0]);
        $b1 = ord($this->buffer[1]);
        $fin = ($b0 & 0x80) !== 0;
        $opcode = $b0 & 0x0F;
        if (($b0 & 0x70) !== 0) {
            throw $this->protocolError('a frame with reserved bits set (no extension was negotiated)');
        }
        if (($b1 & 0x80) !== 0) {
            throw $this->protocolError('a masked frame (servers must not mask frames)');
        }
        $known = [self::OP_CONTINUATION, self::OP_TEXT, self::OP_CLOSE, self::OP_PING, self::OP_PONG];
        if (!in_array($opcode, $known, true)) {
            if ($opcode === self::OP_BINARY) {
                throw $this->protocolError('a binary message (only text messages are expected)');
            }
            throw $this->protocolError(sprintf('a frame with unknown opcode 0x%X', $opcode));
        }

        $length = $b1 & 0x7F;
        $headerSize = 2;
        if ($length === 126) {
            if ($available < 4) {
                return null;
            }
            $length = unpack('n', $this->buffer, 2)[1];
            $headerSize = 4;
        } elseif ($length === 127) {
            if ($available < 10) {
                return null;
            }
            if ((ord($this->buffer[2]) & 0x80) !== 0) {
                throw $this->protocolError('a frame length with the most significant bit set');
            }
            $length = unpack('J', $this->buffer, 2)[1];
            $headerSize = 10;
        }

        $isControl = ($opcode & 0x8) !== 0;
        if ($isControl) {
            if (!$fin) {
                throw $this->protocolError('a fragmented control frame');
            }
            if ($length > 125) {
                throw $this->protocolError('a control frame longer than 125 bytes');
            }
        } else {
            $already = $this->fragments === null ? 0 : strlen($this->fragments);
            if ($length > $this->maxMessageBytes || $already + $length > $this->maxMessageBytes) {
                throw new TransportException(
                    TransportException::TOO_LARGE,
                    "The server at {$this->peer} sent a message of at least " . ($already + $length)
                    . " bytes, over the limit of {$this->maxMessageBytes} bytes."
                );
            }
        }

        if ($available < $headerSize + $length) {
            return null;
        }
        $payload = substr($this->buffer, $headerSize, $length);
        $this->buffer = substr($this->buffer, $headerSize + $length);

        return [$fin, $opcode, $payload];
    }

    /** Applies one frame; returns a complete text message or null when more frames are needed. */
    private function handleFrame(bool $fin, int $opcode, string $payload): ?string
    {
        switch ($opcode) {
            case self::OP_PING:
                $this->sendFrame(self::OP_PONG, $payload, self::deadline($this->writeTimeoutMs), $this->writeTimeoutMs);
                return null;
            case self::OP_PONG:
                return null;
            case self::OP_CLOSE:
                throw $this->handleCloseFrame($payload);
            case self::OP_TEXT:
                if ($this->fragments !== null) {
                    throw $this->protocolError('a new text message before the previous fragmented one ended');
                }
                if (!$fin) {
                    $this->fragments = $payload;
                    return null;
                }
                return $this->validText($payload);
            default: // continuation
                if ($this->fragments === null) {
                    throw $this->protocolError('a continuation frame without a message to continue');
                }
                $this->fragments .= $payload;
                if (!$fin) {
                    return null;
                }
                $message = $this->fragments;
                $this->fragments = null;
                return $this->validText($message);
        }
    }

    private function validText(string $message): string
    {
        if (preg_match('//u', $message) !== 1) {
            throw $this->protocolError('a text message that is not valid UTF-8');
        }

        return $message;
    }

    private function handleCloseFrame(string $payload): TransportException
    {
        $code = null;
        $reason = '';
        if (strlen($payload) === 1) {
            $this->failConnection(1002);
            return $this->protocolError('a malformed close frame');
        }
        if (strlen($payload) >= 2) {
            $code = unpack('n', $payload)[1];
            $reason = substr($payload, 2);
            if (preg_match('//u', $reason) !== 1) {
                $reason = '(invalid UTF-8 reason)';
            }
        }
        // Echo the close as RFC 6455 asks; best effort, the peer may already be gone.
        try {
            $echo = $code === null ? '' : pack('n', $code);
            $this->sendFrame(self::OP_CLOSE, $echo, self::deadline(self::CLOSE_WAIT_MS), self::CLOSE_WAIT_MS);
        } catch (TransportException) {
            // Ignored: we are closing anyway.
        }
        $this->dropSocket();

        $detail = $code === null ? 'without a close code' : "with code $code";
        if ($reason !== '') {
            $detail .= ': ' . self::cleanReason($reason);
        }

        return new TransportException(
            TransportException::CLOSED,
            "The server at {$this->peer} closed the WebSocket connection $detail."
        );
    }

    private function sendFrame(int $opcode, string $payload, int $deadline, int $timeoutMs): void
    {
        if ($this->stream === null) {
            throw $this->alreadyClosed();
        }
        $length = strlen($payload);
        $header = chr(0x80 | $opcode);
        if ($length < 126) {
            $header .= chr(0x80 | $length);
        } elseif ($length <= 0xFFFF) {
            $header .= chr(0x80 | 126) . pack('n', $length);
        } else {
            $header .= chr(0x80 | 127) . pack('J', $length);
        }
        $mask = random_bytes(4);
        $masked = $length === 0 ? '' : $payload ^ str_repeat($mask, intdiv($length + 3, 4));
        $frame = $header . $mask . substr($masked, 0, $length);
        self::writeAll($this->stream, $frame, $deadline, $this->peer, $timeoutMs, 'sending data');
    }

    // ---------------------------------------------------------------------
    // Low-level I/O
    // ---------------------------------------------------------------------

    /** Reads whatever is available into the buffer, waiting at most until $deadline. */
    private function fillBuffer(int $deadline, int $timeoutMs): void
    {
        if ($this->stream === null) {
            throw $this->alreadyClosed();
        }
        while (true) {
            $chunk = self::readChunk($this->stream);
            if ($chunk !== '') {
                $this->buffer .= $chunk;
                return;
            }
            if (feof($this->stream)) {
                throw new TransportException(
                    TransportException::CLOSED,
                    "The server at {$this->peer} closed the connection without a WebSocket close frame."
                );
            }
            $remaining = self::remainingMs($deadline);
            if ($remaining <= 0) {
                throw new TransportException(
                    TransportException::TIMEOUT,
                    "No message from {$this->peer} within {$timeoutMs} ms."
                );
            }
            self::waitReadable($this->stream, $remaining);
        }
    }

    /**
     * @param resource $stream
     */
    private static function readChunk($stream): string
    {
        $chunk = @fread($stream, self::READ_CHUNK);

        return is_string($chunk) ? $chunk : '';
    }

    /**
     * @param resource $stream
     */
    private static function writeAll(
        $stream,
        string $data,
        int $deadline,
        string $peer,
        int $timeoutMs,
        string $what,
    ): void {
        while ($data !== '') {
            $written = @fwrite($stream, $data);
            if ($written === false) {
                throw new TransportException(
                    TransportException::CLOSED,
                    "The connection to $peer was lost while $what."
                );
            }
            if ($written > 0) {
                $data = substr($data, $written);
                continue;
            }
            $remaining = self::remainingMs($deadline);
            if ($remaining <= 0) {
                throw new TransportException(
                    TransportException::TIMEOUT,
                    "Timed out after {$timeoutMs} ms while $what to $peer."
                );
            }
            $read = null;
            $write = [$stream];
            $except = null;
            @stream_select($read, $write, $except, intdiv($remaining, 1000), ($remaining % 1000) * 1000);
        }
    }

    /**
     * @param resource $stream
     */
    private static function waitReadable($stream, int $ms): void
    {
        $read = [$stream];
        $write = null;
        $except = null;
        // A false return (e.g. EINTR) is harmless: the caller re-checks data and deadline.
        @stream_select($read, $write, $except, intdiv($ms, 1000), ($ms % 1000) * 1000);
    }

    /** Best-effort close with a status code after a local decision to abort, then release the socket. */
    private function failConnection(int $code): void
    {
        if ($this->stream !== null) {
            try {
                $deadline = self::deadline(self::CLOSE_WAIT_MS);
                $this->sendFrame(self::OP_CLOSE, pack('n', $code), $deadline, self::CLOSE_WAIT_MS);
            } catch (TransportException) {
                // Ignored: the connection is being abandoned.
            }
        }
        $this->dropSocket();
    }

    private function dropSocket(): void
    {
        if ($this->stream !== null) {
            @fclose($this->stream);
            $this->stream = null;
        }
        $this->closed = true;
        $this->fragments = null;
        $this->buffer = '';
    }

    private function assertOpen(): void
    {
        if ($this->closed || $this->stream === null) {
            throw $this->alreadyClosed();
        }
    }

    private function alreadyClosed(): TransportException
    {
        return new TransportException(
            TransportException::CLOSED,
            "The WebSocket connection to {$this->peer} is already closed."
        );
    }

    private function protocolError(string $what): TransportException
    {
        return new TransportException(
            TransportException::PROTOCOL,
            "The server at {$this->peer} violated the WebSocket protocol: it sent $what."
        );
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

    /** Strips PHP function prefixes and control characters so messages read cleanly for admins. */
    private static function cleanReason(string $reason): string
    {
        $reason = preg_replace('/\b[a-z_]+\(\): /', '', $reason) ?? $reason;
        $reason = preg_replace('/[\x00-\x1F\x7F]+/', ' ', $reason) ?? $reason;

        return trim(substr($reason, 0, 300));
    }

    private static function deadline(int $ms): int
    {
        return hrtime(true) + $ms * 1_000_000;
    }

    private static function remainingMs(int $deadline): int
    {
        $left = $deadline - hrtime(true);

        return $left <= 0 ? 0 : (int) ceil($left / 1_000_000);
    }
}
