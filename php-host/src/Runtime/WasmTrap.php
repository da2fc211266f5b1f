<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

use Throwable;

/**
 * A trap raised while the guest ran (e.g. "unreachable" from a panic, or a host function that failed).
 *
 * When the trap was caused by a PHP exception thrown inside a host function, that exception is kept both as
 * `getPrevious()` and in `hostException()`, so the caller can rethrow it with its original type: the exception itself
 * could not cross the FFI callback boundary (PHP aborts the process if it does).
 */
final class WasmTrap extends WasmException
{
    private ?Throwable $hostException;

    public function __construct(string $message, ?Throwable $hostException = null)
    {
        parent::__construct($message, 0, $hostException);
        $this->hostException = $hostException;
    }

    public function hostException(): ?Throwable
    {
        return $this->hostException;
    }
}
