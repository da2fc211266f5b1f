<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

use FFI;
use FFI\CData;
use MeshCentralConnector\Internal\HostBoundary;
use MeshCentralConnector\Internal\HostCallbacks;
use MeshCentralConnector\Internal\InstanceChecks;
use Throwable;

/**
 * One instance of a CompiledWasm: its host functions, its exports and its linear memory.
 *
 * Host functions are created once here (never per call) because PHP keeps every closure that became a C callback alive
 * until the end of the request (see HostCallbacks, which also turns every PHP exception into a trap). The exception
 * behind such a trap is parked in a side slot and re-attached to the WasmTrap that the export call then throws.
 */
final class WasmInstance implements GuestInstance
{
    use InstanceChecks;

    private WasmerLibrary $lib;
    private FFI $ffi;
    private CompiledWasm $module;
    private ?CData $instance = null;
    private ?CData $exportsVec = null;
    /** @var list<CData> wasm_func_t* of the host functions, owned here */
    private array $hostFuncs = [];
    /** @var list<\Closure> kept so the C callbacks stay valid for the instance's life */
    private array $callbacks = [];
    private HostCallbacks $hostCallbacks;
    /** @var array<string, array{index: int, kind: int, params: list<string>, results: list<string>}> */
    private array $exports = [];
    /** @var array<string, CData> wasm_func_t* by export name, resolved once */
    private array $funcs = [];
    private ?CData $memory = null;
    private float $instantiateMicros;

    /**
     * @param array<string, array<string, HostFunction>> $imports keyed by import module, then import name
     *
     * @internal use CompiledWasm::instantiate()
     */
    public function __construct(WasmerLibrary $lib, CompiledWasm $module, array $imports)
    {
        $start = hrtime(true);
        $this->lib = $lib;
        $this->ffi = $lib->ffi();
        $this->module = $module;
        $ffi = $this->ffi;
        $store = $module->storePtr();
        $this->hostCallbacks = new HostCallbacks($lib, $store);

        $importTypes = $ffi->new('wasm_importtype_vec_t');
        $ffi->wasm_module_imports($module->modulePtr(), FFI::addr($importTypes));
        try {
            $count = (int) $importTypes->size;
            $externs = $count > 0 ? $ffi->new('wasm_extern_t*[' . $count . ']') : null;
            $described = $module->imports();
            for ($i = 0; $i < $count; $i++) {
                $want = $described[$i];
                $host = HostBoundary::matchImport($want['module'], $want['name'], $want['kind'], $want['params'], $want['results'], $imports);
                $type = $ffi->wasm_externtype_as_functype_const($ffi->wasm_importtype_type($importTypes->data[$i]));
                $callback = $this->hostCallbacks->create($want['module'] . '.' . $want['name'], $host);
                $func = $ffi->wasm_func_new($store, $type, $callback);
                if ($func === null) {
                    throw new WasmException(sprintf(
                        'wasm_func_new failed for import %s.%s: %s',
                        $want['module'],
                        $want['name'],
                        $lib->lastError()
                    ));
                }
                $this->callbacks[] = $callback;
                $this->hostFuncs[] = $func;
                $externs[$i] = $ffi->wasm_func_as_extern($func);
            }

            $importVec = $ffi->new('wasm_extern_vec_t');
            $importVec->size = $count;
            $importVec->data = $externs === null ? null : $ffi->cast('wasm_extern_t**', FFI::addr($externs));
            $trap = $ffi->new('wasm_trap_t*');
            $instance = $ffi->wasm_instance_new($store, $module->modulePtr(), FFI::addr($importVec), FFI::addr($trap));
            if ($instance === null) {
                $reason = FFI::isNull($trap) ? $lib->lastError() : $this->takeTrapMessage($trap);
                throw new WasmException('Cannot instantiate the module' . ($reason !== '' ? ': ' . $reason : ''));
            }
            $this->instance = $instance;
        } catch (Throwable $e) {
            $this->close();
            throw $e;
        } finally {
            $ffi->wasm_importtype_vec_delete(FFI::addr($importTypes));
        }

        $this->exportsVec = $ffi->new('wasm_extern_vec_t');
        $ffi->wasm_instance_exports($this->instance, FFI::addr($this->exportsVec));
        foreach ($module->exports() as $index => $export) {
            $this->exports[$export['name']] = ['index' => $index] + $export;
            $extern = $this->exportsVec->data[$index];
            if ($export['kind'] === CompiledWasm::EXTERN_FUNC) {
                $this->funcs[$export['name']] = $ffi->wasm_extern_as_func($extern);
            } elseif (
                $export['kind'] === CompiledWasm::EXTERN_MEMORY
                && ($this->memory === null || $export['name'] === 'memory')
            ) {
                $this->memory = $ffi->wasm_extern_as_memory($extern);
            }
        }
        $this->instantiateMicros = (hrtime(true) - $start) / 1000;
    }

    private function takeTrapMessage(CData $trap): string
    {
        $msg = $this->ffi->new('wasm_message_t');
        $this->ffi->wasm_trap_message($trap, FFI::addr($msg));
        $this->ffi->wasm_trap_delete($trap);
        return rtrim($this->lib->takeByteVec($msg), "\0");
    }

    /**
     * Calls an exported function. i32 arguments may be given signed or unsigned; i32 results come back signed
     * (mask with 0xFFFFFFFF for u32).
     *
     * @return list<int> the results (empty for a function without results)
     *
     * @throws WasmTrap when the guest traps or a host function called by it threw
     */
    public function call(string $name, int ...$args): array
    {
        $this->live();
        $export = $this->exports[$name] ?? null;
        $func = $this->funcs[$name] ?? null;
        self::checkCall($name, $export === null || $func === null ? null : $export['params'], $args);
        $ffi = $this->ffi;
        $argVec = $ffi->new('wasm_val_vec_t');
        $argVals = null;
        if ($args !== []) {
            $argVals = $ffi->new('wasm_val_t[' . count($args) . ']');
            foreach ($export['params'] as $i => $type) {
                $argVals[$i]->kind = ValType::kind($type);
                if ($type === ValType::I64) {
                    $argVals[$i]->of->i64 = $args[$i];
                } else {
                    $argVals[$i]->of->i32 = ValType::toI32($args[$i]);
                }
            }
            $argVec->data = $ffi->cast('wasm_val_t*', FFI::addr($argVals));
        }
        $argVec->size = count($args);
        $resVec = $ffi->new('wasm_val_vec_t');
        $resVals = null;
        $nres = count($export['results']);
        if ($nres > 0) {
            $resVals = $ffi->new('wasm_val_t[' . $nres . ']');
            $resVec->data = $ffi->cast('wasm_val_t*', FFI::addr($resVals));
        }
        $resVec->size = $nres;

        $this->hostCallbacks->takePending();
        $trap = $ffi->wasm_func_call($func, FFI::addr($argVec), FFI::addr($resVec));
        if ($trap !== null) {
            $message = $this->takeTrapMessage($trap);
            $host = $this->hostCallbacks->takePending();
            $this->lastHostException = $host;
            throw new WasmTrap($message, $host);
        }
        $out = [];
        foreach ($export['results'] as $i => $type) {
            $out[] = $type === ValType::I64 ? (int) $resVals[$i]->of->i64 : (int) $resVals[$i]->of->i32;
        }
        return $out;
    }

    /** Current size of the guest's linear memory in bytes (it changes when the guest grows it). */
    public function memorySize(): int
    {
        return (int) $this->ffi->wasm_memory_data_size($this->memory());
    }

    /**
     * Copies $len bytes out of guest memory. $ptr is a guest pointer: a u32, also accepted in its signed i32
     * spelling as host functions receive it.
     */
    public function readMemory(int $ptr, int $len): string
    {
        $offset = $this->checkRange($ptr, $len);
        if ($len === 0) {
            return '';
        }
        // The data pointer is re-read on every access: any guest call may have grown (and moved) the memory.
        $data = $this->ffi->wasm_memory_data($this->memory());
        return FFI::string($data + $offset, $len);
    }

    public function writeMemory(int $ptr, string $bytes): void
    {
        $len = strlen($bytes);
        $offset = $this->checkRange($ptr, $len);
        if ($len === 0) {
            return;
        }
        $data = $this->ffi->wasm_memory_data($this->memory());
        FFI::memcpy($data + $offset, $bytes, $len);
    }

    /** Grows the memory by $pages 64 KiB pages; false when the module's maximum (or the host) refuses. */
    public function growMemory(int $pages): bool
    {
        self::checkPages($pages);
        return (bool) $this->ffi->wasm_memory_grow($this->memory(), $pages);
    }

    /** Returns the checked offset; an unchecked FFI access out of range would segfault PHP. */
    private function memory(): CData
    {
        $this->live();
        if ($this->memory === null) {
            throw self::noMemory();
        }
        return $this->memory;
    }

    private function live(): void
    {
        if ($this->instance === null) {
            throw self::closed();
        }
    }

    /** Time spent creating host functions, instantiating and resolving exports, in microseconds. */
    public function instantiateMicros(): float
    {
        return $this->instantiateMicros;
    }

    /**
     * All start-up costs in one place for benchmarks: library load, module load (and whether it compiled or
     * deserialized), instantiate; microseconds.
     *
     * @return array{library_us: float, module_us: float, module_load: string, backend: string, instantiate_us: float}
     */
    public function timings(): array
    {
        return [
            'library_us' => $this->lib->loadMicros(),
            'module_us' => $this->module->loadMicros(),
            'module_load' => $this->module->loadKind(),
            'backend' => $this->module->backendName(),
            'instantiate_us' => $this->instantiateMicros,
        ];
    }

    public function module(): CompiledWasm
    {
        return $this->module;
    }

    /** Releases the exports, the instance and the host functions. Idempotent. */
    public function close(): void
    {
        $this->funcs = [];
        $this->memory = null;
        if ($this->exportsVec !== null) {
            $this->ffi->wasm_extern_vec_delete(FFI::addr($this->exportsVec));
            $this->exportsVec = null;
        }
        if ($this->instance !== null) {
            $this->ffi->wasm_instance_delete($this->instance);
            $this->instance = null;
        }
        foreach ($this->hostFuncs as $func) {
            $this->ffi->wasm_func_delete($func);
        }
        $this->hostFuncs = [];
        $this->hostCallbacks->detach();
    }

    public function __destruct()
    {
        $this->close();
    }
}
