<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use MeshCentralConnector\Transport\Frame;
use MeshCentralConnector\Transport\FrameCodec;
use MeshCentralConnector\Transport\TransportException;

/**
 * Generated input for FrameCodec, shared by its generated-input test (a few thousand cases) and bench/fuzz.sh (a
 * million): valid streams of either side (server frames unmasked, client frames masked) with every length form,
 * fragmented texts whose UTF-8 characters straddle fragments, close/ping/pong, invalid UTF-8 and oversized messages;
 * then mutations of them (bit flips, set bytes, cuts, inserted bytes) or random bytes, fed in random pieces.
 *
 * Whatever the bytes, next() returns a frame, returns null, or throws the transport's own exception (protocol,
 * too_large), never anything else, never a PHP warning (the caller turns warnings into exceptions), and never loops:
 * a stream of n bytes yields at most n/2 frames. An unmutated stream yields exactly the frames it was built from,
 * then the error it was built to end with. A violated rule throws \LogicException naming the case. Randomness is
 * mt_rand's, so a seed replays a run.
 */
final class FrameFuzz
{
    public const MAX_MESSAGE_BYTES = 4096;

    /** @return string the case's outcome: frames, protocol, too_large or incomplete */
    public static function runCase(string $label): string
    {
        $peerMasks = mt_rand(0, 1) === 1;
        $kind = mt_rand(0, 5);
        if ($kind === 0) {
            $bytes = self::randomBytes(mt_rand(0, 64));
            $expected = null;
        } else {
            [$bytes, $expected] = self::validStream($peerMasks);
            if ($kind >= 3) {
                $bytes = self::mutate($bytes);
                $expected = null;
            }
        }
        [$outcome, $frames] = self::feedAll($bytes, $peerMasks, $label);
        if ($expected !== null) {
            [$wantFrames, $wantOutcome] = $expected;
            $got = array_map(static fn (Frame $f): array => [$f->opcode, $f->payload], $frames);
            if ($got !== $wantFrames || $outcome !== $wantOutcome) {
                throw new \LogicException(sprintf(
                    '%s: a valid stream gave %d frames and %s, built as %d frames and %s',
                    $label,
                    count($got),
                    $outcome,
                    count($wantFrames),
                    $wantOutcome
                ));
            }
        }

        return $outcome;
    }

    /** @return array{0: string, 1: list<Frame>} the outcome and the frames handed out */
    private static function feedAll(string $bytes, bool $peerMasks, string $label): array
    {
        $codec = new FrameCodec(self::MAX_MESSAGE_BYTES, 'the peer', $peerMasks);
        $pos = 0;
        $frames = [];
        $len = strlen($bytes);
        try {
            while ($pos < $len) {
                $piece = mt_rand(0, 1) === 1 ? mt_rand(1, 40) : mt_rand(1, 4096);
                $codec->feed(substr($bytes, $pos, $piece));
                $pos += $piece;
                while (($frame = $codec->next()) !== null) {
                    $frames[] = $frame;
                    // Each frame consumes at least 2 bytes: more would be a loop.
                    if (count($frames) * 2 > $len) {
                        throw new \LogicException("$label: more frames than the bytes can hold");
                    }
                    self::checkFrame($frame, $label);
                }
                if ($codec->buffered() > $len) {
                    throw new \LogicException("$label: more bytes buffered than fed");
                }
            }
        } catch (TransportException $e) {
            if (!in_array($e->kind, [TransportException::PROTOCOL, TransportException::TOO_LARGE], true)) {
                throw new \LogicException("$label: a transport exception of kind {$e->kind}");
            }
            // A failed codec stays failed.
            try {
                $codec->next();
                throw new \LogicException("$label: the codec recovered after an error");
            } catch (TransportException $again) {
                if ($again !== $e) {
                    throw new \LogicException("$label: a second, different error after the first");
                }
            }
            return [$e->kind, $frames];
        }

        return [$codec->buffered() > 0 ? 'incomplete' : 'frames', $frames];
    }

    private static function checkFrame(Frame $frame, string $label): void
    {
        if (!in_array($frame->opcode, [Frame::TEXT, Frame::PING, Frame::PONG, Frame::CLOSE], true)) {
            throw new \LogicException("$label: a frame of opcode {$frame->opcode} handed out");
        }
        if ($frame->opcode === Frame::TEXT) {
            if (preg_match('//u', $frame->payload) !== 1) {
                throw new \LogicException("$label: invalid UTF-8 handed out");
            }
            if (strlen($frame->payload) > self::MAX_MESSAGE_BYTES) {
                throw new \LogicException("$label: a message over the limit handed out");
            }
        } elseif (strlen($frame->payload) > 125) {
            throw new \LogicException("$label: a control frame over 125 bytes handed out");
        }
    }

    /**
     * A valid stream of one side and what parsing it must give: the frames, then 'frames' or the error a message
     * built to break a rule (oversized, invalid UTF-8) ends it with.
     *
     * @return array{0: string, 1: array{0: list<array{0: int, 1: string}>, 1: string}}
     */
    private static function validStream(bool $masked): array
    {
        $encode = static function (int $opcode, string $payload, bool $fin = true) use ($masked): string {
            return $masked
                ? FrameCodec::encodeMasked($opcode, $payload, $fin, pack('N', mt_rand()))
                : FrameCodec::encodeUnmasked($opcode, $payload, $fin);
        };
        $out = '';
        $frames = [];
        $end = 'frames';
        for ($i = mt_rand(1, 6); $i > 0 && $end === 'frames'; $i--) {
            // Lengths around each length form's edges (7-bit, 16-bit, 64-bit) and the message limit.
            $size = [0, 1, 5, 125, 126, 300, 65535, 65536, 4096, 4097][mt_rand(0, 9)];
            $payload = str_repeat(chr(mt_rand(0x20, 0x7E)), $size);
            switch (mt_rand(0, 6)) {
                case 0:
                    $p = substr($payload, 0, 125);
                    $out .= $encode(Frame::PING, $p);
                    $frames[] = [Frame::PING, $p];
                    break;
                case 1:
                    $p = substr($payload, 0, 20);
                    $out .= $encode(Frame::PONG, $p);
                    $frames[] = [Frame::PONG, $p];
                    break;
                case 2:
                    $p = pack('n', 1000) . substr('going away', 0, mt_rand(0, 10));
                    $out .= $encode(Frame::CLOSE, $p);
                    $frames[] = [Frame::CLOSE, $p];
                    break;
                case 3:
                    // A fragmented text whose 'é' (2 bytes) and '😀' (4 bytes) are split across fragments.
                    $text = 'a' . substr($payload, 0, 2000) . "\u{e9}\u{1F600}z";
                    $cuts = [0, strlen($text)];
                    for ($n = mt_rand(1, 5); $n > 0; $n--) {
                        $cuts[] = mt_rand(0, strlen($text));
                    }
                    sort($cuts);
                    $last = count($cuts) - 2;
                    for ($c = 0; $c <= $last; $c++) {
                        $part = substr($text, $cuts[$c], $cuts[$c + 1] - $cuts[$c]);
                        $out .= $encode($c === 0 ? Frame::TEXT : Frame::CONTINUATION, $part, $c === $last);
                        if ($c === 0 && $c < $last && mt_rand(0, 1) === 1) {
                            // A control frame may come between fragments.
                            $out .= $encode(Frame::PING, 'p');
                            $frames[] = [Frame::PING, 'p'];
                        }
                    }
                    $frames[] = [Frame::TEXT, $text];
                    break;
                case 4:
                    $out .= $encode(Frame::TEXT, "ok \xC3\x28 not UTF-8");
                    $end = TransportException::PROTOCOL;
                    break;
                default:
                    $out .= $encode(Frame::TEXT, $payload);
                    if ($size > self::MAX_MESSAGE_BYTES) {
                        $end = TransportException::TOO_LARGE;
                    } else {
                        $frames[] = [Frame::TEXT, $payload];
                    }
            }
        }

        return [$out, [$frames, $end]];
    }

    private static function mutate(string $bytes): string
    {
        $len = strlen($bytes);
        for ($n = mt_rand(1, 4); $n > 0 && $len > 0; $n--) {
            // Most of a stream is payload: aim half the edits at the first bytes, where the headers are.
            $at = mt_rand(0, 1) === 1 ? mt_rand(0, min($len - 1, 16)) : mt_rand(0, $len - 1);
            switch (mt_rand(0, 3)) {
                case 0:
                    $bytes[$at] = chr(ord($bytes[$at]) ^ (1 << mt_rand(0, 7)));
                    break;
                case 1:
                    $bytes[$at] = chr(mt_rand(0, 255));
                    break;
                case 2:
                    $bytes = substr($bytes, 0, $at);
                    break;
                default:
                    $bytes = substr($bytes, 0, $at) . self::randomBytes(mt_rand(1, 10)) . substr($bytes, $at);
            }
            $len = strlen($bytes);
        }

        return $bytes;
    }

    private static function randomBytes(int $n): string
    {
        $s = '';
        while (strlen($s) < $n) {
            $s .= pack('N', mt_rand(0, 0x7FFFFFFF) * 2 + mt_rand(0, 1));
        }

        return substr($s, 0, $n);
    }
}
