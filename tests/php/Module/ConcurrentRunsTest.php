<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Module;

use MeshCentralConnector\Tests\Support\TempDir;

/**
 * Two runs for one service at once (an admin click while the cron runs, a double-submitted form), as real PHP
 * processes of the emulated WHMCS with the installed release, started together at a file barrier, against the real
 * MeshCentral; the end state is checked with meshctrl. The module's lock (Storage\ServiceLock, table
 * mod_meshcentral_locks in the emulator's SQLite database) makes the second run wait, then do its own idempotent run.
 */
final class ConcurrentRunsTest extends ModuleTestCase
{
    private const SCRIPT = __DIR__ . '/../../support/module-action.php';
    /** Storage\ServiceLock::WAIT_SECONDS of the release under test. */
    private const LOCK_WAIT_SECONDS = 10;

    /** @var list<resource> processes still to reap (a failed test must not leave a sleeper behind) */
    private array $procs = [];

    protected function tearDown(): void
    {
        foreach ($this->procs as $p) {
            $status = proc_get_status($p);
            if ($status['running']) {
                posix_kill($status['pid'], SIGKILL);
            }
            proc_close($p);
        }
        $this->procs = [];
    }

    public function testTwoCreatesAtOnceBothSucceedWithOneGroupAndOneUser(): void
    {
        $id = $this->orderedService();
        [$a, $b] = $this->together([['create', $id], ['create', $id]]);
        self::assertSame('success', $a['result'], 'first Create');
        self::assertSame('success', $b['result'], 'second Create');
        $this->assertOverlapped($a, $b);
        $stored = $this->assertProvisionedOnce($id);
        self::assertSame($stored['username'], self::whmcs()->serviceRow($id)['username']);
        self::assertStringContainsString('waited', $this->activity(), 'the second run says it waited for the first');
        self::assertSame(0, self::whmcs()->db()->table('mod_meshcentral_locks')->count(), 'both released the lock');
    }

    public function testCreateAndTerminateAtOnceEndProvisionedOrFullyTerminated(): void
    {
        foreach ([false, true] as $provisionedFirst) {
            $id = $this->orderedService();
            if ($provisionedFirst) {
                self::assertSame('success', self::whmcs()->modules()->create($id));
            }
            $key = self::serviceKey($id);
            $username = self::whmcs()->serviceRow($id)['username'];
            [$create, $terminate] = $this->together([['create', $id], ['terminate', $id]]);
            self::assertSame('success', $create['result'], 'Create');
            self::assertSame('success', $terminate['result'], 'Terminate');
            $stored = self::stored($id);
            $groups = self::groupsMarkedFor($key);
            $user = self::serverUsers()['user//' . strtolower($username)] ?? null;
            // Whichever took the lock first, the other ran after it: never half.
            if (($stored['mesh_id'] ?? null) === null) {
                // Create ran first, then Terminate: nothing left.
                self::assertSame([], $groups, 'no group left');
                self::assertNull($user, 'no user left');
                self::assertNull($stored['mesh_id'] ?? null);
                self::assertNull($stored['username'] ?? null);
            } else {
                // Terminate ran first, then Create: provisioned again, whole.
                self::assertSame([$stored['mesh_id']], $groups, 'exactly the stored group');
                self::assertNotNull($user);
                self::assertSame([$stored['mesh_id']], array_keys($user['links']), 'the user is linked to it alone');
            }
        }
    }

    public function testTwoTerminatesAtOnceBothSucceed(): void
    {
        $id = $this->orderedService();
        self::assertSame('success', self::whmcs()->modules()->create($id));
        $stored = self::stored($id);
        [$a, $b] = $this->together([['terminate', $id], ['terminate', $id]]);
        self::assertSame(['success', 'success'], [$a['result'], $b['result']]);
        self::assertSame([], self::groupsMarkedFor($stored['service_key']));
        self::assertArrayNotHasKey('user//' . strtolower((string) $stored['username']), self::serverUsers());
    }

    public function testALockOfAKilledProcessIsTakenOverAndTheNextRunProceeds(): void
    {
        $id = $this->orderedService();
        $barrier = TempDir::create('meshconnector-races');
        $holder = $this->start('hold-lock', $id, $barrier, 'holder');
        $this->waitFor("$barrier/holder.ready");
        touch("$barrier/go");
        $this->waitFor("$barrier/holder.holding");
        $row = self::whmcs()->db()->table('mod_meshcentral_locks')->where('name', 'service:' . $id)->first();
        self::assertNotNull($row, 'the holder wrote its lock row');
        $pid = proc_get_status($holder)['pid'];
        self::assertSame($pid, (int) $row->pid);
        self::assertGreaterThan(time() + 500, (int) $row->expires_at, 'the lock would only expire in 10 minutes');
        posix_kill($pid, SIGKILL);
        $this->waitGone($holder);

        $t = microtime(true);
        self::assertSame('success', self::whmcs()->modules()->create($id), 'Create after the holder was killed');
        self::assertLessThan(self::LOCK_WAIT_SECONDS, microtime(true) - $t, 'taken over at once, not after the wait');
        $this->assertProvisionedOnce($id);
        TempDir::remove($barrier);
    }

    public function testAnExpiredLockOfAnotherMachineIsTakenOverAndALiveOneRefusesClearly(): void
    {
        $id = $this->orderedService();
        $db = self::whmcs()->db();
        self::assertSame('success', self::whmcs()->modules()->create($id), 'makes the lock table');
        $foreign = ['name' => 'service:' . $id, 'holder' => 'feedfacefeedface', 'action' => 'TerminateAccount', 'pid' => 4242,
            'host' => 'web2.example', 'space' => 'another-machine', 'acquired_at' => time() - 700];

        // Expired (a crashed run on another web server, whose process this machine cannot see): taken over.
        $db->table('mod_meshcentral_locks')->insert($foreign + ['expires_at' => time() - 100]);
        self::assertSame('success', self::whmcs()->modules()->suspend($id));
        self::assertSame(0, $db->table('mod_meshcentral_locks')->count(), 'the taken-over lock was released');

        // Live on another machine: waits, then refuses with who holds it (staff) ...
        $db->table('mod_meshcentral_locks')->insert($foreign + ['expires_at' => time() + 300]);
        $t = microtime(true);
        $staff = self::whmcs()->modules()->unsuspend($id);
        self::assertGreaterThanOrEqual(self::LOCK_WAIT_SECONDS - 0.5, microtime(true) - $t, 'waited before refusing');
        self::assertStringContainsString('another run (TerminateAccount', $staff);
        self::assertStringContainsString('process 4242 on web2.example', $staff);
        self::assertStringContainsString('try again in a moment', $staff);
        self::assertSame(32, self::serverUsers()['user//' . strtolower((string) self::stored($id)['username'])]['siteadmin'] & 32, 'still suspended: nothing was done');

        // ... and a client gets the short translated text (the client's "New invitation link" button).
        [$client] = $this->together([['client-invite', $id]]);
        self::assertSame('Another change to this service is in progress. Please try again in a moment.', $client['result']);
        self::assertStringContainsString('InviteLink refused, service ID ' . $id . ': another run (TerminateAccount', $this->activity(), 'staff read who holds it');

        $db->table('mod_meshcentral_locks')->delete();
        self::assertSame('success', self::whmcs()->modules()->unsuspend($id));
    }

    // ------------------------------------------------------------------ helpers

    /** A Pending service with the username and password WHMCS sets when the order is placed. */
    private function orderedService(): int
    {
        ['service' => $id] = self::order(self::addProduct());
        self::whmcs()->updateService($id, ['username' => 'race' . bin2hex(random_bytes(4)), 'password' => 'Race-Pass-' . bin2hex(random_bytes(6))]);
        return $id;
    }

    /**
     * Runs each [action, service id] in its own PHP process, all released at once; returns their JSON outputs in order.
     *
     * @param list<array{string, int}> $runs
     * @return list<array{result: mixed, start: float, end: float, pid: int}>
     */
    private function together(array $runs): array
    {
        $barrier = TempDir::create('meshconnector-races');
        $started = [];
        foreach ($runs as $i => [$action, $id]) {
            $started[] = [$this->start($action, $id, $barrier, "run$i", $out), $out];
        }
        foreach (array_keys($runs) as $i) {
            $this->waitFor("$barrier/run$i.ready");
        }
        touch("$barrier/go");
        $results = [];
        foreach ($started as $i => [$proc, $pipes]) {
            $stdout = stream_get_contents($pipes[1]);
            $stderr = stream_get_contents($pipes[2]);
            $this->waitGone($proc);
            $decoded = json_decode((string) $stdout, true);
            self::assertIsArray($decoded, "run $i printed no result: $stdout $stderr");
            $results[] = $decoded;
        }
        TempDir::remove($barrier);
        return $results;
    }

    /** @return resource */
    private function start(string $action, int $id, string $barrier, string $name, mixed &$pipes = null): mixed
    {
        $env = getenv();
        $proc = proc_open(
            [PHP_BINARY, '-d', 'ffi.enable=1', self::SCRIPT, self::whmcs()->root(), $action, (string) $id, $barrier, $name],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            null,
            $env
        );
        self::assertIsResource($proc);
        $this->procs[] = $proc;
        return $proc;
    }

    private function waitFor(string $file): void
    {
        $deadline = microtime(true) + 30;
        while (!file_exists($file)) {
            self::assertLessThan($deadline, microtime(true), "$file did not appear");
            usleep(5000);
        }
    }

    /** @param resource $proc */
    private function waitGone(mixed $proc): void
    {
        $deadline = microtime(true) + 60;
        while (proc_get_status($proc)['running']) {
            self::assertLessThan($deadline, microtime(true), 'a run did not end');
            usleep(5000);
        }
    }

    /** The two runs' module calls overlapped in time (the barrier worked). */
    private function assertOverlapped(array $a, array $b): void
    {
        self::assertLessThan(min($a['end'], $b['end']), max($a['start'], $b['start']), 'the runs overlapped');
    }

    /** Exactly one group and one user for the service, linked, and the module row naming them. */
    private function assertProvisionedOnce(int $id): array
    {
        $stored = self::stored($id);
        self::assertNotNull($stored);
        self::assertNotNull($stored['mesh_id']);
        self::assertSame([$stored['mesh_id']], self::groupsMarkedFor($stored['service_key']), 'exactly one group, the stored one');
        $user = self::serverUsers()['user//' . strtolower((string) $stored['username'])] ?? null;
        self::assertNotNull($user, 'the user exists');
        self::assertSame([$stored['mesh_id']], array_keys($user['links']), 'linked to that group alone');
        return $stored;
    }

    private function activity(): string
    {
        return (string) json_encode(self::whmcs()->activityLog(), JSON_UNESCAPED_SLASHES);
    }
}
