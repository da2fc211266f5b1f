<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Runtime;

/**
 * The runtime under php-cgi with the default ffi.enable=preload: FFI is only usable through php-host/preload.php.
 */
final class PreloadCgiTest extends RuntimeTestCase
{
    /**
     * @param array<string, string> $extraEnv
     *
     * @return array<string, mixed>
     */
    private function runCgi(array $extraEnv = [], ?string $asUser = null): array
    {
        self::lib(); // skips when the library is absent
        $root = dirname(__DIR__, 3);
        $script = __DIR__ . '/fixtures/cgi-smoke.php';
        $user = $asUser ?? (function_exists('posix_getpwuid') ? (posix_getpwuid(posix_geteuid())['name'] ?? 'root') : 'root');
        $cmd = [
            'php-cgi',
            '-d', 'ffi.enable=preload',
            '-d', 'opcache.enable=1',
            '-d', 'opcache.preload=' . $root . '/php-host/preload.php',
            '-d', 'opcache.preload_user=' . $user,
        ];
        if ($asUser !== null) {
            $cmd = array_merge(['runuser', '-u', $asUser, '--'], $cmd);
        }
        $env = [
            'PATH' => (string) getenv('PATH'),
            'REDIRECT_STATUS' => '200',
            'GATEWAY_INTERFACE' => 'CGI/1.1',
            'REQUEST_METHOD' => 'GET',
            'SCRIPT_FILENAME' => $script,
            'SCRIPT_NAME' => '/cgi-smoke.php',
            'REQUEST_URI' => '/cgi-smoke.php',
            'SERVER_PROTOCOL' => 'HTTP/1.1',
            'MESHCONNECTOR_LIBWASMER' => self::libPath(),
        ] + $extraEnv;
        $proc = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $root, $env);
        self::assertIsResource($proc);
        fclose($pipes[0]);
        $stdout = (string) stream_get_contents($pipes[1]);
        $stderr = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($proc);
        self::assertSame(0, $status, "php-cgi failed:\n" . $stdout . $stderr);
        $parts = preg_split("/\r?\n\r?\n/", $stdout, 2);
        self::assertCount(2, $parts, 'no CGI header/body separator in: ' . $stdout . $stderr);
        $body = json_decode($parts[1], true);
        self::assertIsArray($body, 'not JSON: ' . $stdout . $stderr);
        return $body;
    }

    public function testRuntimeWorksUnderPhpCgiWithFfiPreload(): void
    {
        $out = $this->runCgi();
        self::assertArrayNotHasKey('error', $out, (string) ($out['error'] ?? ''));
        self::assertSame('cgi-fcgi', $out['sapi']);
        self::assertSame('preload', $out['ffi_enable']);
        self::assertTrue($out['cdef_restricted'], 'FFI::cdef should be refused outside preloaded code');
        self::assertTrue($out['from_scope']);
        self::assertSame('compile', $out['load_kind']);
        self::assertSame(42, $out['add']);
        self::assertSame(42, $out['clock']);
        self::assertSame('cgi', $out['memory']);
        self::assertStringContainsString('DomainException: cgi failure 9', $out['trap']);
        self::assertSame('DomainException', $out['trap_previous']);
    }
}
