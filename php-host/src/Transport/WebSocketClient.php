<?php

declare(strict_types=1);

namespace MeshCentralConnector\Transport;

/**
 * Minimal RFC 6455 WebSocket client (text messages only), composed of WebSocketUrl (the URL), StreamSocket (TCP/TLS,
 * bounded waits), Handshake (the HTTP upgrade) and FrameCodec (framing, on strings).
 *
 * Design notes (why it looks like this):
 * - Every call has one Deadline and checks it on every turn of its loop, whatever the peer sends: a flood of pings is
 *   as bounded as silence. Pongs and close echoes sent from inside receive() are bounded by receive()'s deadline too.
 * - A call may handle at most MAX_CONTROL_FRAMES control frames (pings, pongs); past that the peer is flooding and
 *   the connection fails with a protocol error. FrameCodec caps the fragments of one message the same way.
 * - A write that does not complete (timeout or error half-way through a frame) fails the connection at once: the
 *   peer has half a frame, so nothing more may be sent; every later call reports the connection closed.
 * - A receive() timeout otherwise leaves the connection usable: partial frames stay in the codec's buffer and the
 *   next receive() continues.
 * - Protocol violations and oversized messages fail the connection (close 1002/1009), because after them the byte
 *   stream can no longer be trusted.
 */
final class WebSocketClient
{
    private const CLOSE_WAIT_MS = 200;
    /** Writes get at least this long: a slow uplink must not be mistaken for a dead peer. */
    private const MIN_WRITE_TIMEOUT_MS = 5000;
    /** Control frames (pings, pongs) one receive() or close() handles before it calls the peer a flood. */
    public const MAX_CONTROL_FRAMES = 128;

    private ?StreamSocket $socket;
    private FrameCodec $codec;
    /** Why the connection failed (a partial write, a protocol error, the peer's close), null while usable. */
    private ?string $failure = null;

    private function __construct(
        StreamSocket $socket,
        string $initialBuffer,
        private readonly string $peer,
        int $maxMessageBytes,
        private readonly int $writeTimeoutMs,
    ) {
        $this->socket = $socket;
        $this->codec = new FrameCodec($maxMessageBytes, "the server at $peer");
        $this->codec->feed($initialBuffer);
    }

    /**
     * @param list<array{0:string,1:string}> $headers extra request headers
     * @param int|null $writeTimeoutMs how long one send() may take; default the larger of the connect timeout and 5 s
     */
    public static function connect(
        string $url,
        array $headers,
        TlsSettings $tls,
        int $connectTimeoutMs,
        int $maxMessageBytes,
        ?int $writeTimeoutMs = null,
    ): self {
        if ($connectTimeoutMs <= 0) {
            throw new \InvalidArgumentException('Connect timeout must be a positive number of milliseconds.');
        }
        if ($maxMessageBytes <= 0) {
            throw new \InvalidArgumentException('Maximum message size must be a positive number of bytes.');
        }
        if ($writeTimeoutMs !== null && $writeTimeoutMs <= 0) {
            throw new \InvalidArgumentException('Write timeout must be a positive number of milliseconds.');
        }

        $parsed = WebSocketUrl::parse($url);
        $peer = $parsed->peer();
        $deadline = Deadline::in($connectTimeoutMs);

        $socket = StreamSocket::open($parsed->host, $parsed->port, $parsed->secure, $tls, $deadline);
        try {
            $handshake = new Handshake(Handshake::newKey(), $peer);
            $socket->writeAll($handshake->request($parsed->target, $headers), $deadline, 'sending the WebSocket handshake');
            $leftover = self::readHandshakeResponse($socket, $handshake, $deadline);
        } catch (\Throwable $e) {
            $socket->close();
            throw $e;
        }

        return new self(
            $socket,
            $leftover,
            $peer,
            $maxMessageBytes,
            $writeTimeoutMs ?? max($connectTimeoutMs, self::MIN_WRITE_TIMEOUT_MS),
        );
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
        $this->write(FrameCodec::encodeMasked(Frame::TEXT, $text), Deadline::in($this->writeTimeoutMs), 'sending data');
    }

    /**
     * Returns the next complete text message before $timeoutMs.
     *
     * Pings are answered, pongs ignored, fragments reassembled (FrameCodec).
     */
    public function receive(int $timeoutMs): string
    {
        $this->assertOpen();
        $deadline = Deadline::in($timeoutMs);
        $control = 0;
        try {
            while (true) {
                $frame = $this->codec->next();
                if ($frame === null) {
                    // Checked before every read, so a frame that keeps arriving in pieces cannot outlast the deadline.
                    if ($deadline->expired()) {
                        throw $this->timedOut($deadline);
                    }
                    $this->fill($deadline);
                    continue;
                }
                if ($frame->opcode === Frame::TEXT) {
                    return $frame->payload;
                }
                if ($frame->opcode === Frame::CLOSE) {
                    throw $this->handleCloseFrame($frame->payload, $deadline);
                }
                $this->countControl($control);
                if ($frame->opcode === Frame::PING) {
                    // Bounded by this call's deadline: a peer that pings but does not read fails the connection here.
                    $this->write(FrameCodec::encodeMasked(Frame::PONG, $frame->payload), $deadline, 'answering a ping');
                }
                if ($deadline->expired()) {
                    throw $this->timedOut($deadline);
                }
            }
        } catch (TransportException $e) {
            if ($e->kind === TransportException::PROTOCOL) {
                $this->failConnection(1002, $e->getMessage(), $deadline);
            } elseif ($e->kind === TransportException::TOO_LARGE) {
                $this->failConnection(1009, $e->getMessage(), $deadline);
            } elseif ($e->kind === TransportException::CLOSED) {
                $this->drop($e->getMessage());
            }
            throw $e;
        }
    }

    /** Polite close: send a close frame, wait briefly for the answer, release the socket. Idempotent. */
    public function close(): void
    {
        if ($this->socket === null) {
            return;
        }
        $deadline = Deadline::in(self::CLOSE_WAIT_MS);
        try {
            $this->write(FrameCodec::encodeMasked(Frame::CLOSE, pack('n', 1000)), $deadline, 'closing');
            // Wait for the peer's close frame; anything else arriving meanwhile is discarded.
            $control = 0;
            while (true) {
                $frame = $this->codec->next();
                if ($frame === null) {
                    if ($deadline->expired()) {
                        break;
                    }
                    $this->fill($deadline);
                    continue;
                }
                if ($frame->opcode === Frame::CLOSE) {
                    break;
                }
                if ($frame->isControl()) {
                    $this->countControl($control);
                }
                if ($deadline->expired()) {
                    break;
                }
            }
        } catch (TransportException) {
            // The peer may be gone, slow or hostile; closing must succeed regardless.
        }
        $this->drop(null);
    }

    // ---------------------------------------------------------------------
    // Connection setup
    // ---------------------------------------------------------------------

    /** @return string bytes received after the header block (early WebSocket frames) */
    private static function readHandshakeResponse(StreamSocket $socket, Handshake $handshake, Deadline $deadline): string
    {
        $peer = $socket->peer;
        while (true) {
            $chunk = $socket->read(4096);
            if ($chunk !== '') {
                $leftover = $handshake->feed($chunk);
                if ($leftover !== null) {
                    return $leftover;
                }
            } elseif ($socket->atEof()) {
                throw new TransportException(
                    TransportException::HANDSHAKE,
                    "The server at $peer closed the connection during the WebSocket handshake; "
                    . 'check that the URL points to MeshCentral.'
                );
            }
            // Checked on every turn, data or not: a header trickled forever must still end at the deadline.
            if ($deadline->expired()) {
                throw new TransportException(
                    TransportException::TIMEOUT,
                    "Timed out after {$deadline->ms} ms waiting for the WebSocket handshake answer from $peer."
                );
            }
            if ($chunk === '') {
                $socket->waitReadable($deadline);
            }
        }
    }

    // ---------------------------------------------------------------------
    // Frames
    // ---------------------------------------------------------------------

    private function countControl(int &$count): void
    {
        if (++$count > self::MAX_CONTROL_FRAMES) {
            throw new TransportException(
                TransportException::PROTOCOL,
                "The server at {$this->peer} violated the WebSocket protocol: it sent more than "
                . self::MAX_CONTROL_FRAMES . ' control frames (pings/pongs) without a message.'
            );
        }
    }

    private function handleCloseFrame(string $payload, Deadline $deadline): TransportException
    {
        if (strlen($payload) === 1) {
            return new TransportException(
                TransportException::PROTOCOL,
                "The server at {$this->peer} violated the WebSocket protocol: it sent a malformed close frame."
            );
        }
        $code = null;
        $reason = '';
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
            $this->write(
                FrameCodec::encodeMasked(Frame::CLOSE, $echo),
                Deadline::in(self::CLOSE_WAIT_MS)->capped($deadline),
                'answering the close'
            );
        } catch (TransportException) {
            // Ignored: we are closing anyway.
        }

        $detail = $code === null ? 'without a close code' : "with code $code";
        if ($reason !== '') {
            $detail .= ': ' . StreamSocket::cleanReason($reason);
        }

        return new TransportException(
            TransportException::CLOSED,
            "The server at {$this->peer} closed the WebSocket connection $detail."
        );
    }

    // ---------------------------------------------------------------------
    // I/O and connection state
    // ---------------------------------------------------------------------

    /** Writes one whole frame or fails the connection: half a frame on the wire makes the stream unusable. */
    private function write(string $frame, Deadline $deadline, string $what): void
    {
        if ($this->socket === null) {
            throw $this->alreadyClosed();
        }
        try {
            $this->socket->writeAll($frame, $deadline, $what);
        } catch (TransportException $e) {
            $this->drop('a write did not complete: ' . $e->getMessage());
            throw $e;
        }
    }

    /** Reads whatever is available into the codec, waiting at most until $deadline. */
    private function fill(Deadline $deadline): void
    {
        while (true) {
            if ($this->socket === null) {
                throw $this->alreadyClosed();
            }
            $chunk = $this->socket->read();
            if ($chunk !== '') {
                $this->codec->feed($chunk);
                return;
            }
            if ($this->socket->atEof()) {
                throw new TransportException(
                    TransportException::CLOSED,
                    "The server at {$this->peer} closed the connection without a WebSocket close frame."
                );
            }
            if ($deadline->expired()) {
                throw $this->timedOut($deadline);
            }
            $this->socket->waitReadable($deadline);
        }
    }

    private function timedOut(Deadline $deadline): TransportException
    {
        return new TransportException(
            TransportException::TIMEOUT,
            "No message from {$this->peer} within {$deadline->ms} ms."
        );
    }

    /** Best-effort close with a status code after a local decision to abort, then release the socket. */
    private function failConnection(int $code, string $why, Deadline $within): void
    {
        if ($this->socket !== null) {
            try {
                // Within the caller's deadline; one write is still tried, which sends a small frame when there is room.
                $deadline = Deadline::in(self::CLOSE_WAIT_MS)->capped($within);
                $this->write(FrameCodec::encodeMasked(Frame::CLOSE, pack('n', $code)), $deadline, 'closing');
            } catch (TransportException) {
                // Ignored: the connection is being abandoned.
            }
        }
        $this->drop($why);
    }

    /** Releases the socket; $why (null for a polite close) is what later calls report. */
    private function drop(?string $why): void
    {
        $this->socket?->close();
        $this->socket = null;
        $this->failure ??= $why;
    }

    private function assertOpen(): void
    {
        if ($this->socket === null) {
            throw $this->alreadyClosed();
        }
    }

    private function alreadyClosed(): TransportException
    {
        $why = $this->failure !== null ? " ({$this->failure})" : '';

        return new TransportException(
            TransportException::CLOSED,
            "The WebSocket connection to {$this->peer} is already closed$why."
        );
    }
}
