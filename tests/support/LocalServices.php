<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use RuntimeException;

/**
 * Loopback endpoints that are not MeshCentral, for failure tests: a port nothing listens on (a server that is down)
 * and a plain web server (something answers, but not MeshCentral's control channel).
 */
final class LocalServices
{
    /** A 127.0.0.1 port that was free a moment ago and that nothing listens on. */
    public static function closedPort(): int
    {
        $s = stream_socket_server('tcp://127.0.0.1:0');
        if ($s === false) {
            throw new RuntimeException('cannot bind a probe socket on 127.0.0.1');
        }
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($s, false), ':'), 1);
        fclose($s);
        return $port;
    }

    /**
     * Runs `$test(int $port)` while PHP's built-in web server answers "hello" on a 127.0.0.1 port, and stops it after.
     *
     * @template T
     * @param callable(int): T $test
     * @return T
     */
    public static function withPlainWebServer(callable $test): mixed
    {
        $port = self::closedPort();
        $docroot = sys_get_temp_dir() . '/not-meshcentral-' . getmypid();
        @mkdir($docroot);
        file_put_contents($docroot . '/index.php', '<?php echo "hello";');
        $proc = proc_open([PHP_BINARY, '-S', "127.0.0.1:$port", '-t', $docroot], [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        try {
            $deadline = microtime(true) + 5;
            while (@fsockopen('127.0.0.1', $port) === false && microtime(true) < $deadline) {
                usleep(50_000);
            }
            return $test($port);
        } finally {
            proc_terminate($proc);
            proc_close($proc);
        }
    }
}
