<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use PHPUnit\Framework\TestCase;

/**
 * Starts a real MeshCentral on 127.0.0.1 and checks the helper used by the other integration tests.
 */
final class MeshCentralServerTest extends TestCase
{
    public function testStartsServesAndStopsCleanly(): void
    {
        $server = MeshCentralServer::start([
            'extraUsers' => [['customer-one', 'Customer!Pass1x', false]],
        ]);
        $dataDir = $server->dataDir();
        $port = $server->port();

        try {
            self::assertSame('wss://127.0.0.1:' . $port, $server->url());
            self::assertSame('https://127.0.0.1:' . $port, $server->httpsUrl());
            self::assertFileExists($server->caFile());
            self::assertMatchesRegularExpression('/^[0-9a-f]{160}$/', $server->loginTokenKey());
            self::assertNotEmpty(MeshCentralServer::processesOfDataDir($dataDir));

            // HTTPS answers, and the certificate chains to DATA/root-cert-public.crt with peer verification on.
            $context = stream_context_create([
                'ssl' => [
                    'cafile' => $server->caFile(),
                    'verify_peer' => true,
                    'verify_peer_name' => true,
                    'peer_name' => '127.0.0.1',
                ],
                'http' => ['timeout' => 10, 'ignore_errors' => true],
            ]);
            $body = file_get_contents($server->httpsUrl() . '/', false, $context);
            self::assertIsString($body);
            self::assertMatchesRegularExpression('#^HTTP/1\.[01] 200#', $http_response_header[0] ?? '');
            self::assertStringContainsStringIgnoringCase('<html', $body);

            // The official CLI logs in as the admin and sees this server.
            $info = json_decode($server->meshctrl(['serverinfo', '--json']), true);
            self::assertIsArray($info, 'meshctrl serverinfo did not answer JSON');
            self::assertSame('127.0.0.1', $info['name']);
            self::assertSame($port, $info['port']);
            self::assertTrue($info['manageAllDeviceGroups'] ?? false);
            self::assertSame($server->webCertSha384(), strtolower($info['tlshash']));

            $users = json_decode($server->meshctrl(['listusers', '--json']), true);
            self::assertIsArray($users, 'meshctrl listusers did not answer JSON');
            $byId = array_column($users, null, '_id');
            self::assertArrayHasKey('user//' . $server->adminUser(), $byId);
            self::assertSame(0xFFFFFFFF, $byId['user//' . $server->adminUser()]['siteadmin']);
            self::assertArrayHasKey('user//customer-one', $byId);
            self::assertArrayNotHasKey('siteadmin', $byId['user//customer-one']);
        } finally {
            $server->stop();
        }

        self::assertTrue($server->isStopped());
        self::assertTrue(MeshCentralServer::portIsFree($port), 'port still open after stop()');
        self::assertSame([], MeshCentralServer::processesOfDataDir($dataDir), 'node processes of the data dir remain');
        $server->stop(); // idempotent
    }

    public function testCliStartsADetachedServerAndStopsIt(): void
    {
        $dataDir = sys_get_temp_dir() . '/meshcentral-cli-test-' . bin2hex(random_bytes(4));
        $script = dirname(__DIR__, 3) . '/scripts/meshcentral-server.php';
        try {
            exec(sprintf('php %s start --data %s 2>/dev/null', escapeshellarg($script), escapeshellarg($dataDir)), $out, $code);
            self::assertSame(0, $code, implode("\n", $out));
            $info = json_decode(implode("\n", $out), true);
            self::assertIsArray($info);
            self::assertSame($info, json_decode((string) file_get_contents($dataDir . '/server.json'), true));
            self::assertSame('wss://127.0.0.1:' . $info['port'], $info['url']);
            self::assertFalse(MeshCentralServer::portIsFree($info['port']), 'detached server is not listening');
            self::assertNotEmpty(MeshCentralServer::processesOfDataDir($dataDir));

            exec(sprintf('php %s stop --data %s 2>&1', escapeshellarg($script), escapeshellarg($dataDir)), $stopOut, $code);
            self::assertSame(0, $code, implode("\n", $stopOut));
            self::assertTrue(MeshCentralServer::portIsFree($info['port']));
            self::assertSame([], MeshCentralServer::processesOfDataDir($dataDir));
        } finally {
            if (is_file($dataDir . '/server.json')) {
                try {
                    MeshCentralServer::fromDataDir($dataDir)->stop();
                } catch (\RuntimeException) {
                }
            }
            exec('rm -rf ' . escapeshellarg($dataDir));
        }
    }
}
