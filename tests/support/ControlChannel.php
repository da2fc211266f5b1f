<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use MeshCentralConnector\Transport\TlsSettings;
use MeshCentralConnector\Transport\WebSocketClient;
use RuntimeException;

/**
 * A minimal control-channel client written in PHP for tests, independent of the Rust core: it lets a test look at the
 * server through a customer's eyes (logged in with a login-token cookie) and send raw requests the connector never
 * sends (e.g. a customer trying to create a group).
 */
final class ControlChannel
{
    /** @var array<string, mixed> */
    public array $userinfo = [];
    /** @var array<string, mixed> */
    public array $serverinfo = [];

    private function __construct(private WebSocketClient $ws)
    {
    }

    /**
     * Logs in with an `?auth=` cookie. Returns the channel, or the `close` message MeshCentral sent instead.
     *
     * @return self|array<string, mixed>
     */
    public static function withCookie(MeshCentralServer $server, string $cookie): self|array
    {
        $url = 'wss://127.0.0.1:' . $server->port() . '/control.ashx?auth=' . rawurlencode($cookie);
        $ws = WebSocketClient::connect($url, [], new TlsSettings(true, $server->caFile(), null), 5000, 16 << 20);
        $channel = new self($ws);
        $deadline = microtime(true) + 10;
        while ($channel->userinfo === [] || $channel->serverinfo === []) {
            $msg = $channel->next($deadline);
            if (($msg['action'] ?? '') === 'close') {
                $ws->close();
                return $msg;
            }
            if (($msg['action'] ?? '') === 'userinfo') {
                $channel->userinfo = (array) $msg['userinfo'];
            }
            if (($msg['action'] ?? '') === 'serverinfo') {
                $channel->serverinfo = (array) $msg['serverinfo'];
            }
        }
        return $channel;
    }

    /**
     * Sends a request and returns the first message with action `$replyAction`, or null if none came in time
     * (MeshCentral answers some refused requests with silence).
     *
     * @param array<string, mixed> $request
     * @return array<string, mixed>|null
     */
    public function request(array $request, string $replyAction, float $timeoutSeconds = 3.0): ?array
    {
        $this->ws->send(json_encode($request, JSON_THROW_ON_ERROR));
        $deadline = microtime(true) + $timeoutSeconds;
        while (microtime(true) < $deadline) {
            try {
                $msg = $this->next($deadline);
            } catch (\MeshCentralConnector\Transport\TransportException $e) {
                if ($e->kind === 'timeout') {
                    return null;
                }
                throw $e;
            }
            if (($msg['action'] ?? '') === $replyAction) {
                return $msg;
            }
        }
        return null;
    }

    public function close(): void
    {
        $this->ws->close();
    }

    /** @return array<string, mixed> */
    private function next(float $deadline): array
    {
        $left = (int) max(1, ($deadline - microtime(true)) * 1000);
        $msg = json_decode($this->ws->receive($left), true);
        if (!is_array($msg)) {
            throw new RuntimeException('MeshCentral sent something that is not a JSON object');
        }
        return $msg;
    }
}
