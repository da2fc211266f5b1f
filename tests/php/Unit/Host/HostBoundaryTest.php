<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Unit\Host;

use MeshCentralConnector\Internal\HostBoundary;
use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\WasmException;
use PHPUnit\Framework\TestCase;
use RuntimeException;

/**
 * The boundary rules both backends share (Internal\HostBoundary), on plain values: no Wasm, no FFI. That both
 * backends apply them is proven by WasmInstanceTest and TranslatedInstanceTest, which check the same messages.
 */
final class HostBoundaryTest extends TestCase
{
    /** @return array<string, array<string, HostFunction>> */
    private static function imports(): array
    {
        return ['host' => ['log' => new HostFunction(['i32', 'i32'], ['i32'], static fn (int $a, int $b): int => $a + $b)]];
    }

    public function testAMatchingImportIsTheHostFunction(): void
    {
        $imports = self::imports();
        self::assertSame($imports['host']['log'], HostBoundary::matchImport('host', 'log', HostBoundary::EXTERN_FUNC, ['i32', 'i32'], ['i32'], $imports));
    }

    /** @return iterable<string, array{string, string, int, list<string>, list<string>, string}> */
    public static function refusedImports(): iterable
    {
        yield 'not a function' => ['host', 'log', 3, [], [], 'Import host.log is not a function; only function imports are supported'];
        yield 'missing' => ['host', 'nope', 0, ['i64'], [], 'Missing import host.nope: the module needs a host function (i64) -> ()'];
        yield 'wrong type' => ['host', 'log', 0, ['i32'], ['i32'], 'Import host.log has the wrong type: the module wants (i32) -> (i32), the host declares (i32, i32) -> (i32)'];
    }

    /**
     * @dataProvider refusedImports
     * @param list<string> $params
     * @param list<string> $results
     */
    public function testARefusedImportSaysWhy(string $module, string $name, int $kind, array $params, array $results, string $message): void
    {
        $this->expectException(WasmException::class);
        $this->expectExceptionMessage($message);
        HostBoundary::matchImport($module, $name, $kind, $params, $results, self::imports());
    }

    public function testResultsComeBackAsAListWithI32Signed(): void
    {
        self::assertSame([], HostBoundary::results('host.log', null, []));
        self::assertSame([-1], HostBoundary::results('host.x', 0xFFFFFFFF, ['i32']));
        self::assertSame([7, 1 << 40], HostBoundary::results('host.x', [7, 1 << 40], ['i32', 'i64']));
    }

    /** @return iterable<string, array{mixed, list<string>, string}> */
    public static function badResults(): iterable
    {
        yield 'count' => [[1, 2], ['i32'], 'Host function host.x returned 2 values, expected 1'];
        yield 'type' => ['1', ['i32'], 'Host function host.x returned a string, expected an int'];
        yield 'range' => [1 << 33, ['i32'], 'Value 8589934592 does not fit in an i32'];
    }

    /**
     * @dataProvider badResults
     * @param mixed $returned
     * @param list<string> $types
     */
    public function testABadResultIsRefused($returned, array $types, string $message): void
    {
        $this->expectException(WasmException::class);
        $this->expectExceptionMessage($message);
        HostBoundary::results('host.x', $returned, $types);
    }

    public function testTheTrapTextOfAThrowingHostFunction(): void
    {
        self::assertSame('host function host.log threw RuntimeException: boom', HostBoundary::threw('host.log', new RuntimeException('boom')));
    }
}
