<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Transport;

use MeshCentralConnector\Transport\Handshake;
use MeshCentralConnector\Transport\TransportException;
use PHPUnit\Framework\TestCase;

/**
 * Handshake on strings: the upgrade request and the incremental reading of the response.
 */
final class HandshakeTest extends TestCase
{
    private const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
    /** RFC 6455 1.3's example: the accept value for the key above. */
    private const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

    public function testRequestCarriesKeyHostAndExtraHeaders(): void
    {
        $request = (new Handshake(self::KEY, '127.0.0.1:443'))->request('/control.ashx?auth=x', [['Cookie', 'a=1']]);
        self::assertStringStartsWith("GET /control.ashx?auth=x HTTP/1.1\r\nHost: 127.0.0.1:443\r\n", $request);
        self::assertStringContainsString("Sec-WebSocket-Key: " . self::KEY . "\r\n", $request);
        self::assertStringEndsWith("Cookie: a=1\r\n\r\n", $request);
    }

    public function testHeaderInjectionIsRefused(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        (new Handshake(self::KEY, 'h:1'))->request('/', [['Cookie', "a=1\r\nX-Evil: 1"]]);
    }

    public function testResponseFedOneByteAtATimeCompletesOnItsLastByteAndKeepsEarlyFrames(): void
    {
        $response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            . 'Sec-WebSocket-Accept: ' . self::ACCEPT . "\r\n\r\n";
        $handshake = new Handshake(self::KEY, 'h:1');
        foreach (str_split($response) as $i => $byte) {
            $leftover = $handshake->feed($byte);
            if ($i < strlen($response) - 1) {
                self::assertNull($leftover, "complete after $i bytes");
            }
        }
        self::assertSame('', $leftover ?? null);

        $early = new Handshake(self::KEY, 'h:1');
        self::assertSame("\x81\x02hi", $early->feed($response . "\x81\x02hi"));
    }

    public function testEndlessHeaderIsRefusedAtTheCap(): void
    {
        $handshake = new Handshake(self::KEY, 'h:1');
        self::assertNull($handshake->feed("HTTP/1.1 101 Switching Protocols\r\nX-Slow: "));
        $this->expectException(TransportException::class);
        $this->expectExceptionMessage('oversized');
        for ($i = 0; $i < 100; $i++) {
            $handshake->feed(str_repeat('a', 1000));
        }
    }

    public function testWrongAcceptIsAHandshakeError(): void
    {
        try {
            (new Handshake(self::KEY, 'h:1'))->feed("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
                . "Sec-WebSocket-Accept: AAAA\r\n\r\n");
            self::fail('accepted a wrong Sec-WebSocket-Accept');
        } catch (TransportException $e) {
            self::assertSame('handshake', $e->kind);
            self::assertStringContainsString('Sec-WebSocket-Accept', $e->getMessage());
        }
    }
}
