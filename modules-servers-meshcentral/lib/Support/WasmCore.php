<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Support;

use MeshCentralConnector\Connector;

/** The real Core: the PHP host's loaded Wasm module (Wasmer through FFI, or the translated PHP). */
final class WasmCore implements Core
{
    public function __construct(private readonly Connector $connector)
    {
    }

    public function call(array $request): mixed
    {
        return $this->connector->call($request);
    }

    public function backend(): array
    {
        return $this->connector->backend();
    }
}
