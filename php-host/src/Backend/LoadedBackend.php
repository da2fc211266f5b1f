<?php

declare(strict_types=1);

namespace MeshCentralConnector\Backend;

use Closure;
use MeshCentralConnector\Runtime\GuestInstance;

/**
 * What BackendSelector::load() hands the Connector: how to make a fresh instance bound to the host imports, which
 * backend that is and why, and what loading cost.
 */
final class LoadedBackend
{
    /**
     * @param Closure(): GuestInstance $instantiate a fresh instance of the loaded module, bound to the host imports
     * @param array{backend: string, reason: string, requested: string, cache?: string} $report see Connector::backend()
     */
    public function __construct(
        public readonly Closure $instantiate,
        public readonly array $report,
        public readonly float $libraryMicros,
        public readonly float $moduleMicros,
        public readonly string $moduleLoadKind
    ) {
    }
}
