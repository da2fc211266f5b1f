<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Transport;

use MeshCentralConnector\Transport\Frame;
use MeshCentralConnector\Transport\FrameCodec;
use MeshCentralConnector\Transport\TransportException;
use PHPUnit\Framework\TestCase;

/**
 * FrameCodec on strings: no socket, every case of RFC 6455 framing the client relies on.
 */
final class FrameCodecTest extends TestCase
{
    private const MAX = 1 << 20;

    public function testFragmentedMessageWithInterleavedControlFramesIsReassembled(): void
    {
        $codec = new FrameCodec(self::MAX);
        $codec->feed(FrameCodec::encodeUnmasked(Frame::TEXT, 'Hel', false)
            . FrameCodec::encodeUnmasked(Frame::PING, 'p1')
            . FrameCodec::encodeUnmasked(Frame::CONTINUATION, '', false)
            . FrameCodec::encodeUnmasked(Frame::CONTINUATION, 'lo, ', false)
            . FrameCodec::encodeUnmasked(Frame::PONG, '')
            . FrameCodec::encodeUnmasked(Frame::CONTINUATION, 'wörld'));
        $ping = $codec->next();
        self::assertNotNull($ping);
        self::assertSame([Frame::PING, 'p1'], [$ping->opcode, $ping->payload]);
        $pong = $codec->next();
        self::assertNotNull($pong);
        self::assertSame(Frame::PONG, $pong->opcode);
        $text = $codec->next();
        self::assertNotNull($text);
        self::assertSame([Frame::TEXT, 'Hello, wörld'], [$text->opcode, $text->payload]);
        self::assertNull($codec->next());
        self::assertSame(0, $codec->buffered());
    }

    public function testFrameFedOneByteAtATimeCompletesOnTheLastByte(): void
    {
        $codec = new FrameCodec(self::MAX);
        $bytes = FrameCodec::encodeUnmasked(Frame::TEXT, str_repeat('x', 300)); // 16-bit length form
        $last = strlen($bytes) - 1;
        for ($i = 0; $i < $last; $i++) {
            $codec->feed($bytes[$i]);
            self::assertNull($codec->next(), "complete after only $i bytes");
        }
        $codec->feed($bytes[$last]);
        self::assertSame(str_repeat('x', 300), $codec->next()?->payload);
    }

    /**
     * @return array<string, array{0:int,1:string}>
     */
    public static function lengths(): array
    {
        return [
            '7-bit, empty' => [0, "\x00"],
            '7-bit, 125' => [125, "\x7D"],
            '16-bit, 126' => [126, "\x7E\x00\x7E"],
            '16-bit, 65535' => [65535, "\x7E\xFF\xFF"],
            '64-bit, 65536' => [65536, "\x7F\x00\x00\x00\x00\x00\x01\x00\x00"],
            '64-bit, 300000' => [300000, "\x7F" . pack('J', 300000)],
        ];
    }

    /**
     * @dataProvider lengths
     */
    public function testLengthFormsEncodeAndDecode(int $length, string $lengthBytes): void
    {
        $payload = str_repeat('a', $length);
        $unmasked = FrameCodec::encodeUnmasked(Frame::TEXT, $payload);
        self::assertSame("\x81" . $lengthBytes . $payload, $unmasked);
        $codec = new FrameCodec(self::MAX);
        $codec->feed($unmasked);
        self::assertSame($payload, $codec->next()?->payload);

        // What the client sends: masked, the mask bit on the length byte, decodable by a server-side codec.
        $masked = FrameCodec::encodeMasked(Frame::TEXT, $payload, true, "\x01\x02\x03\x04");
        self::assertSame("\x81" . (chr(ord($lengthBytes[0]) | 0x80)) . substr($lengthBytes, 1), substr($masked, 0, strlen($lengthBytes) + 1));
        self::assertSame("\x01\x02\x03\x04", substr($masked, strlen($lengthBytes) + 1, 4));
        $server = new FrameCodec(self::MAX, 'the client', true);
        $server->feed($masked);
        self::assertSame($payload, $server->next()?->payload);
    }

    public function testMaskedPayloadIsActuallyMasked(): void
    {
        $frame = FrameCodec::encodeMasked(Frame::TEXT, 'hello', true, "\xFF\x00\xFF\x00");
        self::assertSame("\x81\x85\xFF\x00\xFF\x00" . ("hello" ^ "\xFF\x00\xFF\x00\xFF"), $frame);
        $random = FrameCodec::encodeMasked(Frame::TEXT, 'hello');
        self::assertSame("\x81\x85", substr($random, 0, 2));
        self::assertSame(11, strlen($random));
    }

    /**
     * @return array<string, array{0:string,1:bool,2:string}>
     */
    public static function violations(): array
    {
        return [
            'masked server frame' => ["\x81\x82abcd\x00\x00", false, 'masked'],
            'unmasked client frame' => ["\x81\x02hi", true, 'unmasked'],
            'reserved bits' => ["\xC1\x02hi", false, 'reserved bits'],
            'binary' => ["\x82\x02hi", false, 'binary'],
            'unknown opcode' => ["\x83\x00", false, 'unknown opcode 0x3'],
            'fragmented ping' => ["\x09\x00", false, 'fragmented control'],
            'long ping' => ["\x89\x7E\x00\x80" . str_repeat('p', 128), false, 'control frame longer'],
            '64-bit high bit' => ["\x81\x7F\x80\x00\x00\x00\x00\x00\x00\x01", false, 'most significant bit'],
            'continuation without start' => ["\x80\x00", false, 'continuation frame without'],
            'text inside text' => ["\x01\x01a\x81\x01b", false, 'new text message'],
            'bad UTF-8' => ["\x81\x02\xC3\x28", false, 'UTF-8'],
            'bad UTF-8 across fragments' => ["\x01\x01\xC3\x80\x01\x28", false, 'UTF-8'],
        ];
    }

    /**
     * @dataProvider violations
     */
    public function testViolationsAreProtocolErrorsAndTheCodecStaysFailed(string $bytes, bool $peerMasks, string $text): void
    {
        $codec = new FrameCodec(self::MAX, 'the server at 127.0.0.1:1', $peerMasks);
        $codec->feed($bytes);
        $e = self::kind('protocol', static fn () => $codec->next());
        self::assertStringContainsString($text, $e->getMessage());
        self::assertStringStartsWith('The server at 127.0.0.1:1 violated the WebSocket protocol', $e->getMessage());
        $codec->feed(FrameCodec::encodeUnmasked(Frame::TEXT, 'ok'));
        self::assertSame($e, self::kind('protocol', static fn () => $codec->next()));
    }

    public function testOversizeIsRefusedFromTheHeaderAlone(): void
    {
        $codec = new FrameCodec(1000);
        $codec->feed("\x81\x7F" . pack('J', 10 << 20)); // declares 10 MB, sends none of it
        $e = self::kind('too_large', static fn () => $codec->next());
        self::assertStringContainsString('10485760', $e->getMessage());
        self::assertStringContainsString('limit of 1000 bytes', $e->getMessage());
    }

    public function testOversizeCountsEveryFragment(): void
    {
        $codec = new FrameCodec(1000);
        $codec->feed(FrameCodec::encodeUnmasked(Frame::TEXT, str_repeat('a', 600), false));
        self::assertNull($codec->next());
        $codec->feed(FrameCodec::encodeUnmasked(Frame::CONTINUATION, str_repeat('a', 400), false));
        self::assertNull($codec->next()); // exactly 1000: still allowed
        $codec->feed("\x80\x01");
        $e = self::kind('too_large', static fn () => $codec->next());
        self::assertStringContainsString('at least 1001 bytes', $e->getMessage());
    }

    public function testMessageAtTheLimitIsAccepted(): void
    {
        $codec = new FrameCodec(1000);
        $codec->feed(FrameCodec::encodeUnmasked(Frame::TEXT, str_repeat('z', 1000)));
        self::assertSame(1000, strlen((string) $codec->next()?->payload));
    }

    public function testEmptyContinuationFloodIsAProtocolError(): void
    {
        $codec = new FrameCodec(self::MAX);
        $codec->feed("\x01\x00" . str_repeat("\x00\x00", FrameCodec::MAX_FRAGMENTS_PER_MESSAGE + 10));
        $e = self::kind('protocol', static fn () => $codec->next());
        self::assertStringContainsString('fragments', $e->getMessage());
    }

    public function testMessageInExactlyTheMaximumNumberOfFragmentsIsAccepted(): void
    {
        $codec = new FrameCodec(self::MAX);
        $codec->feed("\x01\x01a" . str_repeat("\x00\x01a", FrameCodec::MAX_FRAGMENTS_PER_MESSAGE - 2) . "\x80\x01a");
        self::assertSame(str_repeat('a', FrameCodec::MAX_FRAGMENTS_PER_MESSAGE), $codec->next()?->payload);
    }

    /**
     * 100,000 tiny frames in one buffer, parsed one by one: with a copy of the rest of the buffer per frame this is
     * ~100 GB of copying; parsed at an offset it is a moment. A functional test: it must simply finish.
     */
    public function testHundredThousandTinyFramesInOneBufferParseLinearly(): void
    {
        $count = 100_000;
        $codec = new FrameCodec(self::MAX);
        $codec->feed(str_repeat("\x81\x01a\x8A\x00", $count) . "\x81\x03end");
        for ($i = 0; $i < $count; $i++) {
            $text = $codec->next();
            $pong = $codec->next();
            if ($text?->payload !== 'a' || $pong?->opcode !== Frame::PONG) {
                self::fail("frame pair $i parsed wrongly");
            }
        }
        self::assertSame('end', $codec->next()?->payload);
        self::assertSame(0, $codec->buffered());
    }

    public function testBufferIsCompactedWhileFeedingInPieces(): void
    {
        $codec = new FrameCodec(self::MAX);
        $frame = FrameCodec::encodeUnmasked(Frame::TEXT, str_repeat('b', 1000));
        // Each feed leaves half a frame behind, so the buffer is never simply replaced: it must be compacted.
        $codec->feed(substr($frame, 0, 500));
        for ($i = 0; $i < 2000; $i++) {
            $codec->feed(substr($frame, 500) . substr($frame, 0, 500));
            self::assertSame(1000, strlen((string) $codec->next()?->payload));
            self::assertSame(500, $codec->buffered());
        }
    }

    private static function kind(string $kind, callable $fn): TransportException
    {
        try {
            $fn();
        } catch (TransportException $e) {
            self::assertSame($kind, $e->kind, $e->getMessage());
            return $e;
        }
        self::fail("expected a TransportException of kind $kind");
    }
}
