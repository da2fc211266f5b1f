<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

use FFI;
use FFI\CData;
use WeakReference;

/**
 * A compiled Wasm module together with the engine and store it lives in.
 *
 * Engine, store and module are created together and released together because none of them can outlive a PHP request
 * anyway (see wasm-in-php.md) and a store must outlive every instance made in it; keeping them in one owner makes the
 * release order (instances, module, store, engine) impossible to get wrong.
 */
final class CompiledWasm
{
    public const LOAD_COMPILE = 'compile';
    public const LOAD_DESERIALIZE = 'deserialize';

    /** wasm_externkind_t codes (wasm.h). */
    public const EXTERN_FUNC = 0;
    public const EXTERN_GLOBAL = 1;
    public const EXTERN_TABLE = 2;
    public const EXTERN_MEMORY = 3;

    private WasmerLibrary $lib;
    private FFI $ffi;
    private ?CData $engine;
    private ?CData $store;
    private ?CData $module;
    private int $backend;
    private string $loadKind;
    private float $loadMicros;
    /** @var list<WeakReference<WasmInstance>> */
    private array $instances = [];

    private function __construct(WasmerLibrary $lib, int $backend)
    {
        $this->lib = $lib;
        $this->ffi = $lib->ffi();
        $this->backend = $backend;
        $ffi = $this->ffi;
        $config = $ffi->wasm_config_new();
        if ($backend >= 0) {
            $ffi->wasm_config_set_backend($config, $backend);
        }
        // wasm_engine_new_with_config takes ownership of the config.
        $this->engine = $ffi->wasm_engine_new_with_config($config);
        if ($this->engine === null) {
            throw new WasmException('wasm_engine_new_with_config failed: ' . $lib->lastError());
        }
        $this->store = $ffi->wasm_store_new($this->engine);
        if ($this->store === null) {
            $ffi->wasm_engine_delete($this->engine);
            $this->engine = null;
            throw new WasmException('wasm_store_new failed: ' . $lib->lastError());
        }
        $this->module = null;
        $this->loadKind = '';
        $this->loadMicros = 0.0;
    }

    /** Compiles Wasm bytes (binary format) with $backend, or the library's default compiler when null. */
    public static function compile(WasmerLibrary $lib, string $wasm, ?int $backend = null): self
    {
        $backend ??= $lib->defaultBackend();
        self::requireBackend($lib, $backend);
        $self = new self($lib, $backend);
        $start = hrtime(true);
        $vec = $lib->newByteVec($wasm);
        $module = $self->ffi->wasm_module_new($self->store, FFI::addr($vec));
        $self->ffi->wasm_byte_vec_delete(FFI::addr($vec));
        if ($module === null) {
            $error = $lib->lastError();
            $self->close();
            throw new WasmException('Cannot compile the Wasm module' . ($error !== '' ? ': ' . $error : ''));
        }
        $self->module = $module;
        $self->loadKind = self::LOAD_COMPILE;
        $self->loadMicros = (hrtime(true) - $start) / 1000;
        return $self;
    }

    /** Compiles a .wasm file. */
    public static function compileFile(WasmerLibrary $lib, string $path, ?int $backend = null): self
    {
        $wasm = @file_get_contents($path);
        if ($wasm === false) {
            throw new WasmException(sprintf('Cannot read Wasm module "%s"', $path));
        }
        return self::compile($lib, $wasm, $backend);
    }

    /**
     * Loads an artifact made by serialize(). Artifacts are native code and are NOT validated by Wasmer beyond a
     * header check: only pass bytes whose integrity was verified (CompiledWasmCache does this).
     *
     * @param int $backend the backend the artifact was compiled with; the engine falls back to headless when that
     *                     compiler is not in this library (a headless engine can still run precompiled code)
     */
    public static function deserialize(WasmerLibrary $lib, string $artifact, int $backend): self
    {
        $engineBackend = $lib->isBackendAvailable($backend) ? $backend : WasmerLibrary::BACKEND_HEADLESS;
        self::requireBackend($lib, $engineBackend);
        $self = new self($lib, $engineBackend);
        $self->backend = $backend;
        $start = hrtime(true);
        $vec = $lib->newByteVec($artifact);
        $module = $self->ffi->wasm_module_deserialize($self->store, FFI::addr($vec));
        $self->ffi->wasm_byte_vec_delete(FFI::addr($vec));
        if ($module === null) {
            $error = $lib->lastError();
            $self->close();
            throw new WasmException('Cannot deserialize the module artifact' . ($error !== '' ? ': ' . $error : ''));
        }
        $self->module = $module;
        $self->loadKind = self::LOAD_DESERIALIZE;
        $self->loadMicros = (hrtime(true) - $start) / 1000;
        return $self;
    }

    private static function requireBackend(WasmerLibrary $lib, int $backend): void
    {
        if (!$lib->isBackendAvailable($backend)) {
            throw new WasmException(sprintf(
                'Wasmer backend "%s" is not available in this libwasmer build',
                WasmerLibrary::backendName($backend)
            ));
        }
    }

    /** The native artifact of this module, for CompiledWasmCache. */
    public function serialize(): string
    {
        $out = $this->ffi->new('wasm_byte_vec_t');
        $this->ffi->wasm_module_serialize($this->module(), FFI::addr($out));
        $bytes = $this->lib->takeByteVec($out);
        if ($bytes === '') {
            throw new WasmException('wasm_module_serialize failed: ' . $this->lib->lastError());
        }
        return $bytes;
    }

    /**
     * The module's imports in declaration order.
     *
     * @return list<array{module: string, name: string, kind: int, params: list<string>, results: list<string>}>
     */
    public function imports(): array
    {
        $vec = $this->ffi->new('wasm_importtype_vec_t');
        $this->ffi->wasm_module_imports($this->module(), FFI::addr($vec));
        $list = [];
        for ($i = 0; $i < $vec->size; $i++) {
            $t = $vec->data[$i];
            $list[] = [
                'module' => self::name($this->ffi->wasm_importtype_module($t)),
                'name' => self::name($this->ffi->wasm_importtype_name($t)),
            ] + $this->describeType($this->ffi->wasm_importtype_type($t));
        }
        $this->ffi->wasm_importtype_vec_delete(FFI::addr($vec));
        return $list;
    }

    /**
     * The module's exports in declaration order (the same order as wasm_instance_exports).
     *
     * @return list<array{name: string, kind: int, params: list<string>, results: list<string>}>
     */
    public function exports(): array
    {
        $vec = $this->ffi->new('wasm_exporttype_vec_t');
        $this->ffi->wasm_module_exports($this->module(), FFI::addr($vec));
        $list = [];
        for ($i = 0; $i < $vec->size; $i++) {
            $t = $vec->data[$i];
            $list[] = ['name' => self::name($this->ffi->wasm_exporttype_name($t))]
                + $this->describeType($this->ffi->wasm_exporttype_type($t));
        }
        $this->ffi->wasm_exporttype_vec_delete(FFI::addr($vec));
        return $list;
    }

    /** @return array{kind: int, params: list<string>, results: list<string>} */
    private function describeType(CData $externType): array
    {
        $kind = (int) $this->ffi->wasm_externtype_kind($externType);
        $params = [];
        $results = [];
        if ($kind === self::EXTERN_FUNC) {
            $fn = $this->ffi->wasm_externtype_as_functype_const($externType);
            $params = $this->valTypes($this->ffi->wasm_functype_params($fn));
            $results = $this->valTypes($this->ffi->wasm_functype_results($fn));
        }
        return ['kind' => $kind, 'params' => $params, 'results' => $results];
    }

    /** @return list<string> */
    private function valTypes(CData $vec): array
    {
        $types = [];
        for ($i = 0; $i < $vec->size; $i++) {
            $types[] = ValType::name((int) $this->ffi->wasm_valtype_kind($vec->data[$i]));
        }
        return $types;
    }

    private static function name(CData $name): string
    {
        return $name->size === 0 ? '' : FFI::string($name->data, $name->size);
    }

    /**
     * Instantiates the module.
     *
     * @param array<string, array<string, HostFunction>> $imports keyed by import module, then import name
     */
    public function instantiate(array $imports): WasmInstance
    {
        $instance = new WasmInstance($this->lib, $this, $imports);
        $this->instances[] = WeakReference::create($instance);
        return $instance;
    }

    /** @internal for WasmInstance */
    public function storePtr(): CData
    {
        if ($this->store === null) {
            throw new WasmException('The module has been closed');
        }
        return $this->store;
    }

    /** @internal for WasmInstance */
    public function modulePtr(): CData
    {
        return $this->module();
    }

    private function module(): CData
    {
        if ($this->module === null) {
            throw new WasmException('The module has been closed');
        }
        return $this->module;
    }

    public function backend(): int
    {
        return $this->backend;
    }

    public function backendName(): string
    {
        return WasmerLibrary::backendName($this->backend);
    }

    /** How the module was obtained: 'compile' or 'deserialize'. */
    public function loadKind(): string
    {
        return $this->loadKind;
    }

    /** Time spent in wasm_module_new or wasm_module_deserialize, in microseconds. */
    public function loadMicros(): float
    {
        return $this->loadMicros;
    }

    /** Releases instances made from this module, then the module, store and engine. Idempotent. */
    public function close(): void
    {
        foreach ($this->instances as $ref) {
            $instance = $ref->get();
            if ($instance !== null) {
                $instance->close();
            }
        }
        $this->instances = [];
        if ($this->module !== null) {
            $this->ffi->wasm_module_delete($this->module);
            $this->module = null;
        }
        if ($this->store !== null) {
            $this->ffi->wasm_store_delete($this->store);
            $this->store = null;
        }
        if ($this->engine !== null) {
            $this->ffi->wasm_engine_delete($this->engine);
            $this->engine = null;
        }
    }

    public function __destruct()
    {
        $this->close();
    }
}
