<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Support;

/**
 * The Wasm core as the module uses it: one operation per call, in the core's own request shape (README, "The call
 * shape": `{"op": ..., fields}` in, the op's value out, a `MeshCentralConnector\Exception\ConnectorException` of the
 * core's error kind on failure). The runner passes the real one (WasmCore, from ConnectorFactory); unit tests pass a
 * fake that answers ops without MeshCentral.
 */
interface Core
{
    /**
     * @param array<string, mixed> $request `['op' => name] + the op's fields`
     * @return mixed the op's value (JSON objects as arrays)
     * @throws \MeshCentralConnector\Exception\ConnectorException
     */
    public function call(array $request): mixed;

    /** @return array{backend: string, reason: string} which backend runs the core, and why */
    public function backend(): array;
}
