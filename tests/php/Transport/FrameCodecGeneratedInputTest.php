<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Transport;

use MeshCentralConnector\Tests\Support\FrameFuzz;
use PHPUnit\Framework\TestCase;

/**
 * Generated input for FrameCodec (tests/support/FrameFuzz.php: valid streams of both sides, mutations, random bytes,
 * fed in random pieces). Whatever the bytes, next() returns a frame, returns null, or throws the transport's own
 * exception (protocol, too_large); it never throws anything else, never warns, never loops, and an unmutated stream
 * gives back exactly its frames. No case may take a second (a guard against a loop or super-linear work, with an
 * alarm that ends a case stuck inside next()). bench/fuzz.sh runs a million cases. The seed is printed on failure so a
 * case can be replayed (MESHCONNECTOR_FUZZ_SEED).
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
        $alarm = function_exists('pcntl_alarm');
        if ($alarm) {
            pcntl_async_signals(true);
            pcntl_signal(SIGALRM, static function () use ($seed): void {
                throw new \RuntimeException("seed $seed: a case ran for over 2 s (a loop inside FrameCodec)");
            });
        }
        try {
            for ($case = 0; $case < self::CASES; $case++) {
                $label = "seed $seed case $case";
                if ($alarm) {
                    pcntl_alarm(2);
                }
                $start = hrtime(true);
                $outcome = FrameFuzz::runCase($label);
                $ms = (hrtime(true) - $start) / 1e6;
                self::assertLessThan(1000, $ms, "$label took $ms ms");
                $outcomes[$outcome]++;
            }
        } catch (\LogicException $e) {
            self::fail($e->getMessage());
        } finally {
            if ($alarm) {
                pcntl_alarm(0);
                pcntl_signal(SIGALRM, SIG_DFL);
            }
            restore_error_handler();
        }
        // The generator must reach every outcome, or it is not testing much.
        foreach ($outcomes as $name => $n) {
            self::assertGreaterThan(0, $n, "seed $seed: no case ended as $name");
        }
    }
}
