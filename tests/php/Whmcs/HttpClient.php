<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

/** A tiny browser for the emulator's client area: keeps the session cookie, never follows redirects. */
final class HttpClient
{
    /** @var array<string, string> */
    private array $cookies = [];

    public function __construct(private readonly string $baseUrl)
    {
    }

    /** @return array{status: int, headers: array<string, string>, body: string} */
    public function get(string $path): array
    {
        return $this->request('GET', $path, null);
    }

    /**
     * @param array<string, string> $form
     * @return array{status: int, headers: array<string, string>, body: string}
     */
    public function post(string $path, array $form): array
    {
        return $this->request('POST', $path, http_build_query($form));
    }

    /** @return array{status: int, headers: array<string, string>, body: string} */
    private function request(string $method, string $path, ?string $body): array
    {
        $headers = [];
        if ($this->cookies !== []) {
            $headers[] = 'Cookie: ' . implode('; ', array_map(
                static fn (string $k, string $v): string => "$k=$v",
                array_keys($this->cookies),
                $this->cookies
            ));
        }
        if ($body !== null) {
            $headers[] = 'Content-Type: application/x-www-form-urlencoded';
        }
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => implode("\r\n", $headers),
            'content' => $body ?? '',
            'follow_location' => 0,
            'ignore_errors' => true,
            'timeout' => 20,
        ]]);
        $content = file_get_contents($this->baseUrl . ltrim($path, '/'), false, $context);
        if ($content === false) {
            throw new \RuntimeException("$method $path failed");
        }
        /** @var list<string> $http_response_header */
        $status = (int) explode(' ', $http_response_header[0])[1];
        $responseHeaders = [];
        foreach (array_slice($http_response_header, 1) as $line) {
            [$name, $value] = array_map('trim', explode(':', $line, 2)) + [1 => ''];
            if (strcasecmp($name, 'Set-Cookie') === 0) {
                [$pair] = explode(';', $value, 2);
                [$cookieName, $cookieValue] = explode('=', $pair, 2);
                $this->cookies[$cookieName] = $cookieValue;
            }
            $responseHeaders[strtolower($name)] = $value;
        }
        return ['status' => $status, 'headers' => $responseHeaders, 'body' => $content];
    }
}
