<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

use RuntimeException;

/**
 * Any failure of the Wasm runtime layer that is not a guest trap: FFI missing, library not loadable, a module that
 * does not compile, an import that does not match, an out-of-bounds memory access. One class so callers can catch
 * "the runtime failed" without knowing FFI details.
 */
class WasmException extends RuntimeException
{
}
