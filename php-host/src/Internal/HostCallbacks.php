<?php

declare(strict_types=1);

namespace MeshCentralConnector\Internal;

use Closure;
use FFI;
use FFI\CData;
use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\ValType;
use MeshCentralConnector\Runtime\WasmerLibrary;
use Throwable;

/**
 * Builds the C callbacks behind host functions and holds the side slot for the exception one of them caught.
 *
 * It is a separate object from WasmInstance on purpose: PHP keeps every closure converted to a C callback alive until
 * the end of the request, so whatever the closures capture lives that long too. Capturing this small object instead of
 * the instance lets the instance (and its engine, store and module) be released as soon as the caller drops it.
 *
 * @internal used by Runtime\WasmInstance
 */
final class HostCallbacks
{
    private WasmerLibrary $lib;
    private FFI $ffi;
    private ?CData $store;
    private ?Throwable $pending = null;

    public function __construct(WasmerLibrary $lib, CData $store)
    {
        $this->lib = $lib;
        $this->ffi = $lib->ffi();
        $this->store = $store;
    }

    /**
     * The C callback for one host function. Every Throwable is caught and becomes a trap: anything escaping an FFI
     * callback kills the PHP process.
     */
    public function create(string $label, HostFunction $host): Closure
    {
        $fn = $host->callable();
        $params = $host->params();
        $results = $host->results();
        $self = $this;
        return static function (CData $args, CData $out) use ($self, $label, $fn, $params, $results): ?CData {
            try {
                $values = [];
                foreach ($params as $i => $type) {
                    $val = $args->data[$i]->of;
                    $values[] = $type === ValType::I64 ? (int) $val->i64 : (int) $val->i32;
                }
                $self->storeResults($label, $fn(...$values), $results, $out);
                return null; // NULL = no trap; anything else that is not a trap pointer would segfault
            } catch (Throwable $e) {
                return $self->trapFor($label, $e);
            }
        };
    }

    /** Returns and clears the exception caught by the last failing callback. */
    public function takePending(): ?Throwable
    {
        $e = $this->pending;
        $this->pending = null;
        return $e;
    }

    /** After this, callbacks still run (the guest cannot call them any more anyway) but create no traps. */
    public function detach(): void
    {
        $this->store = null;
        $this->pending = null;
    }

    /**
     * @param mixed        $ret
     * @param list<string> $types
     */
    private function storeResults(string $label, $ret, array $types, CData $out): void
    {
        foreach (HostBoundary::results($label, $ret, $types) as $i => $value) {
            // The kind must be set explicitly: Wasmer pre-fills results as i64 and rejects a mismatch.
            $out->data[$i]->kind = ValType::kind($types[$i]);
            if ($types[$i] === ValType::I64) {
                $out->data[$i]->of->i64 = $value;
            } else {
                $out->data[$i]->of->i32 = $value;
            }
        }
    }

    /** Never throws: it runs inside an FFI callback. */
    private function trapFor(string $label, Throwable $e): ?CData
    {
        try {
            $this->pending = $e;
            if ($this->store === null) {
                return null;
            }
            $message = HostBoundary::threw($label, $e);
            $vec = $this->lib->newByteVec($message, true);
            $trap = $this->ffi->wasm_trap_new($this->store, FFI::addr($vec));
            $this->ffi->wasm_byte_vec_delete(FFI::addr($vec));
            return $trap;
        } catch (Throwable $ignored) {
            // Nothing sane is left to do; a NULL return makes Wasmer report a signature mismatch trap instead.
            return null;
        }
    }
}
