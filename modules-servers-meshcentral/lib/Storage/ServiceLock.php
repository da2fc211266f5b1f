<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Storage;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Meshcentral\Exception\Refusal;

/**
 * One run at a time per service: the functions that change MeshCentral (Create, Re-sync, Suspend, Unsuspend,
 * Terminate, Change Password, Change Package, New invite link) hold a lock row in `mod_meshcentral_locks` while they
 * run. Two runs at once (an admin click while the cron runs, a double-submitted form) would otherwise both read
 * "nothing there yet" and race each other in MeshCentral.
 *
 * Only portable Capsule operations, so it holds on WHMCS's MySQL (InnoDB) as on the emulator's SQLite: acquiring is an
 * insert that does nothing when the primary key exists (`insertOrIgnore`: one row or none, decided by the database),
 * taking over a dead holder's lock is an update conditional on what was read (`where holder = <old> and expires_at <
 * now`, or the dead process's holder id), so of two runs taking over only one changes the row. Releasing deletes the
 * row only while it is still this run's.
 *
 * A lock that its holder never released (a process killed by `kill -9`, a web worker killed by its request timeout)
 * ends in one of these ways:
 * - a PHP fatal error (max_execution_time, memory) still runs shutdown functions: the lock is released there;
 * - a holder on this machine (same host name, boot and PID namespace) whose process is gone (`/proc/<pid>`) is taken
 *   over at once;
 * - any other lock expires TTL_SECONDS after it was taken. The core bounds every step of an operation by its timeout
 *   (15 s per reply), and an operation is a few dozen steps at most; a run still working past the TTL may overlap
 *   with the next, which the core's idempotent, converging steps absorb (see src/ops/provision.rs).
 *
 * A second run waits up to WAIT_SECONDS (polling) for the first to finish, then does its own run, which finds the
 * work done (Create twice: one group, one user, both succeed). Still held after that: a Refusal with the holder and
 * "try again in a moment" for staff, the short `error_busy` text for a client.
 */
final class ServiceLock
{
    public const TABLE = 'mod_meshcentral_locks';
    public const TTL_SECONDS = 600;
    public const WAIT_SECONDS = 10;
    private const POLL_MICROSECONDS = 200_000;

    /** @var array<string, array{holder: string, depth: int}> locks this process holds (re-entrant: Re-sync runs Create) */
    private static array $held = [];
    private static bool $shutdownRegistered = false;
    /** @var array<string, true> databases whose lock table was checked in this process */
    private static array $ready = [];

    /**
     * Runs `$work` holding the service's lock; waits for another run first (see the class comment).
     *
     * @template T
     * @param callable(): T $work
     * @param null|callable(string): void $onWaited told how long this run waited, and for whom, when it had to wait
     * @return T
     */
    public function run(int $serviceId, string $action, callable $work, ?callable $onWaited = null): mixed
    {
        $name = 'service:' . $serviceId;
        if (isset(self::$held[$name])) {
            self::$held[$name]['depth']++;
            try {
                return $work();
            } finally {
                self::$held[$name]['depth']--;
            }
        }
        $holder = bin2hex(random_bytes(8));
        $started = microtime(true);
        $waitedFor = null;
        while (true) {
            $other = $this->tryAcquire($name, $holder, $action);
            if ($other === null) {
                break;
            }
            $waitedFor = $other;
            if (microtime(true) - $started >= self::WAIT_SECONDS) {
                throw new Refusal(sprintf(
                    'another run (%s, started %s, process %d on %s) is changing this service in MeshCentral right now; '
                    . 'nothing was done by this one: try again in a moment (a lock left by a crashed run expires at %s)',
                    $other['action'],
                    date('Y-m-d H:i:s', (int) $other['acquired_at']),
                    (int) $other['pid'],
                    (string) $other['host'],
                    date('Y-m-d H:i:s', (int) $other['expires_at'])
                ), 'error_busy');
            }
            usleep(self::POLL_MICROSECONDS);
        }
        self::$held[$name] = ['holder' => $holder, 'depth' => 1];
        self::registerShutdown();
        if ($waitedFor !== null && $onWaited !== null) {
            $onWaited(sprintf(
                'waited %.1f s for another run of this service (%s, process %d on %s) to finish, then ran',
                microtime(true) - $started,
                $waitedFor['action'],
                (int) $waitedFor['pid'],
                (string) $waitedFor['host']
            ));
        }
        try {
            return $work();
        } finally {
            self::release($name);
        }
    }

    /**
     * Takes the lock, or returns the row of whoever holds it.
     *
     * @return array{holder: string, action: string, pid: int, host: string, space: ?string, acquired_at: int, expires_at: int}|null
     */
    private function tryAcquire(string $name, string $holder, string $action): ?array
    {
        $this->ensureTable();
        $now = time();
        $row = [
            'holder' => $holder,
            'action' => substr($action, 0, 64),
            'pid' => (int) getmypid(),
            'host' => substr((string) gethostname(), 0, 190),
            'space' => self::processSpace(),
            'acquired_at' => $now,
            'expires_at' => $now + self::TTL_SECONDS,
        ];
        if (Capsule::table(self::TABLE)->insertOrIgnore(['name' => $name] + $row) === 1) {
            return null;
        }
        $current = Capsule::table(self::TABLE)->where('name', $name)->first();
        if ($current === null) {
            // Released between the insert and the read: try again at once.
            return $this->tryAcquire($name, $holder, $action);
        }
        $other = [
            'holder' => (string) $current->holder,
            'action' => (string) $current->action,
            'pid' => (int) $current->pid,
            'host' => (string) $current->host,
            'space' => $current->space !== null ? (string) $current->space : null,
            'acquired_at' => (int) $current->acquired_at,
            'expires_at' => (int) $current->expires_at,
        ];
        if ($other['expires_at'] < $now || self::holderIsGone($other)) {
            // Compare-and-set on the holder that was read: of two runs taking over, one changes the row.
            $taken = Capsule::table(self::TABLE)->where('name', $name)->where('holder', $other['holder'])->update($row);
            if ($taken === 1) {
                return null;
            }
        }
        return $other;
    }

    private static function release(string $name): void
    {
        $holder = self::$held[$name]['holder'] ?? null;
        unset(self::$held[$name]);
        if ($holder !== null) {
            Capsule::table(self::TABLE)->where('name', $name)->where('holder', $holder)->delete();
        }
    }

    /** A fatal error skips `finally` but not shutdown functions: release what this process still holds. */
    private static function registerShutdown(): void
    {
        if (self::$shutdownRegistered) {
            return;
        }
        self::$shutdownRegistered = true;
        register_shutdown_function(static function (): void {
            foreach (array_keys(self::$held) as $name) {
                try {
                    self::release($name);
                } catch (\Throwable) {
                    // The database is gone too: the lock expires by itself.
                }
            }
        });
    }

    /**
     * Which process table a PID belongs to: the boot and the PID namespace (Linux), so a PID is only checked where it
     * means the same process (not across machines sharing the database, containers or a reboot). Null elsewhere:
     * such locks only expire.
     */
    private static function processSpace(): ?string
    {
        $boot = @file_get_contents('/proc/sys/kernel/random/boot_id');
        $ns = @readlink('/proc/self/ns/pid');
        if (!is_string($boot) || trim($boot) === '' || !is_string($ns) || $ns === '') {
            return null;
        }
        return substr(hash('sha256', gethostname() . "\n" . trim($boot) . "\n" . $ns), 0, 32);
    }

    /** @param array{pid: int, space: ?string} $other */
    private static function holderIsGone(array $other): bool
    {
        $space = self::processSpace();
        if ($space === null || $other['space'] !== $space || $other['pid'] <= 0) {
            return false;
        }
        // This very process holds no lock of that name (run() checked), so a row naming it is a dead request's.
        return $other['pid'] === getmypid() || !file_exists('/proc/' . $other['pid']);
    }

    private function ensureTable(): void
    {
        $database = Capsule::connection()->getDatabaseName();
        if (isset(self::$ready[$database])) {
            return;
        }
        $schema = Capsule::schema();
        if (!$schema->hasTable(self::TABLE)) {
            try {
                $schema->create(self::TABLE, static function ($table): void {
                    $table->string('name', 64)->primary();
                    $table->string('holder', 32);
                    $table->string('action', 64);
                    $table->unsignedInteger('pid');
                    $table->string('host', 190);
                    $table->string('space', 32)->nullable();
                    $table->unsignedBigInteger('acquired_at');
                    $table->unsignedBigInteger('expires_at');
                });
            } catch (\Throwable $e) {
                // Two first runs at once: the other one made it.
                if (!$schema->hasTable(self::TABLE)) {
                    throw $e;
                }
            }
        }
        self::$ready[$database] = true;
    }
}
