<?php

declare(strict_types=1);

namespace MeshCentralConnector\Translated;

use Closure;
use MeshCentralConnector\Internal\HostBoundary;
use MeshCentralConnector\Internal\HostFailure;
use MeshCentralConnector\Internal\InstanceChecks;
use MeshCentralConnector\Runtime\GuestInstance;
use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\ValType;
use MeshCentralConnector\Runtime\WasmException;
use MeshCentralConnector\Runtime\WasmTrap;
use Throwable;

/**
 * One instance of a translated module, with the public API of Runtime\WasmInstance (call, callInt, readMemory,
 * writeMemory, memorySize, growMemory, hasExport, lastHostException, close) and the same behaviour: the same argument
 * checks, i32 results signed, host functions receiving signed i32, a guest trap or a failing host function raised as
 * Runtime\WasmTrap with the same message, out-of-range memory access as WasmException.
 */
final class TranslatedInstance implements GuestInstance
{
    use InstanceChecks;

    private TranslatedWasm $module;
    private ?GeneratedCode $instance = null;
    /** @var array<string, array<int, mixed>> */
    private array $exports;
    private float $instantiateMicros;

    /**
     * @param array<string, array<string, HostFunction>> $imports keyed by import module, then import name
     *
     * @internal use TranslatedWasm::instantiate()
     */
    public function __construct(TranslatedWasm $module, array $imports, int $maxDepth = 10000)
    {
        $start = hrtime(true);
        $this->module = $module;
        $class = $module->className();
        $this->exports = $class::EXPORTS;
        $callables = [];
        foreach ($class::IMPORTS as [$mod, $name, $params, $results]) {
            $host = HostBoundary::matchImport($mod, $name, HostBoundary::EXTERN_FUNC, $params, $results, $imports);
            $callables[] = self::wrapImport($mod . '.' . $name, $host);
        }
        if ($class::IMPORT_GLOBALS !== []) {
            throw new WasmException('Global imports are not supported by the host');
        }
        try {
            $this->instance = new $class($callables, [], $maxDepth);
        } catch (Trap | HostFailure $e) {
            throw new WasmException('Cannot instantiate the module: ' . $e->getMessage(), 0, $e);
        }
        $this->instantiateMicros = (hrtime(true) - $start) / 1000;
    }

    /**
     * The callable the generated code calls: converts its canonical values (i32 as 0..2^32-1) to the host's view (i32
     * signed) and back, checks the results like the Wasmer backend does, and wraps any exception in HostFailure.
     */
    private static function wrapImport(string $label, HostFunction $host): Closure
    {
        $fn = $host->callable();
        $params = $host->params();
        $results = $host->results();
        return static function (int ...$args) use ($label, $fn, $params, $results) {
            try {
                foreach ($params as $i => $type) {
                    if ($type === ValType::I32) {
                        $args[$i] = ($args[$i] << 32) >> 32;
                    }
                }
                $list = HostBoundary::results($label, $fn(...$args), $results);
                if ($list === []) {
                    return null;
                }
                foreach ($results as $i => $type) {
                    if ($type === ValType::I32) {
                        $list[$i] &= 0xFFFFFFFF;
                    }
                }
                return count($list) === 1 ? $list[0] : $list;
            } catch (HostFailure $e) {
                throw $e;
            } catch (Throwable $e) {
                throw new HostFailure($label, $e);
            }
        };
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
        $mod = $this->live();
        $export = $this->exports[$name] ?? null;
        self::checkCall($name, $export === null || $export[0] !== 'func' ? null : $export[2], $args);
        [, $method, $params, $results] = $export;
        foreach ($params as $i => $type) {
            if (ValType::kind($type) === ValType::KIND_I32) {
                $args[$i] = ValType::toI32($args[$i]) & 0xFFFFFFFF;
            }
        }
        $depth = $mod->depth;
        try {
            $ret = $mod->{$method}(...$args);
        } catch (Trap $trap) {
            $this->lastHostException = null;
            throw new WasmTrap($trap->getMessage());
        } catch (HostFailure $failure) {
            $cause = $failure->getPrevious();
            $this->lastHostException = $cause;
            throw new WasmTrap($failure->getMessage(), $cause);
        } finally {
            $mod->depth = $depth;
        }
        $out = count($results) === 1 ? [$ret] : ($results === [] ? [] : array_values($ret));
        foreach ($results as $i => $type) {
            if ($type === ValType::I32) {
                $out[$i] = ($out[$i] << 32) >> 32;
            }
        }
        return $out;
    }

    /** Current size of the guest's linear memory in bytes. */
    public function memorySize(): int
    {
        return strlen($this->memoryOwner()->mem);
    }

    /** Copies $len bytes out of guest memory ($ptr is a u32, also accepted in its signed i32 spelling). */
    public function readMemory(int $ptr, int $len): string
    {
        $offset = $this->checkRange($ptr, $len);
        return $len === 0 ? '' : substr($this->memoryOwner()->mem, $offset, $len);
    }

    public function writeMemory(int $ptr, string $bytes): void
    {
        $len = strlen($bytes);
        $offset = $this->checkRange($ptr, $len);
        if ($len > 0) {
            $this->memoryOwner()->write($offset, $bytes, $len);
        }
    }

    /** Grows the memory by $pages 64 KiB pages; false when the module's maximum (or the PHP memory limit) refuses. */
    public function growMemory(int $pages): bool
    {
        self::checkPages($pages);
        return $this->memoryOwner()->grow($pages) !== 0xFFFFFFFF;
    }

    private function memoryOwner(): GeneratedCode
    {
        $mod = $this->live();
        foreach ($this->exports as $export) {
            if ($export[0] === 'memory') {
                return $mod;
            }
        }
        throw self::noMemory();
    }

    private function live(): GeneratedCode
    {
        if ($this->instance === null) {
            throw self::closed();
        }
        return $this->instance;
    }

    /** Time spent wiring the imports and running the generated constructor (memory, data, tables), in microseconds. */
    public function instantiateMicros(): float
    {
        return $this->instantiateMicros;
    }

    /**
     * Start-up costs in the shape of WasmInstance::timings().
     *
     * @return array{library_us: float, module_us: float, module_load: string, backend: string, instantiate_us: float}
     */
    public function timings(): array
    {
        return [
            'library_us' => 0.0,
            'module_us' => $this->module->loadMicros(),
            'module_load' => 'php',
            'backend' => 'translated',
            'instantiate_us' => $this->instantiateMicros,
        ];
    }

    public function module(): TranslatedWasm
    {
        return $this->module;
    }

    /** Releases the instance (its memory). Idempotent. */
    public function close(): void
    {
        $this->instance = null;
    }
}
