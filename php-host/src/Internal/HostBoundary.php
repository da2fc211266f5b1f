<?php

declare(strict_types=1);

namespace MeshCentralConnector\Internal;

use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\ValType;
use MeshCentralConnector\Runtime\WasmException;
use Throwable;

/**
 * The rules at the guest/host boundary that both backends apply, written once so Wasmer-through-FFI
 * (Runtime\WasmInstance, HostCallbacks) and the translated code (Translated\TranslatedInstance) accept and refuse the
 * same things with the same words: which host function serves an import, what a host function may return, and the
 * text of the trap a throwing host function becomes.
 *
 * @internal
 */
final class HostBoundary
{
    /** wasm_externkind_t of a function (wasm.h); the only import kind the host serves. */
    public const EXTERN_FUNC = 0;

    private function __construct()
    {
    }

    /**
     * The host function for one import of the module, checked against the signature the module declares.
     *
     * @param list<string> $params
     * @param list<string> $results
     * @param array<string, array<string, HostFunction>> $imports keyed by import module, then import name
     *
     * @throws WasmException when the import is not a function, is missing or has another signature
     */
    public static function matchImport(string $module, string $name, int $kind, array $params, array $results, array $imports): HostFunction
    {
        $label = $module . '.' . $name;
        if ($kind !== self::EXTERN_FUNC) {
            throw new WasmException(sprintf('Import %s is not a function; only function imports are supported', $label));
        }
        $host = $imports[$module][$name] ?? null;
        if (!$host instanceof HostFunction) {
            throw new WasmException(sprintf(
                'Missing import %s: the module needs a host function (%s) -> (%s)',
                $label,
                implode(', ', $params),
                implode(', ', $results)
            ));
        }
        if ($host->params() !== $params || $host->results() !== $results) {
            throw new WasmException(sprintf(
                'Import %s has the wrong type: the module wants (%s) -> (%s), the host declares (%s) -> (%s)',
                $label,
                implode(', ', $params),
                implode(', ', $results),
                implode(', ', $host->params()),
                implode(', ', $host->results())
            ));
        }
        return $host;
    }

    /**
     * What a host function returned, checked against its declared results: one int per result (a list for several,
     * a bare int for one), each fitting its type. i32 values come back in their signed spelling, as C stores them.
     *
     * @param mixed        $returned
     * @param list<string> $types
     * @return list<int>
     *
     * @throws WasmException for a wrong count, a non-int or an i32 out of range
     */
    public static function results(string $label, $returned, array $types): array
    {
        if ($types === []) {
            return [];
        }
        $list = is_array($returned) ? array_values($returned) : [$returned];
        if (count($list) !== count($types)) {
            throw new WasmException(sprintf('Host function %s returned %d values, expected %d', $label, count($list), count($types)));
        }
        foreach ($types as $i => $type) {
            if (!is_int($list[$i])) {
                throw new WasmException(sprintf('Host function %s returned a %s, expected an int', $label, get_debug_type($list[$i])));
            }
            if ($type === ValType::I32) {
                $list[$i] = ValType::toI32($list[$i]);
            }
        }
        return $list;
    }

    /** The trap text of a host function that threw, the same on both backends. */
    public static function threw(string $label, Throwable $e): string
    {
        return sprintf('host function %s threw %s: %s', $label, get_class($e), $e->getMessage());
    }
}
