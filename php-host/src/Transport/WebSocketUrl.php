<?php

declare(strict_types=1);

namespace MeshCentralConnector\Transport;

/**
 * A ws:// or wss:// URL taken apart into what the socket and the handshake need (no socket here, so it is tested on
 * strings). parse_url keeps IPv6 brackets in the host, which is what both the socket address and the Host header need.
 */
final class WebSocketUrl
{
    private function __construct(
        public readonly bool $secure,
        public readonly string $host,
        public readonly int $port,
        /** the request target of the upgrade: path (at least `/`) and query */
        public readonly string $target
    ) {
    }

    /** @throws TransportException (kind `connect`) for a URL that is not ws:// or wss:// with a host */
    public static function parse(string $url): self
    {
        $parts = parse_url($url);
        if ($parts === false || !isset($parts['scheme'], $parts['host']) || $parts['host'] === '') {
            throw new TransportException(TransportException::CONNECT, "Invalid WebSocket URL \"$url\".");
        }
        $scheme = strtolower($parts['scheme']);
        if ($scheme !== 'ws' && $scheme !== 'wss') {
            throw new TransportException(
                TransportException::CONNECT,
                "Unsupported URL scheme \"$scheme\" in \"$url\": use ws:// or wss://."
            );
        }
        $secure = $scheme === 'wss';
        $target = ($parts['path'] ?? '') === '' ? '/' : $parts['path'];
        if (isset($parts['query']) && $parts['query'] !== '') {
            $target .= '?' . $parts['query'];
        }
        return new self($secure, $parts['host'], $parts['port'] ?? ($secure ? 443 : 80), $target);
    }

    /** `host:port`, as messages name the peer. */
    public function peer(): string
    {
        return $this->host . ':' . $this->port;
    }
}
