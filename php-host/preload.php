<?php

/*
 * opcache.preload script for FPM/CGI, where the default ffi.enable=preload forbids FFI::cdef at request time.
 * It makes sure the FFI scope "meshcentral_wasmer" exists (WasmerLibrary picks it up with FFI::scope) and preloads the
 * runtime classes, so their FFI calls count as preloaded code.
 *
 * php.ini when the PHP master runs as root (the usual FPM setup; PHP refuses FFI::load together with
 * opcache.preload_user, so the header is loaded by ffi.preload instead):
 *   opcache.enable=1
 *   opcache.preload=/path/to/php-host/preload.php
 *   opcache.preload_user=www-data
 *   ffi.enable=preload                              ; the default
 *   ffi.preload=/path/to/php-host/wasmer.h
 * wasmer.h names the library "libwasmer.so": put it where the dynamic loader finds it (ld.so.conf.d, or
 * LD_LIBRARY_PATH in the master's environment), or edit its FFI_LIB line to an absolute path.
 *
 * When PHP does not run as root (no opcache.preload_user), ffi.preload may be left out: this script then loads the
 * header itself with FFI::load, using MESHCONNECTOR_LIBWASMER=/abs/path/libwasmer.so from the environment if set.
 */

declare(strict_types=1);

(static function (): void {
    try {
        FFI::scope('meshcentral_wasmer');
        $loaded = true; // registered by ffi.preload
    } catch (FFI\Exception $e) {
        $loaded = false;
    }
    $header = __DIR__ . '/wasmer.h';
    $lib = getenv('MESHCONNECTOR_LIBWASMER');
    if (!$loaded && is_string($lib) && $lib !== '') {
        // FFI::load reads the library name from the FFI_LIB line; point it at the configured absolute path.
        $text = (string) file_get_contents($header);
        $text = (string) preg_replace_callback(
            '/^#define FFI_LIB .*$/m',
            static fn (): string => '#define FFI_LIB "' . addcslashes($lib, '"\\') . '"',
            $text
        );
        $tmp = tempnam(sys_get_temp_dir(), 'mcwasmer');
        if ($tmp === false || file_put_contents($tmp, $text) === false) {
            throw new RuntimeException('preload: cannot write a temporary FFI header');
        }
        try {
            $loaded = FFI::load($tmp) !== null;
        } finally {
            @unlink($tmp);
        }
    } elseif (!$loaded) {
        $loaded = FFI::load($header) !== null;
    }
    if (!$loaded) {
        throw new RuntimeException('preload: FFI::load of ' . $header . ' failed');
    }

    foreach (
        [
            'Runtime/WasmException', 'Runtime/WasmTrap', 'Runtime/ValType', 'Runtime/HostFunction',
            'Internal/HostBoundary', 'Internal/HostCallbacks', 'Runtime/WasmerLibrary', 'Runtime/CompiledWasm',
            'Runtime/GuestInstance', 'Internal/InstanceChecks', 'Runtime/WasmInstance', 'Runtime/CompiledWasmCache',
        ] as $class
    ) {
        require_once __DIR__ . '/src/' . $class . '.php';
    }
})();
