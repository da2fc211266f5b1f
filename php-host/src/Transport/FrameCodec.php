<?php

declare(strict_types=1);

namespace MeshCentralConnector\Transport;

/**
 * RFC 6455 framing without a socket: bytes go in with feed(), frames come out of next(), frames to send come from
 * encodeMasked(). Unit-tested on strings (tests/php/Transport/FrameCodecTest.php).
 *
 * Why it looks like this:
 * - Frames are parsed at an offset into one buffer; only payloads are copied, and the consumed head is dropped when
 *   new bytes arrive and it is large, so many small frames in one read cost linear time, not a copy of the rest of the
 *   buffer per frame.
 * - A frame header is validated as soon as it is there (lengths, opcodes, masking, fragment order, the size limit), so
 *   a hostile peer is refused before we wait for or allocate its payload.
 * - The number of frames one message may be split into is capped: a flood of empty continuation frames is a
 *   protocol error, not an endless loop.
 * - After the first error the codec stays failed: the byte stream can no longer be trusted.
 */
final class FrameCodec
{
    /** More fragments than this in one message is a protocol error (MeshCentral never fragments its messages). */
    public const MAX_FRAGMENTS_PER_MESSAGE = 1024;
    /** The consumed head of the buffer is dropped once it is at least this large and half of the buffer. */
    private const COMPACT_AT = 65536;

    private string $buffer = '';
    private int $offset = 0;
    /** Payload of a fragmented text message being reassembled, null when none is in progress. */
    private ?string $fragments = null;
    private int $fragmentCount = 0;
    private ?TransportException $failure = null;

    /**
     * @param string $peer     who sends the parsed frames, for messages ("the server at 127.0.0.1:443")
     * @param bool   $peerMasks true to parse a client's frames (masked, as RFC 6455 5.3 requires of clients)
     */
    public function __construct(
        private readonly int $maxMessageBytes,
        private readonly string $peer = 'the server',
        private readonly bool $peerMasks = false,
    ) {
        if ($maxMessageBytes <= 0) {
            throw new \InvalidArgumentException('Maximum message size must be a positive number of bytes.');
        }
    }

    public function feed(string $bytes): void
    {
        if ($bytes === '') {
            return;
        }
        $size = strlen($this->buffer);
        if ($this->offset === $size) {
            $this->buffer = $bytes;
            $this->offset = 0;
        } elseif ($this->offset >= self::COMPACT_AT && $this->offset * 2 >= $size) {
            $this->buffer = substr($this->buffer, $this->offset) . $bytes;
            $this->offset = 0;
        } else {
            $this->buffer .= $bytes;
        }
    }

    /** Bytes received and not yet consumed by next() (a partial frame, or frames not asked for yet). */
    public function buffered(): int
    {
        return strlen($this->buffer) - $this->offset;
    }

    /**
     * The next control frame or complete text message, or null when the buffer holds no complete one yet.
     *
     * @throws TransportException of kind protocol or too_large; every later call throws it again
     */
    public function next(): ?Frame
    {
        if ($this->failure !== null) {
            throw $this->failure;
        }
        try {
            return $this->parse();
        } catch (TransportException $e) {
            $this->failure = $e;
            $this->buffer = '';
            $this->offset = 0;
            $this->fragments = null;
            throw $e;
        }
    }

    /** A client frame: masked with a fresh random key unless a 4-byte $mask is given (tests). */
    public static function encodeMasked(int $opcode, string $payload, bool $fin = true, ?string $mask = null): string
    {
        $mask ??= random_bytes(4);
        if (strlen($mask) !== 4) {
            throw new \InvalidArgumentException('A WebSocket mask is 4 bytes.');
        }
        $length = strlen($payload);
        $masked = $length === 0 ? '' : substr($payload ^ str_repeat($mask, intdiv($length + 3, 4)), 0, $length);

        return self::header($opcode, $length, $fin, true) . $mask . $masked;
    }

    /** A server frame (unmasked); the client never sends one, tests and fixtures do. */
    public static function encodeUnmasked(int $opcode, string $payload, bool $fin = true): string
    {
        return self::header($opcode, strlen($payload), $fin, false) . $payload;
    }

    private static function header(int $opcode, int $length, bool $fin, bool $masked): string
    {
        $maskBit = $masked ? 0x80 : 0;
        $head = chr(($fin ? 0x80 : 0) | ($opcode & 0x0F));
        if ($length < 126) {
            return $head . chr($maskBit | $length);
        }
        if ($length <= 0xFFFF) {
            return $head . chr($maskBit | 126) . pack('n', $length);
        }

        return $head . chr($maskBit | 127) . pack('J', $length);
    }

    private function parse(): ?Frame
    {
        // Loops only over frames already in the buffer (non-final fragments), at most MAX_FRAGMENTS_PER_MESSAGE.
        while (true) {
            $at = $this->offset;
            $available = strlen($this->buffer) - $at;
            if ($available < 2) {
                return null;
            }
            $b0 = ord($this->buffer[$at]);
            $b1 = ord($this->buffer[$at + 1]);
            $fin = ($b0 & 0x80) !== 0;
            $opcode = $b0 & 0x0F;
            $masked = ($b1 & 0x80) !== 0;
            if (($b0 & 0x70) !== 0) {
                throw $this->protocolError('a frame with reserved bits set (no extension was negotiated)');
            }
            if ($masked && !$this->peerMasks) {
                throw $this->protocolError('a masked frame (servers must not mask frames)');
            }
            if (!$masked && $this->peerMasks) {
                throw $this->protocolError('an unmasked frame (clients must mask frames)');
            }
            $this->checkOpcode($opcode, $fin);

            $length = $b1 & 0x7F;
            $headerSize = 2;
            if ($length === 126) {
                if ($available < 4) {
                    return null;
                }
                $length = (ord($this->buffer[$at + 2]) << 8) | ord($this->buffer[$at + 3]);
                $headerSize = 4;
            } elseif ($length === 127) {
                if ($available < 10) {
                    return null;
                }
                if ((ord($this->buffer[$at + 2]) & 0x80) !== 0) {
                    throw $this->protocolError('a frame length with the most significant bit set');
                }
                $length = unpack('J', $this->buffer, $at + 2)[1];
                $headerSize = 10;
            }
            if (($opcode & 0x8) !== 0) {
                if ($length > 125) {
                    throw $this->protocolError('a control frame longer than 125 bytes');
                }
            } else {
                $already = $this->fragments === null ? 0 : strlen($this->fragments);
                if ($length > $this->maxMessageBytes - $already) {
                    throw new TransportException(
                        TransportException::TOO_LARGE,
                        ucfirst($this->peer) . ' sent a message of at least ' . ($already + $length)
                        . " bytes, over the limit of {$this->maxMessageBytes} bytes."
                    );
                }
            }
            $maskAt = $at + $headerSize;
            if ($masked) {
                $headerSize += 4;
            }
            if ($available - $headerSize < $length) {
                return null;
            }

            $payload = $length === 0 ? '' : substr($this->buffer, $at + $headerSize, $length);
            if ($masked && $length > 0) {
                $mask = substr($this->buffer, $maskAt, 4);
                $payload = substr($payload ^ str_repeat($mask, intdiv($length + 3, 4)), 0, $length);
            }
            $this->offset = $at + $headerSize + $length;

            if (($opcode & 0x8) !== 0) {
                return new Frame($opcode, $payload);
            }
            if ($opcode === Frame::TEXT && $fin) {
                return new Frame(Frame::TEXT, $this->validText($payload));
            }
            if ($opcode === Frame::TEXT) {
                $this->fragments = $payload;
                $this->fragmentCount = 1;
                continue;
            }
            // A continuation frame (checkOpcode made sure a message is in progress).
            $this->fragments .= $payload;
            if (++$this->fragmentCount > self::MAX_FRAGMENTS_PER_MESSAGE) {
                throw $this->protocolError(
                    'a message in more than ' . self::MAX_FRAGMENTS_PER_MESSAGE . ' fragments'
                );
            }
            if ($fin) {
                $message = $this->fragments;
                $this->fragments = null;
                $this->fragmentCount = 0;
                return new Frame(Frame::TEXT, $this->validText($message));
            }
        }
    }

    private function checkOpcode(int $opcode, bool $fin): void
    {
        switch ($opcode) {
            case Frame::CLOSE:
            case Frame::PING:
            case Frame::PONG:
                if (!$fin) {
                    throw $this->protocolError('a fragmented control frame');
                }
                return;
            case Frame::TEXT:
                if ($this->fragments !== null) {
                    throw $this->protocolError('a new text message before the previous fragmented one ended');
                }
                return;
            case Frame::CONTINUATION:
                if ($this->fragments === null) {
                    throw $this->protocolError('a continuation frame without a message to continue');
                }
                return;
            case Frame::BINARY:
                throw $this->protocolError('a binary message (only text messages are expected)');
            default:
                throw $this->protocolError(sprintf('a frame with unknown opcode 0x%X', $opcode));
        }
    }

    private function validText(string $message): string
    {
        if (preg_match('//u', $message) !== 1) {
            throw $this->protocolError('a text message that is not valid UTF-8');
        }

        return $message;
    }

    private function protocolError(string $what): TransportException
    {
        return new TransportException(
            TransportException::PROTOCOL,
            ucfirst($this->peer) . " violated the WebSocket protocol: it sent $what."
        );
    }
}
