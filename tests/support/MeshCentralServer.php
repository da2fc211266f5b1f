<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use RuntimeException;

/**
 * A throw-away MeshCentral 1.1.55 server on 127.0.0.1 for tests and the demo.
 *
 * Layout: DATA/config.json (written here), DATA/server.log (stdout+stderr of the server),
 * DATA/server.json (only for detached servers started through scripts/meshcentral-server.php).
 *
 * MeshCentral runs as a watchdog parent (`node node_modules/meshcentral --datapath DATA`) that
 * spawns the real server (`... --datapath DATA --launch PARENTPID`). Only the parent is ever
 * signalled: killing only the child makes the parent restart it after 5 s.
 */
final class MeshCentralServer
{
    public const MESHCENTRAL_VERSION = '1.1.55';

    private const READY_TIMEOUT = 60.0;
    private const STOP_GRACE = 10.0;
    private const CLI_TIMEOUT = 30.0;
    private const SIGINT = 2;
    private const SIGKILL = 9;

    /** Files the certificate cache must hold to be used. */
    private const REQUIRED_CERT_FILES = [
        'root-cert-public.crt',
        'root-cert-private.key',
        'webserver-cert-public.crt',
        'webserver-cert-private.key',
        'agentserver-cert-public.crt',
        'agentserver-cert-private.key',
        'codesign-cert-public.crt',
        'codesign-cert-private.key',
        'mpsserver-cert-public.crt',
        'mpsserver-cert-private.key',
    ];

    private static ?self $shared = null;

    /** @var resource|null */
    private $process;

    private bool $stopped = false;

    /** Seconds from launching node to the readiness line (null when attached to a running server). */
    private ?float $startSeconds = null;

    private bool $usedCertCache = false;

    /** @var array<string, mixed> the options of start(), for restart() */
    private array $startOptions = [];

    /**
     * @param resource|null $process
     */
    private function __construct(
        private readonly string $dataDir,
        private readonly int $port,
        private readonly string $adminUser,
        private readonly string $adminPassword,
        private readonly string $loginTokenKey,
        $process,
        private readonly int $pid,
        private bool $removeDataDirOnStop,
    ) {
        $this->process = $process;
    }

    /**
     * Creates the data dir, the accounts (with the server stopped) and starts the server.
     *
     * @param array{
     *     dataDir?: ?string,
     *     port?: ?int,
     *     adminUser?: string,
     *     adminPassword?: ?string,
     *     loginTokenKey?: ?string,
     *     manageAllDeviceGroups?: bool,
     *     extraUsers?: list<array{0: string, 1: string, 2?: bool}>,
     *     title?: string,
     *     domain?: array<string, mixed>,
     *     detached?: bool
     * } $options
     *   domain: more settings of the default domain (config.json `domains.""`), e.g. `['maxDeviceView' => 5]`; they
     *   win over the defaults (title, newAccounts off).
     *   detached: the server is put in its own session (setsid), is not stopped when this PHP process
     *   ends, and the data dir is never removed. Stop it later with fromDataDir()->stop().
     */
    public static function start(array $options = []): self
    {
        $detached = (bool) ($options['detached'] ?? false);
        $adminUser = (string) ($options['adminUser'] ?? 'connector-admin');
        $adminPassword = $options['adminPassword'] ?? null;
        $adminPassword = $adminPassword === null ? self::randomPassword() : (string) $adminPassword;
        $loginTokenKey = $options['loginTokenKey'] ?? null;
        $loginTokenKey = $loginTokenKey === null ? bin2hex(random_bytes(80)) : strtolower((string) $loginTokenKey);
        if (preg_match('/^[0-9a-f]{160}$/', $loginTokenKey) !== 1) {
            throw new RuntimeException('loginTokenKey must be 160 hex characters (80 bytes).');
        }
        self::assertAccountName($adminUser);
        self::assertPassword($adminPassword);

        $port = $options['port'] ?? null;
        if ($port === null) {
            $port = self::freePort();
        } elseif (!self::portIsFree((int) $port)) {
            throw new RuntimeException(sprintf('Port 127.0.0.1:%d is already in use.', $port));
        }
        $port = (int) $port;

        $dataDir = $options['dataDir'] ?? null;
        $removeDataDir = false;
        if ($dataDir === null) {
            $dataDir = TempDir::create('meshcentral-test-');
            $removeDataDir = !$detached;
        } elseif (!is_dir($dataDir) && !mkdir($dataDir, 0700, true) && !is_dir($dataDir)) {
            throw new RuntimeException('Cannot create data dir ' . $dataDir);
        }
        $real = realpath($dataDir);
        if ($real === false) {
            throw new RuntimeException('Cannot resolve data dir ' . $dataDir);
        }
        $dataDir = $real;
        if (self::processesOfDataDir($dataDir) !== []) {
            throw new RuntimeException('A MeshCentral server is already running on ' . $dataDir);
        }

        $manageAll = (bool) ($options['manageAllDeviceGroups'] ?? true);
        $settings = [
            'cert' => '127.0.0.1',
            'port' => $port,
            'portBind' => '127.0.0.1',
            'redirPort' => 0,
            'mpsPort' => 0,
            'exactPorts' => true,
            'amtScanner' => false,
            'meshScanner' => false,
            'autoBackup' => false,
            'selfUpdate' => false,
            'agentTimeStampServer' => false,
            'maxInvalidLogin' => false,
            'loginCookieEncryptionKey' => $loginTokenKey,
            'filesPath' => $dataDir . '/files',
        ];
        if ($manageAll) {
            $settings['manageAllDeviceGroups'] = ['user//' . strtolower($adminUser)];
        }
        $config = [
            'settings' => $settings,
            'domains' => [
                '' => array_merge(
                    ['title' => (string) ($options['title'] ?? 'MeshCentral connector test'), 'newAccounts' => false],
                    (array) ($options['domain'] ?? [])
                ),
            ],
        ];
        $json = json_encode($config, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
        self::writeFile($dataDir . '/config.json', $json . "\n");

        try {
            $usedCache = self::restoreCertCache($dataDir);

            // Accounts: MeshCentral's CLI edits the DB directly and must run while the server is stopped.
            self::createAccount($dataDir, $adminUser, $adminPassword, true);
            foreach ($options['extraUsers'] ?? [] as $extra) {
                $name = (string) $extra[0];
                $pass = (string) $extra[1];
                self::assertAccountName($name);
                self::assertPassword($pass);
                self::createAccount($dataDir, $name, $pass, (bool) ($extra[2] ?? false));
            }
        } catch (RuntimeException $e) {
            foreach (self::processesOfDataDir($dataDir) as $pid) {
                self::signal($pid, self::SIGKILL); // a CLI call that timed out leaves its watchdog child behind
            }
            if ($removeDataDir) {
                TempDir::remove($dataDir);
            }
            throw $e;
        }

        $command = [self::nodeBinary(), self::meshCentralDir(), '--datapath', $dataDir];
        if ($detached) {
            // setsid execs node in place (the proc_open child is no process-group leader), so the pid stays the node pid.
            array_unshift($command, 'setsid');
        }
        $log = $dataDir . '/server.log';
        // A restart on the same data dir appends to the same log: readiness is judged on what this run writes.
        clearstatcache(true, $log);
        $logStart = is_file($log) ? (int) filesize($log) : 0;
        $t0 = microtime(true);
        $process = proc_open(
            $command,
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']],
            $pipes,
            self::repoRoot()
        );
        if (!is_resource($process)) {
            throw new RuntimeException('Cannot launch MeshCentral (node).');
        }
        $pid = (int) proc_get_status($process)['pid'];

        $server = new self($dataDir, $port, $adminUser, $adminPassword, $loginTokenKey, $process, $pid, $removeDataDir);
        $server->usedCertCache = $usedCache;
        $server->startOptions = ['dataDir' => $dataDir, 'port' => $port, 'adminUser' => $adminUser, 'adminPassword' => $adminPassword, 'loginTokenKey' => $loginTokenKey] + $options;
        if (!$detached) {
            register_shutdown_function(static function () use ($server): void {
                try {
                    $server->stop();
                } catch (\Throwable $e) {
                    fwrite(STDERR, 'MeshCentralServer: ' . $e->getMessage() . "\n");
                }
            });
            self::installTerminationHandlers();
        }

        try {
            $server->waitUntilReady($t0, $log, $logStart);
        } catch (RuntimeException $e) {
            $server->removeDataDirOnStop = false; // keep DATA/server.log for the caller to read
            try {
                $server->stop();
            } catch (RuntimeException) {
                // keep the readiness error, it has the log tail
            }
            throw $e;
        }
        $server->startSeconds = microtime(true) - $t0;

        if (!$usedCache) {
            self::saveCertCache($dataDir);
        }

        return $server;
    }

    /**
     * Stops the server, runs $whileStopped with the data dir (e.g. to write records into its NeDB files, which the
     * server reads at start), and starts it again with the same data dir, port, accounts and settings. Returns the new
     * handle (this one stays stopped); the data dir is removed with the new one when it would have been with this one.
     *
     * @param null|callable(string): void $whileStopped
     */
    public function restart(?callable $whileStopped = null): self
    {
        $removeDataDir = $this->removeDataDirOnStop;
        $this->removeDataDirOnStop = false;
        $this->stop();
        if ($whileStopped !== null) {
            $whileStopped($this->dataDir);
        }
        $next = self::start($this->startOptions);
        $next->removeDataDirOnStop = $removeDataDir;
        return $next;
    }

    /**
     * restart() for the shared server: later shared() calls get the restarted one (same data dir, port, accounts),
     * so records written while it was stopped (tests/support/DeviceRecords.php) are served to every test after.
     *
     * @param null|callable(string): void $whileStopped
     */
    public static function restartShared(?callable $whileStopped = null): self
    {
        return self::$shared = self::shared()->restart($whileStopped);
    }

    /** One server per PHP process, started on first use and stopped when the process ends. */
    public static function shared(): self
    {
        if (self::$shared === null || self::$shared->stopped) {
            self::$shared = self::start();
        }

        return self::$shared;
    }

    /** Attaches to a detached server started earlier (reads DATA/server.json), e.g. to stop it. */
    public static function fromDataDir(string $dataDir): self
    {
        $real = realpath($dataDir);
        $file = ($real === false ? $dataDir : $real) . '/server.json';
        $json = @file_get_contents($file);
        if ($json === false) {
            throw new RuntimeException('No server.json in ' . $dataDir);
        }
        /** @var array<string, mixed> $info */
        $info = json_decode($json, true, 16, JSON_THROW_ON_ERROR);

        return new self(
            (string) $info['dataDir'],
            (int) $info['port'],
            (string) $info['adminUser'],
            (string) $info['adminPassword'],
            (string) $info['loginTokenKey'],
            null,
            (int) $info['pid'],
            false
        );
    }

    public function url(): string
    {
        return 'wss://127.0.0.1:' . $this->port;
    }

    public function httpsUrl(): string
    {
        return 'https://127.0.0.1:' . $this->port;
    }

    public function port(): int
    {
        return $this->port;
    }

    public function adminUser(): string
    {
        return $this->adminUser;
    }

    public function adminPassword(): string
    {
        return $this->adminPassword;
    }

    public function loginTokenKey(): string
    {
        return $this->loginTokenKey;
    }

    public function caFile(): string
    {
        return $this->dataDir . '/root-cert-public.crt';
    }

    public function dataDir(): string
    {
        return $this->dataDir;
    }

    public function pid(): int
    {
        return $this->pid;
    }

    public function logFile(): string
    {
        return $this->dataDir . '/server.log';
    }

    /** Seconds from launch to readiness (null for an attached server). */
    public function startSeconds(): ?float
    {
        return $this->startSeconds;
    }

    public function usedCertCache(): bool
    {
        return $this->usedCertCache;
    }

    public function isStopped(): bool
    {
        return $this->stopped;
    }

    /**
     * Lower-case hex SHA-384 of the DER of DATA/webserver-cert-public.crt; serverinfo.tlshash reports
     * the same value in upper case (webserver.js: webCertificateFullHashs, certoperations.js: web cert file).
     */
    public function webCertSha384(): string
    {
        $pem = @file_get_contents($this->dataDir . '/webserver-cert-public.crt');
        if ($pem === false || preg_match('/-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----/s', $pem, $m) !== 1) {
            throw new RuntimeException('Cannot read webserver-cert-public.crt in ' . $this->dataDir);
        }
        $der = base64_decode(preg_replace('/\s+/', '', $m[1]) ?? '', true);
        if ($der === false) {
            throw new RuntimeException('Invalid PEM in webserver-cert-public.crt');
        }

        return hash('sha384', $der);
    }

    /**
     * Runs MeshCentral's own CLI as the admin and returns its stdout. meshctrl always exits 0, even on
     * errors: check the output. Example: meshctrl(['serverinfo', '--json']).
     *
     * @param list<string> $args
     */
    public function meshctrl(array $args, float $timeout = self::CLI_TIMEOUT): string
    {
        $command = array_merge(
            [self::nodeBinary(), self::meshCentralDir() . '/meshctrl.js'],
            array_map('strval', $args),
            ['--url', $this->url(), '--loginuser', $this->adminUser, '--loginpass', $this->adminPassword]
        );
        // Its standard output goes to a file, not a pipe: meshctrl ends with process.exit() right after console.log, and
        // Node writes to a pipe asynchronously, so a large answer (listdevicegroups --json with a few hundred groups,
        // over 64 KiB) would come out cut off. Writes to a file are synchronous.
        $file = tempnam(sys_get_temp_dir(), 'meshctrl-');
        try {
            [$code, , $stderr] = self::run($command, $timeout, $file);
            $stdout = (string) file_get_contents($file);
        } finally {
            @unlink($file);
        }
        if ($code !== 0) {
            throw new RuntimeException(sprintf("meshctrl exited with %d: %s\n%s", $code, $stdout, $stderr));
        }

        return $stdout;
    }

    /** The JSON written to DATA/server.json by the CLI script. */
    public function toArray(): array
    {
        return [
            'url' => $this->url(),
            'httpsUrl' => $this->httpsUrl(),
            'port' => $this->port,
            'adminUser' => $this->adminUser,
            'adminPassword' => $this->adminPassword,
            'loginTokenKey' => $this->loginTokenKey,
            'caFile' => $this->caFile(),
            'webCertSha384' => $this->webCertSha384(),
            'dataDir' => $this->dataDir,
            'pid' => $this->pid,
            'logFile' => $this->logFile(),
        ];
    }

    public function writeServerJson(): string
    {
        $file = $this->dataDir . '/server.json';
        self::writeFile($file, json_encode($this->toArray(), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR) . "\n");
        chmod($file, 0600);

        return $file;
    }

    /**
     * SIGINT to the watchdog parent, then waits until the port is closed and no process of the data dir
     * is left; SIGKILL after a grace period. Idempotent.
     */
    public function stop(): void
    {
        if ($this->stopped) {
            return;
        }
        $this->stopped = true;

        if ($this->pidAlive()) {
            self::signal($this->pid, self::SIGINT);
        }
        $done = $this->waitForShutdown(self::STOP_GRACE);
        if (!$done) {
            foreach (array_unique(array_merge([$this->pid], self::processesOfDataDir($this->dataDir))) as $pid) {
                self::signal($pid, self::SIGKILL);
            }
            $done = $this->waitForShutdown(5.0);
        }
        if (is_resource($this->process)) {
            proc_close($this->process);
            $this->process = null;
        }
        if (!$done) {
            throw new RuntimeException(sprintf('MeshCentral on port %d (pid %d) did not stop.', $this->port, $this->pid));
        }
        if ($this->removeDataDirOnStop) {
            TempDir::remove($this->dataDir);
        }
    }

    /** Pids of node processes whose command line has `--datapath DIR` (the watchdog and the server). */
    public static function processesOfDataDir(string $dataDir): array
    {
        $real = realpath($dataDir);
        $wanted = [$dataDir, $real === false ? $dataDir : $real];
        $pids = [];
        foreach (glob('/proc/[0-9]*/cmdline') ?: [] as $file) {
            $cmdline = @file_get_contents($file);
            if ($cmdline === false || $cmdline === '') {
                continue;
            }
            $argv = explode("\0", rtrim($cmdline, "\0"));
            $i = array_search('--datapath', $argv, true);
            if ($i !== false && isset($argv[$i + 1]) && in_array(rtrim($argv[$i + 1], '/'), $wanted, true)) {
                $pids[] = (int) basename(dirname($file));
            }
        }

        return $pids;
    }

    public static function portIsFree(int $port): bool
    {
        $socket = @stream_socket_client('tcp://127.0.0.1:' . $port, $errno, $errstr, 0.5);
        if ($socket !== false) {
            fclose($socket);

            return false;
        }

        return true;
    }

    public static function certCacheDir(): string
    {
        $base = getenv('XDG_CACHE_HOME');
        if ($base === false || $base === '') {
            $home = getenv('HOME');
            $base = ($home === false || $home === '' ? sys_get_temp_dir() : $home) . '/.cache';
        }

        return $base . '/meshcentral-connector/mc-certs-' . self::MESHCENTRAL_VERSION;
    }

    // ---------------------------------------------------------------- internals

    private function waitUntilReady(float $t0, string $log, int $logStart): void
    {
        $needle = 'HTTPS server running on 127.0.0.1:' . $this->port;
        $deadline = $t0 + self::READY_TIMEOUT;
        while (true) {
            $text = (string) @file_get_contents($log, false, null, $logStart);
            if (str_contains($text, $needle)) {
                return;
            }
            $status = is_resource($this->process) ? proc_get_status($this->process) : null;
            if ($status !== null && !$status['running']) {
                throw new RuntimeException(sprintf(
                    "MeshCentral exited (code %d) before it was ready. Log tail (%s):\n%s",
                    $status['exitcode'],
                    $log,
                    self::tail($text)
                ));
            }
            if (microtime(true) > $deadline) {
                throw new RuntimeException(sprintf(
                    "MeshCentral not ready after %d s (no '%s'). Log tail (%s):\n%s",
                    (int) self::READY_TIMEOUT,
                    $needle,
                    $log,
                    self::tail($text)
                ));
            }
            usleep(100_000);
        }
    }

    private function waitForShutdown(float $seconds): bool
    {
        $deadline = microtime(true) + $seconds;
        do {
            if (!$this->pidAlive() && self::processesOfDataDir($this->dataDir) === [] && self::portIsFree($this->port)) {
                return true;
            }
            usleep(100_000);
        } while (microtime(true) < $deadline);

        return false;
    }

    /** True while the watchdog pid is running (reaps it when it is our child; zombies count as gone). */
    private function pidAlive(): bool
    {
        if (is_resource($this->process)) {
            return proc_get_status($this->process)['running'];
        }
        $stat = @file_get_contents('/proc/' . $this->pid . '/stat');
        if ($stat === false) {
            return false;
        }
        $close = strrpos($stat, ')');
        $state = $close === false ? '' : substr($stat, $close + 2, 1);

        return $state !== 'Z' && $state !== 'X';
    }

    private static function signal(int $pid, int $signal): void
    {
        if ($pid <= 1) {
            return;
        }
        if (function_exists('posix_kill')) {
            @posix_kill($pid, $signal);

            return;
        }
        self::run(['kill', '-' . $signal, (string) $pid], 5.0);
    }

    private static function installTerminationHandlers(): void
    {
        static $installed = false;
        if ($installed || !function_exists('pcntl_signal') || !function_exists('pcntl_signal_get_handler')) {
            return;
        }
        $installed = true;
        pcntl_async_signals(true);
        // SIGTERM/SIGHUP would end PHP without shutdown functions; turn them into exit() so servers are stopped.
        foreach ([15, 1] as $signo) {
            if (pcntl_signal_get_handler($signo) === SIG_DFL) {
                pcntl_signal($signo, static function (int $signo): void {
                    exit(128 + $signo);
                });
            }
        }
    }

    private static function createAccount(string $dataDir, string $user, string $password, bool $siteAdmin): void
    {
        $base = [self::nodeBinary(), self::meshCentralDir(), '--datapath', $dataDir];
        // Both CLIs exit 0 even on errors: judge by the output.
        [$code, $out, $err] = self::run(array_merge($base, [
            '--createaccount', $user, '--pass', $password, '--email', strtolower($user) . '@example.invalid',
        ]), self::CLI_TIMEOUT);
        if (!str_contains($out, 'Done.') && !str_contains($out, 'User already exists.')) {
            throw new RuntimeException(sprintf("--createaccount %s failed (exit %d):\n%s%s", $user, $code, $out, $err));
        }
        if ($siteAdmin) {
            [$code, $out, $err] = self::run(array_merge($base, ['--adminaccount', $user]), self::CLI_TIMEOUT);
            if (!str_contains($out, 'Done.')) {
                throw new RuntimeException(sprintf("--adminaccount %s failed (exit %d):\n%s%s", $user, $code, $out, $err));
            }
        }
    }

    /**
     * Runs a command (no shell) with a timeout; returns [exit code, stdout, stderr].
     *
     * @param list<string> $command
     * @return array{0: int, 1: string, 2: string}
     */
    private static function run(array $command, float $timeout, ?string $stdoutFile = null): array
    {
        $process = proc_open(
            $command,
            [0 => ['file', '/dev/null', 'r'], 1 => $stdoutFile === null ? ['pipe', 'w'] : ['file', $stdoutFile, 'w'], 2 => ['pipe', 'w']],
            $pipes,
            self::repoRoot()
        );
        if (!is_resource($process)) {
            throw new RuntimeException('Cannot run ' . $command[0]);
        }
        $out = ['', ''];
        $deadline = microtime(true) + $timeout;
        $open = [];
        foreach ([1, 2] as $index) {
            if (isset($pipes[$index])) {
                stream_set_blocking($pipes[$index], false);
                $open[$index] = $pipes[$index];
            }
        }
        while ($open !== []) {
            $read = array_values($open);
            $write = $except = null;
            $left = $deadline - microtime(true);
            if ($left <= 0) {
                proc_terminate($process, self::SIGKILL);
                foreach ($pipes as $pipe) {
                    fclose($pipe);
                }
                proc_close($process);
                throw new RuntimeException(sprintf(
                    "Timeout after %.0f s: %s\n%s",
                    $timeout,
                    implode(' ', array_slice($command, 0, 3)),
                    $out[0] . $out[1]
                ));
            }
            if (@stream_select($read, $write, $except, 0, (int) min(200_000, $left * 1e6)) === false) {
                continue;
            }
            foreach ($open as $index => $pipe) {
                $chunk = fread($pipe, 65536);
                if ($chunk !== false && $chunk !== '') {
                    $out[$index - 1] .= $chunk;
                } elseif (feof($pipe)) {
                    fclose($pipe);
                    unset($open[$index]);
                }
            }
        }
        $code = proc_close($process);

        return [$code, $out[0], $out[1]];
    }

    private static function restoreCertCache(string $dataDir): bool
    {
        $cache = self::certCacheDir();
        foreach (self::REQUIRED_CERT_FILES as $name) {
            if (!is_file($cache . '/' . $name) || is_file($dataDir . '/' . $name)) {
                return false; // incomplete cache, or the data dir already has its own certificates
            }
        }
        foreach (glob($cache . '/*.{crt,key}', GLOB_BRACE) ?: [] as $file) {
            copy($file, $dataDir . '/' . basename($file));
            chmod($dataDir . '/' . basename($file), 0600);
        }
        // Signed Windows agents/tools: made with the cached code signing cert, saves ~1 s of signing per start.
        if (is_dir($cache . '/signedagents') && !is_dir($dataDir . '/signedagents')) {
            mkdir($dataDir . '/signedagents', 0700);
            foreach (glob($cache . '/signedagents/*') ?: [] as $file) {
                if (is_file($file)) {
                    copy($file, $dataDir . '/signedagents/' . basename($file));
                }
            }
        }

        return true;
    }

    private static function saveCertCache(string $dataDir): void
    {
        $cache = self::certCacheDir();
        if (is_file($cache . '/root-cert-public.crt')) {
            return;
        }
        foreach (self::REQUIRED_CERT_FILES as $name) {
            if (!is_file($dataDir . '/' . $name)) {
                return;
            }
        }
        $parent = dirname($cache);
        if (!is_dir($parent) && !@mkdir($parent, 0700, true) && !is_dir($parent)) {
            return;
        }
        // Build next to the target and rename, so concurrent processes never see a half-filled cache.
        $tmp = $parent . '/.tmp-' . bin2hex(random_bytes(6));
        mkdir($tmp, 0700);
        foreach (glob($dataDir . '/*.{crt,key}', GLOB_BRACE) ?: [] as $file) {
            copy($file, $tmp . '/' . basename($file));
            chmod($tmp . '/' . basename($file), 0600);
        }
        if (is_dir($dataDir . '/signedagents')) {
            mkdir($tmp . '/signedagents', 0700);
            foreach (glob($dataDir . '/signedagents/*') ?: [] as $file) {
                if (is_file($file)) {
                    copy($file, $tmp . '/signedagents/' . basename($file));
                }
            }
        }
        if (!@rename($tmp, $cache)) {
            TempDir::remove($tmp);
        }
    }

    private static function freePort(): int
    {
        $server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        if ($server === false) {
            throw new RuntimeException('Cannot find a free port: ' . $errstr);
        }
        $name = (string) stream_socket_get_name($server, false);
        fclose($server);

        return (int) substr($name, strrpos($name, ':') + 1);
    }

    private static function writeFile(string $file, string $content): void
    {
        if (file_put_contents($file, $content) === false) {
            throw new RuntimeException('Cannot write ' . $file);
        }
    }

    private static function tail(string $text, int $lines = 40): string
    {
        return implode("\n", array_slice(explode("\n", rtrim($text)), -$lines));
    }

    private static function randomPassword(): string
    {
        // Letters first: meshcentral.js and meshctrl.js parse arguments with minimist, which turns
        // numeric-looking values into numbers and treats a leading '-' as an option.
        return 'Mc' . bin2hex(random_bytes(12)) . '!Zx9';
    }

    private static function assertAccountName(string $name): void
    {
        if (preg_match('/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/', $name) !== 1) {
            throw new RuntimeException('Unsupported account name: ' . $name);
        }
    }

    private static function assertPassword(string $password): void
    {
        if ($password === '' || $password[0] === '-' || is_numeric($password)) {
            throw new RuntimeException('Passwords must not be empty, numeric or start with "-" (minimist parses them).');
        }
    }

    private static function nodeBinary(): string
    {
        $node = getenv('MESHCENTRAL_NODE');

        return $node === false || $node === '' ? 'node' : $node;
    }

    private static function repoRoot(): string
    {
        return dirname(__DIR__, 2);
    }

    private static function meshCentralDir(): string
    {
        $dir = self::repoRoot() . '/node_modules/meshcentral';
        if (!is_file($dir . '/meshcentral.js')) {
            throw new RuntimeException('MeshCentral is not installed: run npm install in ' . self::repoRoot());
        }

        return $dir;
    }
}
