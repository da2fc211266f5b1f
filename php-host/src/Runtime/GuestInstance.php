<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

/**
 * One running instance of the Wasm core, whichever backend runs it: Wasmer through FFI (WasmInstance) or the module
 * translated to PHP (Translated\TranslatedInstance). The Connector and HostImports only talk to this, so it holds just
 * what they use: calling exports and copying bytes in and out of linear memory. Both backends must behave identically
 * behind it: i32 arguments accepted signed or unsigned, i32 results signed, a guest trap or a failing host function
 * raised as WasmTrap (whose hostException() is the PHP exception behind it), a bad export name, argument count or
 * memory range as WasmException. The concrete classes have more (growMemory, hasExport, timings...) for tests and
 * benchmarks.
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

    /** Current size of the guest's linear memory in bytes. */
    public function memorySize(): int;

    /** Copies $len bytes out of guest memory ($ptr is a u32, also accepted in its signed i32 spelling). */
    public function readMemory(int $ptr, int $len): string;

    /** Copies $bytes into guest memory at $ptr (bounds-checked). */
    public function writeMemory(int $ptr, string $bytes): void;

    /** Time spent instantiating, in microseconds. */
    public function instantiateMicros(): float;

    /** Releases the instance. Idempotent. */
    public function close(): void;
}
