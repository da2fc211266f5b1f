<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Transport;

use MeshCentralConnector\Transport\Frame;
use MeshCentralConnector\Transport\FrameCodec;
use MeshCentralConnector\Transport\TransportException;
use PHPUnit\Framework\TestCase;

/**
 * Generated input for FrameCodec: random bytes and mutations of valid frame streams, fed in random pieces. Whatever the
 * bytes, next() returns a frame, returns null, or throws the transport's own exception (protocol, too_large); it never
 * throws anything else, never warns, and never loops: each call either consumes bytes or asks for more.
 * The seed is printed on failure so a case can be replayed (MESHCONNECTOR_FUZZ_SEED).
 */
final class FrameCodecGeneratedInputTest extends TestCase
{
    private const CASES = 3000;

    public function testRandomAndMutatedInputOnlyEverYieldsFramesOrTransportExceptions(): void
    {
        $seed = (int) (getenv('MESHCONNECTOR_FUZZ_SEED') ?: random_int(1, PHP_INT_MAX >> 1));
        mt_srand($seed);
        $outcomes = ['frames' => 0, 'protocol' => 0, 'too_large' => 0, 'incomplete' => 0];
        set_error_handler(static function (int $no, string $message) use ($seed): bool {
            throw new \ErrorException("seed $seed: PHP warning: $message", 0, $no);
        });
        try {
            for ($case = 0; $case < self::CASES; $case++) {
                $bytes = $case % 3 === 0 ? self::randomBytes(mt_rand(0, 64)) : self::mutate(self::validStream());
                $outcome = self::feedAll($bytes, mt_rand(0, 1) === 1, "seed $seed case $case");
                $outcomes[$outcome]++;
            }
        } finally {
            restore_error_handler();
        }
        // The generator must reach every outcome, or it is not testing much.
        foreach ($outcomes as $name => $n) {
            self::assertGreaterThan(0, $n, "seed $seed: no case ended as $name");
        }
    }

    /** @return string one of frames, protocol, too_large, incomplete */
    private static function feedAll(string $bytes, bool $peerMasks, string $label): string
    {
        $codec = new FrameCodec(4096, 'the peer', $peerMasks);
        $pos = 0;
        $frames = 0;
        $len = strlen($bytes);
        try {
            while ($pos < $len) {
                $piece = mt_rand(1, 40);
                $codec->feed(substr($bytes, $pos, $piece));
                $pos += $piece;
                // Each frame consumes at least 2 bytes, so more frames than bytes would be a loop.
                while (($frame = $codec->next()) !== null) {
                    if (++$frames > $len) {
                        self::fail("$label: more frames than bytes");
                    }
                    self::assertContains($frame->opcode, [Frame::TEXT, Frame::PING, Frame::PONG, Frame::CLOSE], $label);
                    if ($frame->opcode === Frame::TEXT) {
                        self::assertSame(1, preg_match('//u', $frame->payload), "$label: invalid UTF-8 handed out");
                    } else {
                        self::assertLessThanOrEqual(125, strlen($frame->payload), $label);
                    }
                }
                self::assertLessThanOrEqual($len, $codec->buffered(), $label);
            }
        } catch (TransportException $e) {
            self::assertContains($e->kind, [TransportException::PROTOCOL, TransportException::TOO_LARGE], $label);
            return $e->kind;
        }

        return $codec->buffered() > 0 ? 'incomplete' : 'frames';
    }

    /** A valid server-side stream: texts (some fragmented), pings, pongs, with every length form. */
    private static function validStream(): string
    {
        $out = '';
        for ($i = mt_rand(1, 6); $i > 0; $i--) {
            $kind = mt_rand(0, 4);
            $payload = str_repeat(chr(mt_rand(0x20, 0x7E)), [0, 5, 125, 126, 300, 70000][mt_rand(0, 5)]);
            if ($kind === 0) {
                $out .= FrameCodec::encodeUnmasked(Frame::PING, substr($payload, 0, 125));
            } elseif ($kind === 1) {
                $out .= FrameCodec::encodeUnmasked(Frame::PONG, substr($payload, 0, 20));
            } elseif ($kind === 2) {
                $out .= FrameCodec::encodeUnmasked(Frame::TEXT, 'a', false)
                    . FrameCodec::encodeUnmasked(Frame::CONTINUATION, '', false)
                    . FrameCodec::encodeUnmasked(Frame::CONTINUATION, substr($payload, 0, 2000));
            } else {
                $out .= FrameCodec::encodeUnmasked(Frame::TEXT, $payload);
            }
        }

        return $out;
    }

    private static function mutate(string $bytes): string
    {
        $len = strlen($bytes);
        for ($n = mt_rand(0, 4); $n > 0 && $len > 0; $n--) {
            $at = mt_rand(0, $len - 1);
            switch (mt_rand(0, 3)) {
                case 0: // flip a bit
                    $bytes[$at] = chr(ord($bytes[$at]) ^ (1 << mt_rand(0, 7)));
                    break;
                case 1: // set a byte
                    $bytes[$at] = chr(mt_rand(0, 255));
                    break;
                case 2: // cut
                    $bytes = substr($bytes, 0, $at);
                    break;
                default: // insert random bytes
                    $bytes = substr($bytes, 0, $at) . self::randomBytes(mt_rand(1, 10)) . substr($bytes, $at);
            }
            $len = strlen($bytes);
        }

        return $bytes;
    }

    private static function randomBytes(int $n): string
    {
        $s = '';
        for ($i = 0; $i < $n; $i++) {
            $s .= chr(mt_rand(0, 255));
        }

        return $s;
    }
}
