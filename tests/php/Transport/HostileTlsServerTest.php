<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Transport;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Transport\TlsSettings;
use MeshCentralConnector\Transport\WebSocketClient;
use PHPUnit\Framework\TestCase;

/**
 * Hostile servers over TLS on 127.0.0.1 (fixtures/hostile-server.php with a self-signed certificate trusted through
 * ca_file): floods of pings, pongs and empty continuation frames, a frame that stalls half-way, a frame trickled one
 * byte per 100 ms, a half-closed connection, an upgrade that never completes, a server that stops reading.
 *
 * Every operation must return within its deadline plus a margin, directly (connect, receive, close) and through the
 * whole stack (Connector::testConnection with timeout_ms 2000). The bounds are correctness bounds, not performance.
 */
final class HostileTlsServerTest extends TestCase
{
    use HostileServers;

    private const DEADLINE_MS = 2000;
    private const MARGIN_S = 1.0;
    /** WebSocketClient's own bound on close(). */
    private const CLOSE_MS = 200;

    private static ?Connector $connector = null;

    public static function tearDownAfterClass(): void
    {
        self::$connector = null;
        self::removeCertificate();
    }

    /**
     * @return array<string, array{0:string,1:?string,2:string,3:string}> scenario, the kind connect fails with (null:
     *         it succeeds), the kind the first receive fails with, the error kind testConnection reports (the core
     *         calls a server that breaks the protocol or hangs up before the login answer not MeshCentral)
     */
    public static function hostileServers(): array
    {
        return [
            'ping flood' => ['pingflood', null, 'protocol', 'not_meshcentral'],
            'pong flood' => ['pongflood', null, 'protocol', 'not_meshcentral'],
            'empty continuation flood' => ['emptyflood', null, 'protocol', 'not_meshcentral'],
            'ping every 25 ms' => ['pingslow', null, 'timeout', 'timeout'],
            'stalls mid-frame' => ['stallframe', null, 'timeout', 'timeout'],
            'frame trickled byte by byte' => ['trickleframe', null, 'timeout', 'timeout'],
            'half-closed' => ['halfclose', null, 'closed', 'not_meshcentral'],
            'upgrade never completes' => ['noupgrade', 'timeout', '', 'timeout'],
        ];
    }

    /**
     * @dataProvider hostileServers
     */
    public function testConnectReceiveAndCloseEndWithinTheirDeadlines(
        string $scenario,
        ?string $connectKind,
        string $receiveKind,
        string $coreKind,
    ): void {
        [$port] = $this->startServer($scenario, true);
        $start = microtime(true);
        if ($connectKind !== null) {
            $this->assertKind($connectKind, fn () => $this->connect($port));
            self::assertWithin(self::DEADLINE_MS, $start, 'connect');
            return;
        }
        $client = $this->connect($port);
        self::assertWithin(self::DEADLINE_MS, $start, 'connect');

        $start = microtime(true);
        $this->assertKind($receiveKind, static fn () => $client->receive(self::DEADLINE_MS));
        self::assertWithin(self::DEADLINE_MS, $start, 'receive');

        $start = microtime(true);
        $client->close();
        self::assertWithin(self::CLOSE_MS, $start, 'close');
        $this->assertKind('closed', static fn () => $client->receive(self::DEADLINE_MS));
    }

    /**
     * @dataProvider hostileServers
     */
    public function testCloseDuringHostileTrafficEndsWithinItsDeadline(string $scenario, ?string $connectKind): void
    {
        if ($connectKind !== null) {
            self::assertSame('noupgrade', $scenario); // nothing to close: covered by the connect test
            return;
        }
        [$port] = $this->startServer($scenario, true);
        $client = $this->connect($port);
        usleep(100000); // let the hostile traffic start
        $start = microtime(true);
        $client->close();
        self::assertWithin(self::CLOSE_MS, $start, 'close');
    }

    /**
     * @dataProvider hostileServers
     */
    public function testTestConnectionThroughTheWholeStackEndsWithinItsDeadline(
        string $scenario,
        ?string $connectKind,
        string $receiveKind,
        string $coreKind,
    ): void {
        [$port] = $this->startServer($scenario, true);
        [$cert] = self::certificate();
        $connector = self::connector();
        $start = microtime(true);
        try {
            $connector->testConnection([
                'url' => "https://127.0.0.1:$port",
                'username' => 'admin',
                'password' => 'not-used',
                'tls' => ['ca_file' => $cert],
                'timeout_ms' => self::DEADLINE_MS,
            ]);
            self::fail('test connection against a hostile server succeeded');
        } catch (ConnectorException $e) {
            self::assertSame($coreKind, $e->kind, $e->getMessage());
        }
        // One deadline for the connect, one for the login wait; against this local server the connect is immediate
        // unless the upgrade itself is what hangs, so the whole call is bounded by one deadline (+ close, + margin).
        self::assertWithin(self::DEADLINE_MS + self::CLOSE_MS, $start, 'testConnection');
    }

    /**
     * @return array<string, array{0:bool}>
     */
    public static function tlsOrNot(): array
    {
        return ['over TLS' => [true], 'plain TCP' => [false]];
    }

    /**
     * A server that stops reading: the client's send buffer fills and the write times out half-way through the frame.
     * The connection is then failed: later calls report it closed without writing another byte, which the server
     * checks by counting every byte it finally drains.
     *
     * @dataProvider tlsOrNot
     */
    public function testPartialWriteFailsTheConnectionAndNothingMoreIsSent(bool $tls): void
    {
        [$port, $log] = $this->startServer('noread', $tls);
        [$cert] = self::certificate();
        $url = ($tls ? 'wss' : 'ws') . "://127.0.0.1:$port/";
        $client = WebSocketClient::connect($url, [], new TlsSettings(true, $cert), self::DEADLINE_MS, 1 << 20, 500);

        $start = microtime(true);
        $e = $this->assertKind('timeout', static fn () => $client->send(str_repeat('w', 48 << 20)));
        self::assertWithin(500, $start, 'send');
        self::assertSame(1, preg_match('/\((\d+) of (\d+) bytes written\)/', $e->getMessage(), $m), $e->getMessage());
        [$written, $frame] = [(int) $m[1], (int) $m[2]];
        self::assertGreaterThan(0, $written);
        self::assertLessThan($frame, $written, 'the write was expected to stop half-way');

        $start = microtime(true);
        $again = $this->assertKind('closed', static fn () => $client->send('one more'));
        self::assertStringContainsString('a write did not complete', $again->getMessage());
        $this->assertKind('closed', static fn () => $client->receive(self::DEADLINE_MS));
        $client->close();
        self::assertLessThan(0.1, microtime(true) - $start, 'a failed connection must answer at once');

        $drained = self::waitForDrained($log);
        if ($tls) {
            // OpenSSL may hold back the record it was writing when we gave up: never more than was accepted.
            self::assertLessThanOrEqual($written, $drained);
        } else {
            self::assertSame($written, $drained);
        }
        self::assertLessThan($frame, $drained);
    }

    private function connect(int $port): WebSocketClient
    {
        [$cert] = self::certificate();

        return WebSocketClient::connect(
            "wss://127.0.0.1:$port/control.ashx",
            [],
            new TlsSettings(true, $cert),
            self::DEADLINE_MS,
            1 << 20,
        );
    }

    private static function connector(): Connector
    {
        if (self::$connector === null) {
            $wasm = dirname(__DIR__, 3) . '/build/meshcentral_connector.wasm';
            if (!is_file($wasm)) {
                self::fail('build/meshcentral_connector.wasm is missing: run scripts/build-wasm.sh (scripts/test.sh does)');
            }
            self::$connector = Connector::load($wasm, new ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache'));
        }

        return self::$connector;
    }

    private static function assertWithin(int $deadlineMs, float $start, string $what): void
    {
        $elapsed = microtime(true) - $start;
        self::assertLessThan(
            $deadlineMs / 1000 + self::MARGIN_S,
            $elapsed,
            sprintf('%s took %.2f s, over its %d ms deadline plus %.1f s', $what, $elapsed, $deadlineMs, self::MARGIN_S)
        );
    }

    private static function waitForDrained(string $log): int
    {
        $until = microtime(true) + 8;
        while (microtime(true) < $until) {
            if (preg_match('/^drained (\d+)$/m', (string) file_get_contents($log), $m) === 1) {
                return (int) $m[1];
            }
            usleep(100000);
        }
        self::fail('the server never reported what it drained');
    }
}
