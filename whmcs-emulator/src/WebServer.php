<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * PHP's built-in web server serving an installation's client area on a free 127.0.0.1 port; stopped by stop() or
 * when the object goes away. It also sets the installation's SystemURL to its base URL.
 */
final class WebServer
{
    /** @var resource|null */
    private $process;
    private readonly string $baseUrl;

    /**
     * @param array<string, string> $env extra environment for the server (e.g. MESHCONNECTOR_LIBWASMER)
     * @param list<string> $phpOptions extra php -d options, e.g. ['ffi.enable=1']
     */
    private function __construct(private readonly string $root, array $env, array $phpOptions, float $timeout)
    {
        $port = self::freePort();
        $this->baseUrl = "http://127.0.0.1:$port/";
        $cmd = [PHP_BINARY];
        foreach ($phpOptions as $option) {
            $cmd[] = '-d';
            $cmd[] = $option;
        }
        array_push($cmd, '-S', "127.0.0.1:$port", dirname(__DIR__) . '/public/router.php');
        $log = $root . '/logs/webserver.log';
        $this->process = proc_open(
            $cmd,
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']],
            $pipes,
            $root,
            ['WHMCS_EMULATOR_ROOT' => $root] + $env + getenv()
        ) ?: null;
        if ($this->process === null) {
            throw new \RuntimeException('cannot start php -S');
        }
        $deadline = microtime(true) + $timeout;
        while (true) {
            $socket = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 0.2);
            if ($socket !== false) {
                fclose($socket);
                break;
            }
            if (!proc_get_status($this->process)['running'] || microtime(true) > $deadline) {
                $this->stop();
                throw new \RuntimeException("php -S did not start on port $port: " . (string) @file_get_contents($log));
            }
            usleep(50_000);
        }
    }

    /**
     * @param array<string, string> $env
     * @param list<string> $phpOptions
     */
    public static function start(Whmcs|string $root, array $env = [], array $phpOptions = [], float $timeout = 10.0): self
    {
        $whmcs = $root instanceof Whmcs ? $root : Whmcs::open($root);
        $server = new self($whmcs->root(), $env, $phpOptions, $timeout);
        $whmcs->setSetting('SystemURL', $server->baseUrl);
        return $server;
    }

    /** e.g. "http://127.0.0.1:41234/" */
    public function baseUrl(): string
    {
        return $this->baseUrl;
    }

    public function root(): string
    {
        return $this->root;
    }

    public function stop(): void
    {
        if ($this->process === null) {
            return;
        }
        proc_terminate($this->process, 15); // SIGTERM, without needing ext-pcntl
        $deadline = microtime(true) + 5;
        while (proc_get_status($this->process)['running'] && microtime(true) < $deadline) {
            usleep(20_000);
        }
        if (proc_get_status($this->process)['running']) {
            proc_terminate($this->process, 9); // SIGKILL
        }
        proc_close($this->process);
        $this->process = null;
    }

    public function __destruct()
    {
        $this->stop();
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        if ($socket === false) {
            throw new \RuntimeException("no free port: $errstr");
        }
        $name = (string) stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, (int) strrpos($name, ':') + 1);
    }
}
