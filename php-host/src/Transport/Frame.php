<?php

declare(strict_types=1);

namespace MeshCentralConnector\Transport;

/**
 * What FrameCodec::next() hands out: a control frame (ping, pong, close) or a complete text message (fragments already
 * joined and checked to be UTF-8). Opcodes are RFC 6455's.
 */
final class Frame
{
    public const CONTINUATION = 0x0;
    public const TEXT = 0x1;
    public const BINARY = 0x2;
    public const CLOSE = 0x8;
    public const PING = 0x9;
    public const PONG = 0xA;

    public function __construct(public readonly int $opcode, public readonly string $payload)
    {
    }

    public function isControl(): bool
    {
        return ($this->opcode & 0x8) !== 0;
    }
}
