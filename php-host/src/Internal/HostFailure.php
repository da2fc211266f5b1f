<?php

declare(strict_types=1);

namespace MeshCentralConnector\Internal;

use RuntimeException;
use Throwable;

/**
 * Carries an exception thrown by a host function through the translated guest code up to Translated\TranslatedInstance,
 * which turns it into the same WasmTrap ("host function <label> threw <class>: <message>") the Wasmer backend raises.
 *
 * @internal
 */
final class HostFailure extends RuntimeException
{
    public string $label;

    public function __construct(string $label, Throwable $cause)
    {
        $this->label = $label;
        parent::__construct(HostBoundary::threw($label, $cause), 0, $cause);
    }
}
