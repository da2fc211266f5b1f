<?php

declare(strict_types=1);

namespace MeshCentralConnector\Translated;

use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Runtime\WasmException;

/**
 * A module translated to PHP by tools/wasm2php: the counterpart of Runtime\CompiledWasm for hosts without FFI.
 *
 * Loading it is a `require` of the generated file (opcache keeps it compiled across requests); nothing is compiled at
 * run time and no native code is involved.
 */
final class TranslatedWasm
{
    /** @var class-string<GeneratedCode> */
    private string $class;
    private float $loadMicros;

    /** @param class-string<GeneratedCode> $class */
    private function __construct(string $class, float $loadMicros)
    {
        $this->class = $class;
        $this->loadMicros = $loadMicros;
    }

    /**
     * @param string $phpFile the file written by wasm2php
     * @param string $class   the fully qualified class it declares
     */
    public static function load(string $phpFile, string $class): self
    {
        $start = hrtime(true);
        if (!class_exists($class, false)) {
            if (!is_file($phpFile)) {
                throw new WasmException(sprintf('Translated module %s not found', $phpFile));
            }
            require_once $phpFile;
        }
        if (!class_exists($class, false) || !is_subclass_of($class, GeneratedCode::class)) {
            throw new WasmException(sprintf('%s does not declare the translated module class %s', $phpFile, $class));
        }
        return new self($class, (hrtime(true) - $start) / 1000);
    }

    /** @return class-string<GeneratedCode> */
    public function className(): string
    {
        return $this->class;
    }

    /**
     * The module's function imports in declaration order (the shape of CompiledWasm::imports(), kind 0 = function).
     *
     * @return list<array{module: string, name: string, kind: int, params: list<string>, results: list<string>}>
     */
    public function imports(): array
    {
        $list = [];
        foreach ($this->class::IMPORTS as [$module, $name, $params, $results]) {
            $list[] = ['module' => $module, 'name' => $name, 'kind' => 0, 'params' => $params, 'results' => $results];
        }
        return $list;
    }

    /**
     * @return array<string, array<int, mixed>> export name => ['func', method, params, results] | ['memory'] | ...
     */
    public function exports(): array
    {
        return $this->class::EXPORTS;
    }

    /**
     * @param array<string, array<string, HostFunction>> $imports keyed by import module, then import name
     */
    public function instantiate(array $imports, int $maxDepth = 10000): TranslatedInstance
    {
        return new TranslatedInstance($this, $imports, $maxDepth);
    }

    public function loadMicros(): float
    {
        return $this->loadMicros;
    }
}
