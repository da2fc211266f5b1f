<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Transport;

use MeshCentralConnector\Transport\TlsSettings;
use MeshCentralConnector\Transport\WebSocketClient;
use PHPUnit\Framework\TestCase;

/**
 * Drives the client against tests/php/Transport/fixtures/hostile-server.php,
 * a real local server, so framing, timeouts and TLS are exercised end to end.
 */
final class WebSocketClientTest extends TestCase
{
    use HostileServers;

    private const MAX = 1024 * 1024;

    public function testEchoRoundTripKeepsPathQueryAndHeaders(): void
    {
        [$port, $log] = $this->startServer('echo');
        $client = WebSocketClient::connect(
            "ws://127.0.0.1:$port/control.ashx?auth=abc",
            [['Cookie', 'x=1'], ['X-Test', 'yes']],
            new TlsSettings(),
            2000,
            self::MAX,
        );
        $client->send('{"action":"ping"}');
        self::assertSame('{"action":"ping"}', $client->receive(2000));

        $big = str_repeat('é', 40000); // 80 KB: exercises the 64-bit length form both ways
        $client->send($big);
        self::assertSame($big, $client->receive(2000));

        $client->close();
        $client->close(); // idempotent

        $request = (string) file_get_contents($log);
        self::assertStringContainsString("GET /control.ashx?auth=abc HTTP/1.1\r\n", $request);
        self::assertStringContainsString("Host: 127.0.0.1:$port\r\n", $request);
        self::assertStringContainsString("Cookie: x=1\r\n", $request);
        self::assertStringContainsString("X-Test: yes\r\n", $request);
        self::assertMatchesRegularExpression('/Sec-WebSocket-Key: [A-Za-z0-9+\/]{22}==\r\n/', $request);

        $this->assertKind('closed', static fn () => $client->receive(100));
    }

    public function testReceiveTimeoutIsBoundedAndConnectionStaysUsable(): void
    {
        [$port] = $this->startServer('echo');
        $client = WebSocketClient::connect("ws://127.0.0.1:$port/", [], new TlsSettings(), 2000, self::MAX);
        $start = microtime(true);
        $this->assertKind('timeout', static fn () => $client->receive(300));
        $elapsed = microtime(true) - $start;
        self::assertGreaterThanOrEqual(0.25, $elapsed);
        self::assertLessThan(1.0, $elapsed);

        $client->send('still alive');
        self::assertSame('still alive', $client->receive(2000));
        $client->close();
    }

    public function testFragmentedMessageWithInterleavedPingIsReassembledAndPonged(): void
    {
        [$port] = $this->startServer('fragmented');
        $client = WebSocketClient::connect("ws://127.0.0.1:$port/", [], new TlsSettings(), 2000, self::MAX);
        self::assertSame('Hello, world', $client->receive(2000));
        // The server reports the frame it got in answer to its ping: a masked pong (0xA) with the ping payload.
        self::assertSame('client answered: op=10 masked=1 payload=p1', $client->receive(2000));
        $client->close();
    }

    public function testOversizedFrameHeaderIsRefusedBeforePayload(): void
    {
        [$port] = $this->startServer('oversized');
        $client = WebSocketClient::connect("ws://127.0.0.1:$port/", [], new TlsSettings(), 2000, self::MAX);
        $start = microtime(true);
        $e = $this->assertKind('too_large', static fn () => $client->receive(5000));
        self::assertLessThan(1.0, microtime(true) - $start, 'must not wait for the 10 MB payload');
        self::assertStringContainsString('1048576', $e->getMessage());
        $this->assertKind('closed', static fn () => $client->receive(100));
    }

    /**
     * @return array<string, array{0:string,1:string}>
     */
    public static function protocolViolations(): array
    {
        return [
            'masked server frame' => ['masked', 'masked'],
            '64-bit length with high bit' => ['hugelength', 'most significant bit'],
            'binary message' => ['binary', 'binary'],
            'invalid UTF-8' => ['badutf8', 'UTF-8'],
            'reserved bits' => ['rsv', 'reserved bits'],
            'control frame too long' => ['bigping', 'control frame'],
        ];
    }

    /**
     * @dataProvider protocolViolations
     */
    public function testProtocolViolationsAreRejected(string $scenario, string $expectedText): void
    {
        [$port] = $this->startServer($scenario);
        $client = WebSocketClient::connect("ws://127.0.0.1:$port/", [], new TlsSettings(), 2000, self::MAX);
        $e = $this->assertKind('protocol', static fn () => $client->receive(2000));
        self::assertStringContainsString($expectedText, $e->getMessage());
    }

    public function testBadAcceptIsHandshakeError(): void
    {
        [$port] = $this->startServer('badaccept');
        $e = $this->assertKind('handshake', fn () => $this->connectWs($port));
        self::assertStringContainsString('Sec-WebSocket-Accept', $e->getMessage());
    }

    public function testHttp200IsHandshakeError(): void
    {
        [$port] = $this->startServer('http200');
        $e = $this->assertKind('handshake', fn () => $this->connectWs($port));
        self::assertStringContainsString('HTTP 200', $e->getMessage());
    }

    public function testOversizedResponseHeaderIsHandshakeError(): void
    {
        [$port] = $this->startServer('bigheader');
        $e = $this->assertKind('handshake', fn () => $this->connectWs($port));
        self::assertStringContainsString('oversized', $e->getMessage());
    }

    public function testSilentServerTimesOutWithinLimit(): void
    {
        [$port] = $this->startServer('silent');
        $start = microtime(true);
        $this->assertKind('timeout', fn () => $this->connectWs($port, 500));
        $elapsed = microtime(true) - $start;
        self::assertGreaterThanOrEqual(0.45, $elapsed);
        self::assertLessThan(1.2, $elapsed);
    }

    public function testTricklingServerHitsTheHandshakeDeadline(): void
    {
        [$port] = $this->startServer('trickle');
        $start = microtime(true);
        $this->assertKind('timeout', fn () => $this->connectWs($port, 500));
        self::assertLessThan(1.0, microtime(true) - $start);
    }

    public function testCloseFrameReportsCodeAndReason(): void
    {
        [$port] = $this->startServer('close1008');
        $client = $this->connectWs($port);
        $e = $this->assertKind('closed', static fn () => $client->receive(2000));
        self::assertStringContainsString('1008', $e->getMessage());
        self::assertStringContainsString('bye', $e->getMessage());
        $client->close(); // must be a harmless no-op now
    }

    public function testEofWithoutCloseFrameIsClosed(): void
    {
        [$port] = $this->startServer('eof');
        $client = $this->connectWs($port);
        $this->assertKind('closed', static fn () => $client->receive(2000));
    }

    public function testMeshCentralCloseNoticeIsReturnedAsText(): void
    {
        [$port] = $this->startServer('noauth');
        $client = $this->connectWs($port);
        $message = $client->receive(2000);
        self::assertSame('noauth', json_decode($message, true)['cause']);
        $start = microtime(true);
        $client->close(); // server never answers the close: bounded by ~200 ms
        self::assertLessThan(0.6, microtime(true) - $start);
    }

    public function testConnectionRefusedIsConnectError(): void
    {
        // Bind then release a port so that nothing listens on it.
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        self::assertIsResource($probe);
        $name = (string) stream_socket_get_name($probe, false);
        fclose($probe);
        $port = (int) substr($name, strrpos($name, ':') + 1);

        $e = $this->assertKind('connect', fn () => $this->connectWs($port));
        self::assertStringContainsString("127.0.0.1:$port", $e->getMessage());
    }

    public function testInvalidUrlSchemeIsRejected(): void
    {
        $this->assertKind(
            'connect',
            static fn () => WebSocketClient::connect('http://127.0.0.1/', [], new TlsSettings(), 500, self::MAX)
        );
    }

    public function testTlsWithCaFileVerifiesIpSanCertificate(): void
    {
        [$cert] = self::certificate();
        [$port] = $this->startServer('echo', true);
        $client = $this->connectWss($port, new TlsSettings(true, $cert), 2000, '/control.ashx');
        $client->send('over tls');
        self::assertSame('over tls', $client->receive(2000));
        $client->close();
    }

    public function testTlsDefaultVerificationRejectsSelfSignedCertificate(): void
    {
        self::certificate();
        [$port] = $this->startServer('echo', true);
        $e = $this->assertKind('tls', fn () => $this->connectWss($port, new TlsSettings()));
        self::assertStringContainsString("127.0.0.1:$port", $e->getMessage());
    }

    public function testTlsCorrectPinIsAccepted(): void
    {
        [, $pin] = self::certificate();
        // Uppercase with colons, the way admins copy fingerprints.
        $formatted = implode(':', str_split(strtoupper($pin), 2));
        [$port] = $this->startServer('echo', true);
        $client = $this->connectWss($port, new TlsSettings(true, null, $formatted));
        $client->send('pinned');
        self::assertSame('pinned', $client->receive(2000));
        $client->close();
    }

    public function testTlsWrongPinIsRejected(): void
    {
        [, $pin] = self::certificate();
        $wrong = str_repeat('ab', 48);
        self::assertNotSame($pin, $wrong);
        [$port] = $this->startServer('echo', true);
        $e = $this->assertKind('tls', fn () => $this->connectWss($port, new TlsSettings(true, null, $wrong)));
        self::assertStringContainsString(
            "TLS certificate of 127.0.0.1:$port does not match the pinned SHA-384 hash",
            $e->getMessage()
        );
    }

    public function testTlsSilentServerTimesOut(): void
    {
        [$port] = $this->startServer('silent');
        $start = microtime(true);
        $this->assertKind('timeout', fn () => $this->connectWss($port, new TlsSettings(false), 400));
        self::assertLessThan(1.0, microtime(true) - $start);
    }

    private function connectWs(int $port, int $timeoutMs = 2000): WebSocketClient
    {
        return WebSocketClient::connect("ws://127.0.0.1:$port/", [], new TlsSettings(), $timeoutMs, self::MAX);
    }

    private function connectWss(int $port, TlsSettings $tls, int $timeoutMs = 2000, string $path = '/'): WebSocketClient
    {
        return WebSocketClient::connect("wss://127.0.0.1:$port$path", [], $tls, $timeoutMs, self::MAX);
    }
}
