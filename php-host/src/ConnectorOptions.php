<?php

declare(strict_types=1);

namespace MeshCentralConnector;

use Closure;

/**
 * How Connector::load() loads the core, by name instead of by position:
 * `Connector::load($wasm, new ConnectorOptions(cacheDir: $dir, backend: Backend::TRANSLATED))`. Every option is
 * optional; the defaults are what a WHMCS request wants.
 */
final class ConnectorOptions
{
    /** @var null|Closure(int, string): void */
    public readonly ?Closure $logger;
    /** @var null|Closure(): int */
    public readonly ?Closure $clock;
    /** @var null|Closure(string, string): void */
    public readonly ?Closure $transportHook;

    /**
     * @param string|null $libwasmer  path of libwasmer.so (null: env MESHCONNECTOR_LIBWASMER, or the preloaded scope)
     * @param string|null $cacheDir   compiled-artifact cache of the Wasmer backend (null: compile every time)
     * @param null|callable(int, string): void $logger receives (level 0..3, message) of the core and the host
     * @param null|callable(): int $clock ms since the epoch (default: the wall clock)
     * @param null|callable(string, string): void $transportHook see HostImports (tests inject transport faults)
     * @param string|null $backend    auto | wasmer | translated (Backend::*; null: env MESHCONNECTOR_BACKEND, else auto)
     */
    public function __construct(
        public readonly ?string $libwasmer = null,
        public readonly ?string $cacheDir = null,
        ?callable $logger = null,
        ?callable $clock = null,
        ?callable $transportHook = null,
        public readonly ?string $backend = null
    ) {
        $this->logger = $logger === null ? null : Closure::fromCallable($logger);
        $this->clock = $clock === null ? null : Closure::fromCallable($clock);
        $this->transportHook = $transportHook === null ? null : Closure::fromCallable($transportHook);
    }
}
