<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

use Throwable;

/**
 * One running instance of the Wasm core, whichever backend runs it: Wasmer through FFI (WasmInstance) or the module
 * translated to PHP (Translated\TranslatedInstance). HostImports and the Connector only talk to this, so both backends
 * must behave identically behind it: i32 arguments accepted signed or unsigned, i32 results signed, a guest trap or a
 * failing host function raised as WasmTrap, a bad export name, argument count or memory range as WasmException.
 */
interface GuestInstance
{
    /**
     * Calls an exported function.
     *
     * @return list<int> the results (empty for a function without results)
     *
     * @throws WasmTrap when the guest traps or a host function called by it threw
     */
    public function call(string $name, int ...$args): array;

    /** Convenience for single-result exports. */
    public function callInt(string $name, int ...$args): int;

    /** The PHP exception behind the last host-function trap, for callers that want to rethrow it typed. */
    public function lastHostException(): ?Throwable;

    public function hasExport(string $name): bool;

    /** Current size of the guest's linear memory in bytes. */
    public function memorySize(): int;

    /** Copies $len bytes out of guest memory ($ptr is a u32, also accepted in its signed i32 spelling). */
    public function readMemory(int $ptr, int $len): string;

    /** Copies $bytes into guest memory at $ptr (bounds-checked). */
    public function writeMemory(int $ptr, string $bytes): void;

    /** Grows the memory by $pages 64 KiB pages; false when the module's maximum (or the host) refuses. */
    public function growMemory(int $pages): bool;

    /** Time spent instantiating, in microseconds. */
    public function instantiateMicros(): float;

    /**
     * Start-up costs, microseconds.
     *
     * @return array{library_us: float, module_us: float, module_load: string, backend: string, instantiate_us: float}
     */
    public function timings(): array;

    /** Releases the instance. Idempotent. */
    public function close(): void;
}
