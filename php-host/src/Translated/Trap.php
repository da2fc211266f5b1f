<?php

declare(strict_types=1);

namespace MeshCentralConnector\Translated;

use RuntimeException;

/**
 * A WebAssembly trap raised by translated code. The messages are Wasmer's trap texts (measured through
 * php-host/src/Runtime), so the translated backend reports exactly what the Wasmer one does; TranslatedInstance turns
 * it into Runtime\WasmTrap. Where Wasmer's text differs from the spec's, it starts with or contains the spec's.
 */
final class Trap extends RuntimeException
{
    public const UNREACHABLE = 'unreachable';
    public const MEMORY = 'out of bounds memory access';
    public const DIVIDE_BY_ZERO = 'integer divide by zero';
    public const OVERFLOW = 'integer overflow';
    public const CONVERSION = 'invalid conversion to integer';
    public const EXHAUSTED = 'call stack exhausted';
    public const UNINITIALIZED_ELEMENT = 'uninitialized element';
    public const SIGNATURE = 'indirect call type mismatch';
    /**
     * Wasmer's one text for every table index out of range: call_indirect past the end of the table (the spec's
     * "undefined element"), table.init / an active element segment past the end of the table or of the segment (the
     * spec's "out of bounds table access").
     */
    public const TABLE = 'undefined element: out of bounds table access';

    public static function unreachable(): self
    {
        return new self(self::UNREACHABLE);
    }

    public static function memory(): self
    {
        return new self(self::MEMORY);
    }

    public static function divideByZero(): self
    {
        return new self(self::DIVIDE_BY_ZERO);
    }

    public static function overflow(): self
    {
        return new self(self::OVERFLOW);
    }

    public static function conversion(): self
    {
        return new self(self::CONVERSION);
    }

    public static function exhausted(): self
    {
        return new self(self::EXHAUSTED);
    }

    public static function table(): self
    {
        return new self(self::TABLE);
    }

    /**
     * The trap of a failed call_indirect: index past the table, empty slot, or wrong signature.
     *
     * @param array<int, int|null> $table
     */
    public static function indirect(array $table, int $index, ?int $func): self
    {
        if ($index >= \count($table)) {
            return new self(self::TABLE);
        }
        return new self($func === null ? self::UNINITIALIZED_ELEMENT : self::SIGNATURE);
    }
}
