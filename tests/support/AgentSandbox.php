<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use LogicException;
use RuntimeException;
use WeakReference;

/**
 * A REAL MeshCentral Linux agent (x64) for one device group, isolated in a loopback-only network namespace.
 *
 * Where it comes from: the test server's own installer links for the group, `/meshagents?id=6` (the Linux x64
 * binary) and `/meshsettings?id=<suffix>` (the group's .msh: MeshServer=wss://127.0.0.1:<port>/agent.ashx,
 * MeshID, ServerID). Both go in a private temp dir as `meshagent` and `meshagent.msh`; run with no arguments and
 * the .msh beside it, the agent stays in the foreground, connects, and keeps its identity (certificate, hence
 * node id) in `meshagent.db` next to the binary. Keeping that dir is what makes restart() come back as the SAME node.
 *
 * Network (the agent never has any network but its own namespace's loopback):
 *
 *   agent -> 127.0.0.1:PORT (namespace) -[inner relay]-> DIR/bridge.sock -[outer relay]-> 127.0.0.1:PORT (host)
 *
 * - `unshare --net --uts` makes a fresh network namespace (only `lo`, brought up with `ip link set lo up`) and a UTS
 *   namespace whose hostname we choose: MeshCentral names the node after the hostname, so nodeName() is known.
 * - Inside, 127.0.0.1 is the namespace's own loopback, so the agent cannot reach the server directly. Unix domain
 *   sockets are not network-namespaced (they are files), so a relay inside the namespace listens on its 127.0.0.1:PORT
 *   and pipes each connection to a Unix socket file in DIR; a relay outside listens on that file and pipes to the real
 *   server on the host's 127.0.0.1:PORT. Both relays are the same small PHP script (one process each, stream_select,
 *   no extra package); the TLS stream is relayed untouched, so the agent still checks the server's identity.
 * - The inner relay is the namespace's first process: the agent joins it with `nsenter` (so kill()/restart() reuse the
 *   same namespace and hostname). Nothing is mounted or named: the namespace disappears with its last process.
 * - Every process is started by this PHP process with `setpriv --pdeathsig KILL` (and the agent with `setsid`, so its
 *   helpers share its process group): if PHP dies, even by SIGKILL, the kernel kills them too.
 *
 * Needs root (CAP_SYS_ADMIN for the namespaces) and util-linux (unshare, nsenter, setsid, setpriv), iproute2, posix.
 */
final class AgentSandbox
{
    public const AGENT_ID_LINUX_X64 = 6;

    private const READY_TIMEOUT = 15.0;
    private const EXIT_TIMEOUT = 10.0;
    private const DOWNLOAD_TIMEOUT = 60.0;
    private const SIGKILL = 9;
    private const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    private const READY_LINE = 'relay: listening on ';

    /**
     * The relay run on both sides of the bridge: `php relay.php LISTEN_URI CONNECT_URI`. One process; for each
     * accepted connection it opens one to CONNECT_URI and copies bytes both ways; when one side ends, what is still
     * buffered for the other is flushed and both are closed (so a killed agent drops the server connection at once).
     */
    private const RELAY_SCRIPT = <<<'PHP'
        <?php

        declare(strict_types=1);

        if ($argc !== 3) {
            fwrite(STDERR, "usage: relay.php LISTEN_URI CONNECT_URI\n");
            exit(2);
        }
        [, $listenUri, $connectUri] = $argv;
        $listener = @stream_socket_server($listenUri, $errno, $errstr);
        if ($listener === false) {
            fwrite(STDERR, "relay: cannot listen on {$listenUri}: {$errstr}\n");
            exit(1);
        }
        fwrite(STDOUT, "relay: listening on {$listenUri}, forwarding to {$connectUri}\n");

        $sockets = []; // id => stream
        $peer = [];    // id => id of the other end
        $out = [];     // id => bytes waiting to be written to that stream
        $closePair = static function (int $id) use (&$sockets, &$peer, &$out): void {
            $other = $peer[$id];
            if (isset($sockets[$other]) && $out[$other] !== '') {
                stream_set_blocking($sockets[$other], true);
                @fwrite($sockets[$other], $out[$other]);
            }
            foreach ([$id, $other] as $x) {
                if (isset($sockets[$x])) {
                    @fclose($sockets[$x]);
                }
                unset($sockets[$x], $peer[$x], $out[$x]);
            }
            fwrite(STDOUT, "relay: connection closed\n");
        };

        while (true) {
            $read = [$listener];
            $write = [];
            foreach ($sockets as $id => $stream) {
                if (strlen($out[$peer[$id]]) < 1048576) {
                    $read[] = $stream;
                }
                if ($out[$id] !== '') {
                    $write[] = $stream;
                }
            }
            $except = null;
            if (@stream_select($read, $write, $except, null) === false) {
                continue;
            }
            foreach ($read as $stream) {
                if ($stream === $listener) {
                    $client = @stream_socket_accept($listener, 0);
                    if ($client === false) {
                        continue;
                    }
                    $upstream = @stream_socket_client($connectUri, $errno, $errstr, 5);
                    if ($upstream === false) {
                        fwrite(STDOUT, "relay: cannot connect to {$connectUri}: {$errstr}\n");
                        fclose($client);
                        continue;
                    }
                    stream_set_blocking($client, false);
                    stream_set_blocking($upstream, false);
                    [$a, $b] = [get_resource_id($client), get_resource_id($upstream)];
                    $sockets[$a] = $client;
                    $sockets[$b] = $upstream;
                    $peer[$a] = $b;
                    $peer[$b] = $a;
                    $out[$a] = '';
                    $out[$b] = '';
                    fwrite(STDOUT, "relay: connection opened\n");
                    continue;
                }
                $id = get_resource_id($stream);
                if (!isset($sockets[$id])) {
                    continue; // closed earlier in this round
                }
                $data = @fread($stream, 65536);
                if ($data === false || ($data === '' && feof($stream))) {
                    $closePair($id);
                    continue;
                }
                $out[$peer[$id]] .= $data;
            }
            foreach ($write as $stream) {
                $id = get_resource_id($stream);
                if (!isset($sockets[$id]) || $out[$id] === '') {
                    continue;
                }
                $written = @fwrite($stream, $out[$id]);
                if ($written === false) {
                    $out[$id] = '';
                    $closePair($id);
                    continue;
                }
                $out[$id] = substr($out[$id], $written);
            }
        }

        PHP;

    /** @var resource|null */
    private $agentProcess = null;

    private ?int $agentPid = null;

    private bool $stopped = false;

    /**
     * @param resource|null $outerRelay
     * @param resource|null $innerRelay
     * @param array<string, string> $settings
     * @param array{agent: string, settings: string} $downloads
     */
    private function __construct(
        private readonly string $dir,
        private readonly string $meshId,
        private readonly string $nodeName,
        private readonly array $settings,
        private readonly array $downloads,
        private mixed $outerRelay,
        private readonly int $outerPid,
        private mixed $innerRelay,
        private readonly int $innerPid,
        private readonly string $netNamespace,
    ) {
    }

    /**
     * Downloads the agent and the group's settings from $server, builds the namespace and the bridge, starts the agent.
     * It connects on its own (about 1-2 s): poll the server for the node (named nodeName()).
     */
    public static function start(MeshCentralServer $server, string $meshId): self
    {
        if (preg_match('~^mesh//([A-Za-z0-9@$]+)$~', $meshId, $m) !== 1) {
            throw new RuntimeException('Not a device group id: ' . $meshId);
        }
        if (!function_exists('posix_kill')) {
            throw new RuntimeException('AgentSandbox needs the posix extension.');
        }
        foreach (['unshare', 'nsenter', 'setsid', 'setpriv', 'ip', 'hostname'] as $tool) {
            self::tool($tool);
        }
        $downloads = [
            'agent' => $server->httpsUrl() . '/meshagents?id=' . self::AGENT_ID_LINUX_X64,
            'settings' => $server->httpsUrl() . '/meshsettings?id=' . rawurlencode($m[1]),
        ];

        // Short: the Unix socket path inside must stay under 108 bytes.
        $dir = TempDir::create('meshagent-sandbox-');
        $outer = $inner = null;
        try {
            $binary = self::download($server, $downloads['agent']);
            if (!str_starts_with($binary, "\x7fELF") || strlen($binary) < 100_000) {
                throw new RuntimeException(
                    sprintf('%s did not serve a Linux agent (%d bytes).', $downloads['agent'], strlen($binary))
                );
            }
            $msh = self::download($server, $downloads['settings']);
            $settings = self::parseMsh($msh);
            // The agent must only ever be pointed at our own server on loopback.
            $expected = $server->url() . '/agent.ashx';
            if (
                ($settings['MeshServer'] ?? null) !== $expected
                || ($settings['MeshID'] ?? '') === ''
                || ($settings['ServerID'] ?? '') === ''
            ) {
                throw new RuntimeException(sprintf(
                    'Unexpected settings from %s (want MeshServer=%s, MeshID, ServerID).',
                    $downloads['settings'],
                    $expected
                ));
            }

            mkdir($dir . '/agent', 0700);
            self::writeFile($dir . '/agent/meshagent', $binary, 0700);
            self::writeFile($dir . '/agent/meshagent.msh', $msh, 0600);
            self::writeFile($dir . '/relay.php', self::RELAY_SCRIPT, 0600);

            $socket = 'unix://' . $dir . '/bridge.sock';
            $loopback = 'tcp://127.0.0.1:' . $server->port();
            $relay = [PHP_BINARY, '-n', $dir . '/relay.php'];

            // Outside: the Unix socket file -> the real server.
            $outer = self::spawn(
                array_merge(self::dieWithUs(), $relay, [$socket, $loopback]),
                $dir,
                $dir . '/bridge-outside.log'
            );
            self::waitForLine($outer, $dir . '/bridge-outside.log', self::READY_LINE, 'the outer relay');

            // Inside a new network + UTS namespace: loopback up, our hostname, then 127.0.0.1:PORT -> the socket file.
            $nodeName = 'sandbox-' . bin2hex(random_bytes(4));
            $inner = self::spawn(
                array_merge(
                    self::dieWithUs(),
                    [
                        self::tool('unshare'), '--net', '--uts', '--', '/bin/sh', '-c',
                        sprintf(
                            '%s link set lo up && %s "$1" && shift && exec "$@"',
                            self::tool('ip'),
                            self::tool('hostname')
                        ),
                        'sh', $nodeName,
                    ],
                    $relay,
                    [$loopback, $socket]
                ),
                $dir,
                $dir . '/bridge-inside.log'
            );
            self::waitForLine($inner, $dir . '/bridge-inside.log', self::READY_LINE, 'the relay inside the namespace');
            $innerPid = (int) proc_get_status($inner)['pid'];
            $namespace = (string) @readlink('/proc/' . $innerPid . '/ns/net');
            if ($namespace === '' || $namespace === (string) @readlink('/proc/self/ns/net')) {
                throw new RuntimeException('The relay is not in a network namespace of its own.');
            }
        } catch (\Throwable $e) {
            foreach ([$inner, $outer] as $process) {
                if (is_resource($process)) {
                    proc_terminate($process, self::SIGKILL);
                    proc_close($process);
                }
            }
            $logs = self::readLogs($dir);
            TempDir::remove($dir);
            throw new RuntimeException($e->getMessage() . ($logs === '' ? '' : "\n" . $logs), 0, $e);
        }

        $sandbox = new self(
            $dir,
            $meshId,
            $nodeName,
            $settings,
            $downloads,
            $outer,
            (int) proc_get_status($outer)['pid'],
            $inner,
            $innerPid,
            $namespace
        );
        // Stop at the end of the PHP process even when a failing test never reaches stop(); the weak reference lets
        // __destruct run earlier when the object goes away.
        $weak = WeakReference::create($sandbox);
        register_shutdown_function(static function () use ($weak): void {
            try {
                $weak->get()?->stop();
            } catch (\Throwable $e) {
                fwrite(STDERR, 'AgentSandbox: ' . $e->getMessage() . "\n");
            }
        });
        try {
            $sandbox->spawnAgent();
        } catch (\Throwable $e) {
            $log = $sandbox->log();
            $sandbox->stop();
            throw new RuntimeException($e->getMessage() . "\n" . $log, 0, $e);
        }

        return $sandbox;
    }

    /**
     * SIGKILL to the agent (and anything it started): the TCP connection drops at once, so the server shows the
     * node offline. The namespace, the bridge and the agent's files (its identity) stay for restart(). Idempotent.
     */
    public function kill(): void
    {
        if ($this->agentPid === null) {
            return;
        }
        $pid = $this->agentPid;
        @posix_kill(-$pid, self::SIGKILL); // its process group (setsid): helpers it spawned
        @posix_kill($pid, self::SIGKILL);
        $deadline = microtime(true) + self::EXIT_TIMEOUT;
        while (true) {
            // Anything else still in the namespace came from the agent (a helper that left its group).
            foreach ($this->namespaceProcesses() as $other) {
                if ($other !== $this->innerPid) {
                    @posix_kill($other, self::SIGKILL);
                }
            }
            $running = is_resource($this->agentProcess) && proc_get_status($this->agentProcess)['running'];
            if (!$running && array_diff($this->namespaceProcesses(), [$this->innerPid]) === []) {
                break;
            }
            if (microtime(true) > $deadline) {
                throw new RuntimeException(sprintf('The agent (pid %d) did not die after SIGKILL.', $pid));
            }
            usleep(20_000);
        }
        if (is_resource($this->agentProcess)) {
            proc_close($this->agentProcess);
        }
        $this->agentProcess = null;
        $this->agentPid = null;
    }

    /**
     * Starts the same agent again (same files, same meshagent.db: it reconnects as the SAME node), in the same
     * namespace. Kills it first when it is still running.
     */
    public function restart(): void
    {
        if ($this->stopped) {
            throw new LogicException('The agent sandbox is stopped; start a new one.');
        }
        $this->kill();
        $this->spawnAgent();
    }

    /**
     * Kills the agent and both relays, checks that no process is left in the namespace (it then ceases to exist)
     * and removes the temp dir. Idempotent; also run by __destruct and at the end of the PHP process.
     */
    public function stop(): void
    {
        if ($this->stopped) {
            return;
        }
        $this->stopped = true;
        $error = null;
        try {
            $this->kill();
        } catch (RuntimeException $e) {
            $error = $e;
        }
        $deadline = microtime(true) + self::EXIT_TIMEOUT;
        foreach ([$this->innerRelay, $this->outerRelay] as $process) {
            if (is_resource($process)) {
                proc_terminate($process, self::SIGKILL);
            }
        }
        while (true) {
            $left = $this->namespaceProcesses();
            foreach ($left as $pid) {
                @posix_kill($pid, self::SIGKILL);
            }
            $relaysRunning = false;
            foreach ([$this->innerRelay, $this->outerRelay] as $process) {
                $relaysRunning = $relaysRunning || (is_resource($process) && proc_get_status($process)['running']);
            }
            if (!$relaysRunning && $left === []) {
                break;
            }
            if (microtime(true) > $deadline) {
                $error ??= new RuntimeException(
                    'Processes left in ' . $this->netNamespace . ': ' . implode(', ', $left)
                );
                break;
            }
            usleep(20_000);
        }
        foreach ([$this->innerRelay, $this->outerRelay] as $process) {
            if (is_resource($process)) {
                proc_close($process);
            }
        }
        $this->innerRelay = $this->outerRelay = null;
        TempDir::remove($this->dir);
        if ($error !== null) {
            throw $error;
        }
    }

    public function __destruct()
    {
        try {
            $this->stop();
        } catch (\Throwable $e) {
            fwrite(STDERR, 'AgentSandbox: ' . $e->getMessage() . "\n");
        }
    }

    /** The node's name in MeshCentral: the hostname of the sandbox's UTS namespace. */
    public function nodeName(): string
    {
        return $this->nodeName;
    }

    public function meshId(): string
    {
        return $this->meshId;
    }

    /** True while the agent process runs. */
    public function isRunning(): bool
    {
        return is_resource($this->agentProcess) && proc_get_status($this->agentProcess)['running'];
    }

    public function agentPid(): ?int
    {
        return $this->agentPid;
    }

    /**
     * Every process of this sandbox still alive: the outer relay and everything in the namespace (inner relay,
     * agent and its helpers). Empty after stop().
     *
     * @return list<int>
     */
    public function pids(): array
    {
        $pids = $this->namespaceProcesses();
        if (is_resource($this->outerRelay) && proc_get_status($this->outerRelay)['running']) {
            $pids[] = $this->outerPid;
        }
        sort($pids);

        return $pids;
    }

    /** The namespace's identity as the kernel names it, e.g. `net:[4026532177]` (compare with /proc/self/ns/net). */
    public function netNamespace(): string
    {
        return $this->netNamespace;
    }

    /**
     * Network interfaces inside the namespace, as `ip -o link` lists them (expected: only `lo`).
     *
     * @return list<string>
     */
    public function interfaces(): array
    {
        return $this->inNamespace([self::tool('ip'), '-o', 'link', 'show'], '~^\d+:\s+([^:@\s]+)~');
    }

    /**
     * IP addresses inside the namespace (`ip -o addr`), e.g. `lo 127.0.0.1/8`.
     *
     * @return list<string>
     */
    public function addresses(): array
    {
        return $this->inNamespace([self::tool('ip'), '-o', 'addr', 'show'], '~^\d+:\s+(\S+)\s+inet6?\s+(\S+)~');
    }

    /**
     * The agent's settings file as served by /meshsettings (MeshName, MeshType, MeshID, ServerID, MeshServer...).
     *
     * @return array<string, string>
     */
    public function settings(): array
    {
        return $this->settings;
    }

    /**
     * The URLs the binary and the settings were downloaded from.
     *
     * @return array{agent: string, settings: string}
     */
    public function downloads(): array
    {
        return $this->downloads;
    }

    /** The temp dir (agent/ with meshagent, meshagent.msh, meshagent.db; relay.php; bridge.sock; logs). */
    public function directory(): string
    {
        return $this->dir;
    }

    /** The agent's stdout/stderr (all runs), then the two relays' logs: for failure messages. */
    public function log(): string
    {
        return self::readLogs($this->dir);
    }

    // ---------------------------------------------------------------- internals

    private function spawnAgent(): void
    {
        $agentDir = $this->dir . '/agent';
        $ns = '/proc/' . $this->innerPid . '/ns/';
        // nsenter and setsid exec in place: the pid proc_open reports is the agent's, and its own process group.
        $process = self::spawn(
            array_merge(
                self::dieWithUs(),
                [
                    self::tool('nsenter'), '--net=' . $ns . 'net', '--uts=' . $ns . 'uts', '--',
                    self::tool('setsid'), $agentDir . '/meshagent',
                ]
            ),
            $agentDir,
            $this->dir . '/agent.log',
            // HOME in the sandbox: the agent's helpers (e.g. dconf) write their caches there, not in the host's home.
            ['PATH' => self::PATH, 'HOME' => $agentDir, 'LANG' => 'C.UTF-8']
        );
        $this->agentProcess = $process;
        $this->agentPid = (int) proc_get_status($process)['pid'];
        // It must have joined the namespace (nsenter) before we call it started.
        $deadline = microtime(true) + self::READY_TIMEOUT;
        while ((string) @readlink('/proc/' . $this->agentPid . '/ns/net') !== $this->netNamespace) {
            if (!proc_get_status($process)['running']) {
                throw new RuntimeException('The agent exited at once.');
            }
            if (microtime(true) > $deadline) {
                throw new RuntimeException('The agent did not enter the namespace.');
            }
            usleep(10_000);
        }
    }

    /** @return list<int> pids whose network namespace is ours */
    private function namespaceProcesses(): array
    {
        $pids = [];
        foreach (glob('/proc/[0-9]*/ns/net', GLOB_NOSORT) ?: [] as $link) {
            if (@readlink($link) === $this->netNamespace) {
                $pid = (int) substr($link, 6);
                $stat = (string) @file_get_contents('/proc/' . $pid . '/stat');
                $close = strrpos($stat, ')');
                if ($close !== false && !in_array(substr($stat, $close + 2, 1), ['Z', 'X'], true)) {
                    $pids[] = $pid;
                }
            }
        }
        sort($pids);

        return $pids;
    }

    /**
     * Runs a command in the namespace; returns the captures of each output line matching $pattern, joined by a space.
     *
     * @param list<string> $command
     * @return list<string>
     */
    private function inNamespace(array $command, string $pattern): array
    {
        if ($this->stopped) {
            throw new LogicException('The agent sandbox is stopped.');
        }
        $full = array_merge([self::tool('nsenter'), '--net=/proc/' . $this->innerPid . '/ns/net', '--'], $command);
        $process = proc_open($full, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        if (!is_resource($process)) {
            throw new RuntimeException('Cannot run ' . implode(' ', $full));
        }
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        if (proc_close($process) !== 0) {
            throw new RuntimeException(implode(' ', $full) . ' failed: ' . $err);
        }
        $result = [];
        foreach (explode("\n", $out) as $line) {
            if (preg_match($pattern, $line, $m) === 1) {
                $result[] = implode(' ', array_slice($m, 1));
            }
        }

        return $result;
    }

    /** @return list<string> a prefix that makes the kernel SIGKILL the command when this PHP process dies */
    private static function dieWithUs(): array
    {
        return [self::tool('setpriv'), '--pdeathsig', 'KILL', '--'];
    }

    /**
     * @param list<string> $command
     * @param array<string, string>|null $env
     * @return resource
     */
    private static function spawn(array $command, string $cwd, string $log, ?array $env = null)
    {
        $process = proc_open(
            $command,
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']],
            $pipes,
            $cwd,
            $env
        );
        if (!is_resource($process)) {
            throw new RuntimeException('Cannot run ' . $command[0]);
        }

        return $process;
    }

    /** @param resource $process */
    private static function waitForLine($process, string $log, string $needle, string $what): void
    {
        $deadline = microtime(true) + self::READY_TIMEOUT;
        while (!str_contains((string) @file_get_contents($log), $needle)) {
            $status = proc_get_status($process);
            if (!$status['running']) {
                throw new RuntimeException(
                    sprintf('%s exited (code %d) before it was ready.', ucfirst($what), $status['exitcode'])
                );
            }
            if (microtime(true) > $deadline) {
                throw new RuntimeException(
                    sprintf('%s was not ready after %d s.', ucfirst($what), (int) self::READY_TIMEOUT)
                );
            }
            usleep(10_000);
        }
    }

    private static function download(MeshCentralServer $server, string $url): string
    {
        $context = stream_context_create([
            'ssl' => ['cafile' => $server->caFile(), 'verify_peer' => true, 'verify_peer_name' => true],
            'http' => ['ignore_errors' => true, 'timeout' => self::DOWNLOAD_TIMEOUT],
        ]);
        $body = @file_get_contents($url, false, $context);
        $status = 0;
        if (preg_match('~^HTTP/\S+ (\d{3})~', $http_response_header[0] ?? '', $m) === 1) {
            $status = (int) $m[1];
        }
        if ($body === false || $status !== 200) {
            throw new RuntimeException(sprintf('GET %s: HTTP %d', $url, $status));
        }

        return $body;
    }

    /** @return array<string, string> the `key=value` lines of a .msh file */
    private static function parseMsh(string $msh): array
    {
        $settings = [];
        foreach (preg_split('/\r?\n/', $msh) ?: [] as $line) {
            $eq = strpos($line, '=');
            if ($eq !== false && $eq > 0) {
                $settings[substr($line, 0, $eq)] = substr($line, $eq + 1);
            }
        }

        return $settings;
    }

    private static function readLogs(string $dir): string
    {
        $parts = [];
        $files = [
            'agent.log' => 'agent output',
            'bridge-inside.log' => 'relay inside',
            'bridge-outside.log' => 'relay outside',
        ];
        foreach ($files as $file => $label) {
            $text = @file_get_contents($dir . '/' . $file);
            if ($text !== false && $text !== '') {
                $lines = explode("\n", rtrim($text));
                $parts[] = sprintf("--- %s (%s):\n%s", $label, $file, implode("\n", array_slice($lines, -60)));
            }
        }

        return implode("\n", $parts);
    }

    /** Absolute path of a system tool (commands are run without a shell, some with a minimal environment). */
    private static function tool(string $name): string
    {
        foreach (explode(':', self::PATH) as $dir) {
            if (is_file($dir . '/' . $name) && is_executable($dir . '/' . $name)) {
                return $dir . '/' . $name;
            }
        }
        throw new RuntimeException(
            'AgentSandbox needs ' . $name . ' (util-linux, iproute2, hostname) in ' . self::PATH
        );
    }

    private static function writeFile(string $file, string $content, int $mode): void
    {
        if (file_put_contents($file, $content) === false || !chmod($file, $mode)) {
            throw new RuntimeException('Cannot write ' . $file);
        }
    }
}
