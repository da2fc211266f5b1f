<?php

/*
 * opcache.preload script for FPM/CGI, where the default ffi.enable=preload forbids FFI::cdef at request time.
 * It registers the FFI scope "meshcentral_wasmer" (WasmerLibrary picks it up with FFI::scope) and preloads the runtime
 * classes, so their FFI calls count as preloaded code.
 *
 * php.ini (FPM/CGI):
 *   opcache.enable=1
 *   opcache.preload=/path/to/php-host/preload.php
 *   opcache.preload_user=www-data        ; the user FPM runs as (required when the master runs as root)
 *   ffi.enable=preload                   ; the default
 *
 * The library: set MESHCONNECTOR_LIBWASMER=/abs/path/libwasmer.so in the environment of the PHP master process, or put
 * libwasmer.so where the dynamic loader finds it (ld.so.conf / LD_LIBRARY_PATH), as wasmer.h names it "libwasmer.so".
 */

declare(strict_types=1);

(static function (): void {
    $header = __DIR__ . '/wasmer.h';
    $lib = getenv('MESHCONNECTOR_LIBWASMER');
    if (is_string($lib) && $lib !== '') {
        // FFI::load reads the library name from the FFI_LIB line; point it at the configured absolute path.
        $text = (string) file_get_contents($header);
        $text = (string) preg_replace('/^#define FFI_LIB .*$/m', '#define FFI_LIB ' . json_encode($lib), $text);
        $tmp = tempnam(sys_get_temp_dir(), 'mcwasmer');
        if ($tmp === false || file_put_contents($tmp, $text) === false) {
            throw new RuntimeException('preload: cannot write a temporary FFI header');
        }
        try {
            $ffi = FFI::load($tmp);
        } finally {
            @unlink($tmp);
        }
    } else {
        $ffi = FFI::load($header);
    }
    if ($ffi === null) {
        throw new RuntimeException('preload: FFI::load of ' . $header . ' failed');
    }

    foreach (
        [
            'WasmException', 'WasmTrap', 'ValType', 'HostFunction', 'WasmerLibrary', 'WasmModule', 'WasmInstance',
            'ModuleCache',
        ] as $class
    ) {
        require_once __DIR__ . '/src/Runtime/' . $class . '.php';
    }
})();
