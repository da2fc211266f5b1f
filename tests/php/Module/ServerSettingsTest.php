<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

/**
 * The server record as admins type it, read by the core's `server_settings` operation through the installed module:
 * a URL in Hostname works against the real MeshCentral, unknown flag values and plaintext to another host are refused
 * before anything connects, and TLS checks turned off pass with a warning an admin sees (the activity log).
 */
final class ServerSettingsTest extends ModuleTestCase
{
    public function testAUrlOrHostPortTypedInHostnameWorks(): void
    {
        $port = self::server()->port();
        // WHMCS fills the Port field with the module's DefaultSSLPort (443) unless overridden: the Hostname's port wins.
        foreach (["https://127.0.0.1:$port/", "127.0.0.1:$port", "https://localhost:$port"] as $hostname) {
            $r = self::whmcs()->modules()->testConnection(self::addServer(['hostname' => $hostname, 'port' => '']));
            self::assertSame(['success' => true, 'error' => ''], $r, $hostname);
        }
        // A conflicting Port override is named, not guessed.
        $r = self::whmcs()->modules()->testConnection(self::addServer(['hostname' => "127.0.0.1:$port", 'port' => '8443']));
        self::assertFalse($r['success']);
        self::assertStringContainsString("gives port $port and the Port field 8443: keep one", $r['error']);
    }

    public function testAnUnknownFlagValueIsRefusedNamingTheLine(): void
    {
        $s = self::server();
        $r = self::whmcs()->modules()->testConnection(self::addServer(['accesshash' => $s->loginTokenKey() . "\nverify_tls=maybe"]));
        self::assertFalse($r['success']);
        self::assertStringContainsString("Access Hash line 2: verify_tls must be yes or no (also true/false, on/off, 1/0), not 'maybe'", $r['error']);
        self::assertStringNotContainsString($s->loginTokenKey(), $r['error']);

        $r = self::whmcs()->modules()->testConnection(self::addServer(['accesshash' => $s->loginTokenKey() . "\nca_file=" . $s->caFile() . "\nverify=no"]));
        self::assertStringContainsString("Access Hash line 3 has the unknown setting 'verify'", $r['error']);
    }

    public function testPlaintextToAnotherHostIsRefusedBeforeAnyConnection(): void
    {
        $logged = count(self::whmcs()->moduleLog());
        foreach ([['hostname' => 'mesh.example.invalid', 'secure' => false, 'port' => ''], ['hostname' => 'http://mesh.example.invalid:8080/', 'secure' => true, 'port' => '']] as $record) {
            $start = microtime(true);
            $r = self::whmcs()->modules()->testConnection(self::addServer($record));
            self::assertFalse($r['success']);
            self::assertStringContainsString('plain http:// to mesh.example.invalid is refused', $r['error']);
            self::assertStringContainsString('allow_plaintext=yes', $r['error']);
            self::assertLessThan(2.0, microtime(true) - $start);
        }
        // Nothing reached the test-connection operation: no logged request names the server's URL.
        foreach (array_slice(self::whmcs()->moduleLog(), $logged) as $row) {
            self::assertStringNotContainsString('[url]', (string) $row['request'], 'no connection was attempted');
        }
    }

    public function testTlsChecksOffPassWithAWarningInTheActivityLog(): void
    {
        $s = self::server();
        $server = self::addServer(['accesshash' => $s->loginTokenKey() . "\nverify_tls=no"]);
        $r = self::whmcs()->modules()->testConnection($server);
        self::assertSame(['success' => true, 'error' => ''], $r);
        $activity = implode("\n", array_column(self::whmcs()->activityLog(), 'description'));
        self::assertStringContainsString("MeshCentral TestConnection warning for server $server (https://127.0.0.1:" . $s->port() . '): TLS certificate checks are off (verify_tls=no', $activity);
        $module = json_encode(self::whmcs()->moduleLog(), JSON_UNESCAPED_SLASHES);
        self::assertStringContainsString('TLS certificate checks are off', (string) $module);
        self::assertStringNotContainsString($s->loginTokenKey(), $activity);
    }
}
