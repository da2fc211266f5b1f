<?php

declare(strict_types=1);

namespace MeshCentralConnector\Internal;

use MeshCentralConnector\Runtime\WasmException;
use Throwable;

/**
 * The parts of Runtime\GuestInstance that do not depend on the backend, so both backends check export names, argument
 * counts, pointers and a closed instance with the same rules and the same messages. The using class keeps its exports
 * by name in `$exports` and sets `$lastHostException` when a host function's exception becomes a trap.
 *
 * @internal
 */
trait InstanceChecks
{
    private ?Throwable $lastHostException = null;

    /** Convenience for single-result exports. */
    public function callInt(string $name, int ...$args): int
    {
        $results = $this->call($name, ...$args);
        if (count($results) !== 1) {
            throw new WasmException(sprintf('%s returns %d values, not one', $name, count($results)));
        }
        return $results[0];
    }

    /** The PHP exception behind the last host-function trap, for callers that want to rethrow it typed. */
    public function lastHostException(): ?Throwable
    {
        return $this->lastHostException;
    }

    public function hasExport(string $name): bool
    {
        return isset($this->exports[$name]);
    }

    /**
     * The offset of [$ptr, $ptr + $len) in guest memory, checked: $ptr is a u32, also accepted in its signed i32
     * spelling as host functions receive it.
     */
    private function checkRange(int $ptr, int $len): int
    {
        if ($ptr < -0x80000000 || $ptr > 0xFFFFFFFF) {
            throw new WasmException(sprintf('Guest pointer %d is not a 32-bit value', $ptr));
        }
        if ($len < 0) {
            throw new WasmException(sprintf('Negative length %d', $len));
        }
        $offset = $ptr & 0xFFFFFFFF;
        $size = $this->memorySize();
        if ($offset > $size || $len > $size - $offset) {
            throw new WasmException(sprintf(
                'Guest memory access out of bounds: [%d, +%d) with memory size %d',
                $offset,
                $len,
                $size
            ));
        }
        return $offset;
    }

    /**
     * The export $name checked as a function taking count($args) arguments.
     *
     * @param list<string>|null $params the export's parameter types, null when it is not an exported function
     * @param array<int, int>   $args
     */
    private static function checkCall(string $name, ?array $params, array $args): void
    {
        if ($params === null) {
            throw new WasmException(sprintf('The module has no exported function "%s"', $name));
        }
        if (count($args) !== count($params)) {
            throw new WasmException(sprintf('%s takes %d arguments, %d given', $name, count($params), count($args)));
        }
    }

    private static function checkPages(int $pages): void
    {
        if ($pages < 0 || $pages > 0xFFFF) {
            throw new WasmException(sprintf('Invalid page count %d', $pages));
        }
    }

    private static function closed(): WasmException
    {
        return new WasmException('The instance has been closed');
    }

    private static function noMemory(): WasmException
    {
        return new WasmException('The module exports no memory');
    }
}
