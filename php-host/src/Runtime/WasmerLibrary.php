<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

use FFI;
use Throwable;

/**
 * Access to libwasmer through PHP's FFI extension.
 *
 * Two ways in, because the default `ffi.enable=preload` of FPM/CGI forbids FFI::cdef at request time:
 * - the scope "meshcentral_wasmer" registered by php-host/preload.php (opcache.preload), used whenever it exists;
 * - otherwise FFI::cdef of php-host/wasmer.h against an explicit library path (CLI, or ffi.enable=true).
 */
final class WasmerLibrary
{
    public const SCOPE = 'meshcentral_wasmer';
    public const ENV_LIBRARY = 'MESHCONNECTOR_LIBWASMER';

    /** Backend codes of `enum wasmer_backend_t` (wasmer.h). */
    public const BACKEND_CRANELIFT = 0;
    public const BACKEND_LLVM = 1;
    public const BACKEND_SINGLEPASS = 2;
    public const BACKEND_HEADLESS = 3;

    private const BACKEND_NAMES = [0 => 'cranelift', 1 => 'llvm', 2 => 'singlepass', 3 => 'headless'];

    private FFI $ffi;
    private bool $fromScope;
    private float $loadMicros;

    /**
     * @param string|null $libraryPath path of libwasmer.so; null = env MESHCONNECTOR_LIBWASMER (only needed when the
     *                                 preloaded scope is not available)
     * @param string|null $headerPath  trimmed header; null = php-host/wasmer.h
     */
    public function __construct(?string $libraryPath = null, ?string $headerPath = null)
    {
        $start = hrtime(true);
        if (!extension_loaded('ffi')) {
            throw new WasmException('The PHP FFI extension is not loaded: install/enable ext-ffi to run the Wasm core');
        }
        $mode = strtolower((string) ini_get('ffi.enable'));
        if ($mode === '0' || $mode === 'false' || $mode === 'off' || $mode === '') {
            throw new WasmException(
                'FFI is disabled (ffi.enable=0): set ffi.enable=preload and preload php-host/preload.php'
            );
        }

        $ffi = null;
        try {
            $ffi = FFI::scope(self::SCOPE);
            $this->fromScope = true;
        } catch (Throwable $e) {
            // No preloaded scope: fall through to FFI::cdef below.
            $this->fromScope = false;
        }

        if ($ffi === null) {
            $ffi = self::cdef($libraryPath, $headerPath);
        }
        $this->ffi = $ffi;
        $this->loadMicros = (hrtime(true) - $start) / 1000;
    }

    private static function cdef(?string $libraryPath, ?string $headerPath): FFI
    {
        $libraryPath ??= getenv(self::ENV_LIBRARY) ?: null;
        if ($libraryPath === null || $libraryPath === '') {
            throw new WasmException(sprintf(
                'No libwasmer: the FFI scope "%s" is not preloaded and no library path was given (set %s)',
                self::SCOPE,
                self::ENV_LIBRARY
            ));
        }
        if (!is_file($libraryPath) || !is_readable($libraryPath)) {
            throw new WasmException(sprintf('libwasmer not found or not readable at "%s"', $libraryPath));
        }
        $headerPath ??= self::defaultHeaderPath();
        $header = @file_get_contents($headerPath);
        if ($header === false) {
            throw new WasmException(sprintf('Cannot read the FFI header "%s"', $headerPath));
        }
        // FFI::cdef does not understand preprocessor lines; the FFI_SCOPE/FFI_LIB defines are for FFI::load only.
        $header = (string) preg_replace('/^\s*#.*$/m', '', $header);
        try {
            return FFI::cdef($header, $libraryPath);
        } catch (Throwable $e) {
            throw new WasmException(
                sprintf('Cannot load libwasmer from "%s" via FFI::cdef: %s', $libraryPath, $e->getMessage()),
                0,
                $e
            );
        }
    }

    public static function defaultHeaderPath(): string
    {
        return dirname(__DIR__, 2) . '/wasmer.h';
    }

    public function ffi(): FFI
    {
        return $this->ffi;
    }

    /** True when the preloaded scope was used (FPM/CGI), false when FFI::cdef loaded the library now. */
    public function fromScope(): bool
    {
        return $this->fromScope;
    }

    /** Time spent getting the FFI object, in microseconds. */
    public function loadMicros(): float
    {
        return $this->loadMicros;
    }

    public function version(): string
    {
        $v = $this->ffi->wasmer_version();
        return is_string($v) ? $v : FFI::string($v);
    }

    public function isBackendAvailable(int $backend): bool
    {
        // Asking for a backend that is compiled out aborts the process, so every choice goes through this check.
        return (bool) $this->ffi->wasmer_is_backend_available($backend);
    }

    public static function backendName(int $backend): string
    {
        return self::BACKEND_NAMES[$backend] ?? ('backend#' . $backend);
    }

    /** The compiler to use when the caller has no preference: cranelift (fast code), else singlepass (fast compile). */
    public function defaultBackend(): int
    {
        $preference = [self::BACKEND_CRANELIFT, self::BACKEND_SINGLEPASS, self::BACKEND_LLVM, self::BACKEND_HEADLESS];
        foreach ($preference as $b) {
            if ($this->isBackendAvailable($b)) {
                return $b;
            }
        }
        throw new WasmException('libwasmer reports no available backend');
    }

    /** Wasmer's last error message (compile/deserialize failures put their reason there), or ''. */
    public function lastError(): string
    {
        $len = (int) $this->ffi->wasmer_last_error_length();
        if ($len <= 0) {
            return '';
        }
        $buf = $this->ffi->new('char[' . $len . ']');
        $n = (int) $this->ffi->wasmer_last_error_message($buf, $len);
        if ($n <= 0) {
            return '';
        }
        return rtrim(FFI::string($buf, $n), "\0");
    }

    /** Converts WebAssembly text to binary with the library's own parser (used by tests and tools). */
    public function wat2wasm(string $wat): string
    {
        $in = $this->newByteVec($wat);
        $out = $this->ffi->new('wasm_byte_vec_t');
        $this->ffi->wat2wasm(FFI::addr($in), FFI::addr($out));
        $this->ffi->wasm_byte_vec_delete(FFI::addr($in));
        if ($out->data === null || $out->size === 0) {
            $this->ffi->wasm_byte_vec_delete(FFI::addr($out));
            throw new WasmException('wat2wasm failed: ' . $this->lastError());
        }
        $bin = FFI::string($out->data, $out->size);
        $this->ffi->wasm_byte_vec_delete(FFI::addr($out));
        return $bin;
    }

    /**
     * A library-owned byte vector holding a copy of $bytes (free it with wasm_byte_vec_delete).
     * The copy lives in C memory so no PHP string has to outlive the call it is passed to.
     */
    public function newByteVec(string $bytes, bool $nulTerminate = false): FFI\CData
    {
        $vec = $this->ffi->new('wasm_byte_vec_t');
        $len = strlen($bytes) + ($nulTerminate ? 1 : 0);
        $this->ffi->wasm_byte_vec_new_uninitialized(FFI::addr($vec), $len);
        if ($bytes !== '') {
            FFI::memcpy($vec->data, $bytes, strlen($bytes));
        }
        if ($nulTerminate) {
            $vec->data[$len - 1] = "\0";
        }
        return $vec;
    }

    /** Copies and frees an owned byte vector (trap messages, serialized artifacts). */
    public function takeByteVec(FFI\CData $vec): string
    {
        $s = ($vec->data === null || $vec->size === 0) ? '' : FFI::string($vec->data, $vec->size);
        $this->ffi->wasm_byte_vec_delete(FFI::addr($vec));
        return $s;
    }
}
