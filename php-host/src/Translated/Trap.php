<?php

declare(strict_types=1);

namespace MeshCentralConnector\Translated;

use RuntimeException;

/**
 * A WebAssembly trap raised by translated code. The messages are the spec's (and Wasmer's) trap texts, so the
 * translated backend reports the same thing as the Wasmer one; TranslatedInstance turns it into Runtime\WasmTrap.
 */
final class Trap extends RuntimeException
{
    public const UNREACHABLE = 'unreachable';
    public const MEMORY = 'out of bounds memory access';
    public const DIVIDE_BY_ZERO = 'integer divide by zero';
    public const OVERFLOW = 'integer overflow';
    public const CONVERSION = 'invalid conversion to integer';
    public const EXHAUSTED = 'call stack exhausted';
    public const UNDEFINED_ELEMENT = 'undefined element';
    public const UNINITIALIZED_ELEMENT = 'uninitialized element';
    public const SIGNATURE = 'indirect call type mismatch';
    public const TABLE = 'out of bounds table access';

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
            return new self(self::UNDEFINED_ELEMENT);
        }
        return new self($func === null ? self::UNINITIALIZED_ELEMENT : self::SIGNATURE);
    }
}
