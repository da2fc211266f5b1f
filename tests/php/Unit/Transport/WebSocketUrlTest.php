<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Unit\Transport;

use MeshCentralConnector\Transport\TransportException;
use MeshCentralConnector\Transport\WebSocketUrl;
use PHPUnit\Framework\TestCase;

final class WebSocketUrlTest extends TestCase
{
    /** @return iterable<string, array{string, bool, string, int, string}> */
    public static function urls(): iterable
    {
        yield 'wss default port' => ['wss://mc.example.test/control.ashx', true, 'mc.example.test', 443, '/control.ashx'];
        yield 'ws default port' => ['ws://127.0.0.1/', false, '127.0.0.1', 80, '/'];
        yield 'no path' => ['WSS://127.0.0.1:4430', true, '127.0.0.1', 4430, '/'];
        yield 'query kept' => ['wss://127.0.0.1:4430/dom/control.ashx?auth=a%2Bb&x=1', true, '127.0.0.1', 4430, '/dom/control.ashx?auth=a%2Bb&x=1'];
        yield 'IPv6 brackets kept' => ['wss://[::1]:4430/control.ashx', true, '[::1]', 4430, '/control.ashx'];
    }

    /** @dataProvider urls */
    public function testAUrlIsTakenApart(string $url, bool $secure, string $host, int $port, string $target): void
    {
        $parsed = WebSocketUrl::parse($url);
        self::assertSame([$secure, $host, $port, $target], [$parsed->secure, $parsed->host, $parsed->port, $parsed->target]);
        self::assertSame($host . ':' . $port, $parsed->peer());
    }

    /** @return iterable<string, array{string, string}> */
    public static function refused(): iterable
    {
        yield 'no scheme' => ['127.0.0.1:4430/control.ashx', 'Invalid WebSocket URL'];
        yield 'no host' => ['wss:///control.ashx', 'Invalid WebSocket URL'];
        yield 'https' => ['https://127.0.0.1/control.ashx', 'Unsupported URL scheme "https"'];
    }

    /** @dataProvider refused */
    public function testAnythingElseIsAConnectError(string $url, string $message): void
    {
        try {
            WebSocketUrl::parse($url);
            self::fail('accepted ' . $url);
        } catch (TransportException $e) {
            self::assertSame(TransportException::CONNECT, $e->kind);
            self::assertStringContainsString($message, $e->getMessage());
        }
    }
}
