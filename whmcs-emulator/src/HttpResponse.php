<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/** What a client-area request answers; the router sends it, in-process callers inspect it. */
final class HttpResponse
{
    /** @param array<string, string> $headers */
    public function __construct(
        public readonly int $status,
        public readonly string $body,
        public readonly array $headers = ['Content-Type' => 'text/html; charset=utf-8'],
    ) {
    }

    public static function redirect(string $location): self
    {
        return new self(302, '', ['Location' => $location]);
    }

    public static function text(int $status, string $text): self
    {
        return new self($status, $text, ['Content-Type' => 'text/plain; charset=utf-8']);
    }
}
