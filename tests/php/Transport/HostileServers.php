<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Transport;

use MeshCentralConnector\Transport\TransportException;

/**
 * Test harness shared by the transport tests: starts tests/php/Transport/fixtures/hostile-server.php (one scenario,
 * optionally over TLS with a self-signed certificate for 127.0.0.1 made by the openssl CLI in a temp dir), stops it
 * after each test, and checks the kind of a TransportException.
 */
trait HostileServers
{
    private static ?string $certDir = null;

    /** @var list<array{0:resource,1:array<int,resource>,2:string}> */
    private array $servers = [];

    protected function tearDown(): void
    {
        foreach ($this->servers as [$proc, $pipes, $log]) {
            foreach ($pipes as $pipe) {
                @fclose($pipe);
            }
            @proc_terminate($proc);
            proc_close($proc);
            @unlink($log);
        }
        $this->servers = [];
    }

    public static function tearDownAfterClass(): void
    {
        self::removeCertificate();
    }

    protected static function removeCertificate(): void
    {
        if (self::$certDir !== null) {
            array_map('unlink', glob(self::$certDir . '/*') ?: []);
            @rmdir(self::$certDir);
            self::$certDir = null;
        }
    }

    protected function assertKind(string $kind, callable $fn): TransportException
    {
        $errors = [];
        set_error_handler(static function (int $no, string $msg) use (&$errors): bool {
            if ((error_reporting() & $no) === 0) {
                return false; // silenced with @ on purpose
            }
            $errors[] = $msg;
            return true;
        });
        try {
            $fn();
        } catch (TransportException $e) {
            self::assertSame($kind, $e->kind, 'Unexpected kind, message: ' . $e->getMessage());
            self::assertNotSame('', $e->getMessage());
            return $e;
        } finally {
            restore_error_handler();
            self::assertSame([], $errors, 'PHP warnings leaked: ' . implode(' | ', $errors));
        }
        self::fail("Expected TransportException of kind '$kind'");
    }

    /**
     * @return array{0:int,1:string} port, path of the file receiving the server's stderr (request log)
     */
    protected function startServer(string $scenario, bool $tls = false): array
    {
        $log = (string) tempnam(sys_get_temp_dir(), 'wslog');
        $cmd = [PHP_BINARY, __DIR__ . '/fixtures/hostile-server.php', $scenario];
        if ($tls) {
            [$cert, , $key] = self::certificate();
            $cmd[] = $cert;
            $cmd[] = $key;
        }
        $proc = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $log, 'w']], $pipes);
        self::assertIsResource($proc);
        $this->servers[] = [$proc, $pipes, $log];

        $read = [$pipes[1]];
        $write = $except = null;
        self::assertSame(1, stream_select($read, $write, $except, 5), 'hostile server did not start');
        $line = trim((string) fgets($pipes[1]));
        self::assertMatchesRegularExpression('/\A\d+\z/', $line, 'hostile server did not print its port');

        return [(int) $line, $log];
    }

    /**
     * Self-signed certificate for IP 127.0.0.1, generated once with the openssl CLI.
     *
     * @return array{0:string,1:string,2:string} cert path, SHA-384 of DER (hex), key path
     */
    protected static function certificate(): array
    {
        if (self::$certDir === null) {
            $dir = sys_get_temp_dir() . '/wstls-' . bin2hex(random_bytes(6));
            mkdir($dir, 0700);
            self::$certDir = $dir;
            $cmd = ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
                '-keyout', "$dir/key.pem", '-out', "$dir/cert.pem", '-days', '1', '-subj', '/CN=127.0.0.1',
                '-addext', 'subjectAltName=IP:127.0.0.1'];
            self::runQuiet($cmd);
            self::runQuiet(['openssl', 'x509', '-in', "$dir/cert.pem", '-outform', 'DER', '-out', "$dir/cert.der"]);
        }
        $dir = self::$certDir;
        self::assertFileExists("$dir/cert.der", 'openssl CLI failed to create the test certificate');

        return ["$dir/cert.pem", hash_file('sha384', "$dir/cert.der"), "$dir/key.pem"];
    }

    /**
     * @param list<string> $cmd
     */
    private static function runQuiet(array $cmd): void
    {
        $null = [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']];
        $proc = proc_open($cmd, $null, $pipes);
        self::assertIsResource($proc);
        self::assertSame(0, proc_close($proc), 'command failed: ' . implode(' ', $cmd));
    }
}
