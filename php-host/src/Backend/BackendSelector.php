<?php

declare(strict_types=1);

namespace MeshCentralConnector\Backend;

use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\Exception\InvalidSettingsException;
use MeshCentralConnector\Host\HostImports;
use MeshCentralConnector\Runtime\CompiledWasm;
use MeshCentralConnector\Runtime\CompiledWasmCache;
use MeshCentralConnector\Runtime\GuestInstance;
use MeshCentralConnector\Runtime\WasmerLibrary;
use MeshCentralConnector\Runtime\WasmException;
use MeshCentralConnector\Translated\TranslatedWasm;

/**
 * Chooses and loads the backend that runs the core; the Connector (the facade of the operations) only receives the
 * result. Two backends run the same .wasm: Wasmer through FFI (compiled to native code; fast, but needs ext-ffi and
 * libwasmer) and its translation to PHP made at build time by tools/wasm2php (`meshcentral_connector.php` beside the
 * .wasm; runs on any PHP).
 *
 * - `auto` (default): Wasmer through FFI when ext-ffi is loaded, ffi.enable allows it and libwasmer is found (the
 *   preloaded scope, the libwasmer option or env MESHCONNECTOR_LIBWASMER) and loads; otherwise the translated module;
 * - `wasmer`: only Wasmer (its errors are thrown, no fallback);
 * - `translated`: only the translated module; nothing of FFI is touched.
 * No backend option means env MESHCONNECTOR_BACKEND, or `auto` when that is unset, so an admin can force either one
 * without code changes; an explicit option wins over the environment.
 */
final class BackendSelector
{
    public const AUTO = 'auto';
    public const WASMER = 'wasmer';
    public const TRANSLATED = 'translated';

    /** Admins force a backend with this environment variable (auto | wasmer | translated). */
    public const ENV = 'MESHCONNECTOR_BACKEND';

    /** The class scripts/build-wasm.sh has wasm2php generate into `<name>.php` beside `<name>.wasm`. */
    public const TRANSLATED_CLASS = 'MeshCentralConnector\\Translated\\Generated\\MeshCentralConnectorWasm';

    private function __construct()
    {
    }

    /**
     * @param string $wasmPath the release meshcentral_connector.wasm (the translated backend loads
     *                         meshcentral_connector.php from the same directory)
     *
     * @throws InvalidSettingsException for an unknown backend name
     * @throws WasmException when the chosen backend cannot load
     */
    public static function load(string $wasmPath, ConnectorOptions $options, HostImports $host): LoadedBackend
    {
        $backend = $options->backend;
        $source = 'requested by the caller';
        if ($backend === null) {
            $env = getenv(self::ENV);
            if (is_string($env) && trim($env) !== '') {
                $backend = $env;
                $source = 'forced by ' . self::ENV;
            } else {
                $backend = self::AUTO;
            }
        }
        $requested = strtolower(trim($backend));
        switch ($requested) {
            case self::WASMER:
                return self::loadWasmer($wasmPath, $options, $host, self::choice(self::WASMER, $source, $requested));
            case self::TRANSLATED:
                return self::loadTranslated($wasmPath, $host, self::choice(self::TRANSLATED, $source, $requested));
            case self::AUTO:
                break;
            default:
                throw new InvalidSettingsException(
                    'invalid_input',
                    sprintf('Unknown connector backend "%s" (auto, wasmer or translated)', $backend)
                );
        }

        $unusable = self::ffiUnusable();
        if ($unusable === null) {
            try {
                return self::loadWasmer($wasmPath, $options, $host, self::choice(self::WASMER, 'FFI available', $requested));
            } catch (WasmException $e) {
                // No libwasmer, or it does not load here (FFI::cdef refused by ffi.enable=preload in a web SAPI,
                // another architecture, ...): the translated module needs none of that. Nothing was bound to the
                // host imports before an instance existed, so the failed attempt leaves them clean.
                $unusable = $e->getMessage();
            }
        }
        return self::loadTranslated($wasmPath, $host, self::choice(self::TRANSLATED, $unusable, $requested));
    }

    /** `dir/name.wasm` -> `dir/name.php`: where the release build puts the translation of a .wasm. */
    public static function translatedPath(string $wasmPath): string
    {
        return dirname($wasmPath) . '/' . basename($wasmPath, '.wasm') . '.php';
    }

    /** @return array{backend: string, reason: string, requested: string, cache?: string} */
    private static function choice(string $backend, string $reason, string $requested): array
    {
        return ['backend' => $backend, 'reason' => $reason, 'requested' => $requested];
    }

    /** Why FFI cannot be used at all in this PHP (cheap checks, no library loaded), or null when it may be. */
    private static function ffiUnusable(): ?string
    {
        if (!extension_loaded('ffi')) {
            return 'FFI extension not loaded';
        }
        $mode = strtolower(trim((string) ini_get('ffi.enable')));
        if (in_array($mode, ['0', '', 'off', 'false', 'no'], true)) {
            return 'FFI disabled (ffi.enable=0)';
        }
        return null;
    }

    /** @param array{backend: string, reason: string, requested: string, cache?: string} $report */
    private static function loadWasmer(string $wasmPath, ConnectorOptions $options, HostImports $host, array $report): LoadedBackend
    {
        $lib = new WasmerLibrary($options->libwasmer ?? (getenv(WasmerLibrary::ENV_LIBRARY) ?: null));
        if ($options->cacheDir !== null) {
            $cache = new CompiledWasmCache($lib, $options->cacheDir);
            $module = $cache->load($wasmPath);
            $report['cache'] = $cache->report();
            if (str_contains($report['cache'], 'refused')) {
                // Not an error (the module runs, compiled), but the admin should know why every request compiles.
                $host->log(1, 'compiled-module cache not used: ' . $report['cache']);
            }
        } else {
            $module = CompiledWasm::compileFile($lib, $wasmPath);
        }
        $instantiate = static function () use ($module, $host): GuestInstance {
            $instance = $module->instantiate($host->functions());
            $host->bind($instance);
            return $instance;
        };
        if ($report['requested'] === self::AUTO) {
            $report['reason'] = $lib->fromScope()
                ? sprintf('FFI available (preloaded scope %s)', WasmerLibrary::SCOPE)
                : 'FFI available (libwasmer loaded with FFI::cdef)';
        }
        return new LoadedBackend($instantiate, $report, $lib->loadMicros(), $module->loadMicros(), $module->loadKind());
    }

    /**
     * The generated class is only required here, so a request on the Wasmer backend never pays for compiling (or
     * loading from opcache) the large generated file.
     *
     * @param array{backend: string, reason: string, requested: string} $report
     */
    private static function loadTranslated(string $wasmPath, HostImports $host, array $report): LoadedBackend
    {
        $phpFile = self::translatedPath($wasmPath);
        if (!class_exists(self::TRANSLATED_CLASS, false) && !is_file($phpFile)) {
            throw new WasmException(sprintf(
                'The translated module %s is missing (it ships beside the .wasm; scripts/build-wasm.sh writes it)%s',
                $phpFile,
                $report['requested'] === self::AUTO ? '; Wasmer is not usable either: ' . $report['reason'] : ''
            ));
        }
        $module = TranslatedWasm::load($phpFile, self::TRANSLATED_CLASS);
        $instantiate = static function () use ($module, $host): GuestInstance {
            $instance = $module->instantiate($host->functions());
            $host->bind($instance);
            return $instance;
        };
        return new LoadedBackend($instantiate, $report, 0.0, $module->loadMicros(), 'php');
    }
}
