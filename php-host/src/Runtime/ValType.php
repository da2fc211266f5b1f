<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

/**
 * The scalar Wasm value kinds the contract uses (see wit/connector.wit: only i32 and i64), with the numeric codes of
 * wasm.h's `wasm_valkind_enum`, and the conversions between PHP ints and the C storage.
 */
final class ValType
{
    public const I32 = 'i32';
    public const I64 = 'i64';

    /** wasm_valkind_t codes from wasm.h. */
    public const KIND_I32 = 0;
    public const KIND_I64 = 1;

    private function __construct()
    {
    }

    public static function kind(string $type): int
    {
        switch ($type) {
            case self::I32:
                return self::KIND_I32;
            case self::I64:
                return self::KIND_I64;
            default:
                throw new WasmException(sprintf('Unsupported value type "%s" (only i32 and i64 are supported)', $type));
        }
    }

    public static function name(int $kind): string
    {
        $names = [0 => 'i32', 1 => 'i64', 2 => 'f32', 3 => 'f64', 128 => 'externref', 129 => 'funcref'];
        return $names[$kind] ?? ('kind#' . $kind);
    }

    /**
     * Turns a PHP int into the signed 32-bit value C stores. Both signed (-2^31..2^31-1) and unsigned (..2^32-1)
     * spellings are accepted because guest pointers and lengths are u32 in the contract; anything else is a bug that
     * silent truncation would hide.
     */
    public static function toI32(int $value): int
    {
        if ($value < -0x80000000 || $value > 0xFFFFFFFF) {
            throw new WasmException(sprintf('Value %d does not fit in an i32', $value));
        }
        return $value >= 0x80000000 ? $value - 0x100000000 : $value;
    }
}
