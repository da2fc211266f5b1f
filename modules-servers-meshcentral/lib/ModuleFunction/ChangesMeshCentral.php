<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

/**
 * A module function that changes the service's objects in MeshCentral: FunctionRunner::run runs it holding the service's
 * lock (Storage\ServiceLock), so two runs for one service never interleave.
 */
interface ChangesMeshCentral
{
}
