<?php

declare(strict_types=1);

namespace MeshCentralConnector\Transport;

/**
 * The HTTP upgrade of RFC 6455 4.1 without a socket: the request to send, and the response read incrementally.
 *
 * feed() only scans the bytes it has not scanned yet, and the response header is capped, so a server that trickles
 * its answer costs linear work and stays bounded; the deadline is the caller's (WebSocketClient).
 */
final class Handshake
{
    public const MAX_RESPONSE_HEADER_BYTES = 16384;
    private const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

    private string $response = '';
    private bool $done = false;

    /**
     * @param string $key  the Sec-WebSocket-Key sent (16 random bytes, base64)
     * @param string $peer host:port, for messages
     */
    public function __construct(public readonly string $key, private readonly string $peer)
    {
    }

    public static function newKey(): string
    {
        return base64_encode(random_bytes(16));
    }

    /**
     * @param list<array{0:string,1:string}> $headers extra request headers
     */
    public function request(string $target, array $headers): string
    {
        $lines = [
            "GET $target HTTP/1.1",
            "Host: {$this->peer}",
            'Upgrade: websocket',
            'Connection: Upgrade',
            "Sec-WebSocket-Key: {$this->key}",
            'Sec-WebSocket-Version: 13',
        ];
        foreach ($headers as $header) {
            [$name, $value] = $header;
            // Reject CR/LF so a caller-supplied value (e.g. a cookie) can never inject headers.
            $validName = preg_match('/\A[!#$%&\'*+.^_`|~0-9A-Za-z-]+\z/', $name) === 1;
            if (!$validName || preg_match('/[\r\n\0]/', $value) === 1) {
                throw new \InvalidArgumentException("Invalid WebSocket request header \"$name\".");
            }
            $lines[] = "$name: $value";
        }

        return implode("\r\n", $lines) . "\r\n\r\n";
    }

    /**
     * Adds response bytes; returns the bytes that followed the header (early WebSocket frames) once the header is
     * complete and valid, null while more are needed.
     *
     * @throws TransportException of kind handshake
     */
    public function feed(string $bytes): ?string
    {
        if ($this->done) {
            throw new \LogicException('The handshake response is already complete.');
        }
        // Scan from 3 bytes before the new ones: the terminator may straddle two reads.
        $from = max(0, strlen($this->response) - 3);
        $this->response .= $bytes;
        $end = strpos($this->response, "\r\n\r\n", $from);
        if ($end === false || $end > self::MAX_RESPONSE_HEADER_BYTES) {
            if (strlen($this->response) > self::MAX_RESPONSE_HEADER_BYTES + 3) {
                throw new TransportException(
                    TransportException::HANDSHAKE,
                    "The server at {$this->peer} sent an oversized HTTP response header; "
                    . 'it is not a MeshCentral WebSocket endpoint.'
                );
            }
            return null;
        }
        $this->done = true;
        $this->validate(substr($this->response, 0, $end));

        return substr($this->response, $end + 4);
    }

    private function validate(string $head): void
    {
        $peer = $this->peer;
        $lines = explode("\r\n", $head);
        $status = array_shift($lines);
        if (preg_match('#\AHTTP/1\.[01] (\d{3})(?: (.*))?\z#', $status, $m) !== 1) {
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer did not answer with HTTP; it is not a WebSocket server."
            );
        }
        if ($m[1] !== '101') {
            $reason = StreamSocket::cleanReason($m[2] ?? '');
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer refused the WebSocket upgrade with HTTP {$m[1]}"
                . ($reason !== '' ? " $reason" : '') . '; check the URL and path.'
            );
        }

        $fields = [];
        foreach ($lines as $line) {
            $colon = strpos($line, ':');
            if ($colon === false) {
                throw new TransportException(
                    TransportException::HANDSHAKE,
                    "The server at $peer sent a malformed HTTP header in the WebSocket handshake."
                );
            }
            $fields[strtolower(trim(substr($line, 0, $colon)))] = trim(substr($line, $colon + 1));
        }
        $upgradeOk = strtolower($fields['upgrade'] ?? '') === 'websocket';
        $connectionTokens = array_map('trim', explode(',', strtolower($fields['connection'] ?? '')));
        if (!$upgradeOk || !in_array('upgrade', $connectionTokens, true)) {
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer answered 101 without a proper WebSocket upgrade."
            );
        }
        $expected = base64_encode(sha1($this->key . self::GUID, true));
        if (!hash_equals($expected, $fields['sec-websocket-accept'] ?? '')) {
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer sent an invalid Sec-WebSocket-Accept value; it is not a valid WebSocket server."
            );
        }
        if (isset($fields['sec-websocket-extensions']) && $fields['sec-websocket-extensions'] !== '') {
            // We never offered extensions; accepting one would change frame semantics.
            throw new TransportException(
                TransportException::HANDSHAKE,
                "The server at $peer enabled a WebSocket extension that was not requested."
            );
        }
    }
}
