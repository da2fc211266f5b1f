<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Support;

/**
 * Remembers for a short while that a MeshCentral server did not answer, so pages stop waiting for it.
 *
 * Why: a MeshCentral that accepts TCP but never answers (overloaded, half-dead, a firewall that drops) costs every
 * page that asks it the whole page budget; with PHP-FPM's pool full of such pages the whole WHMCS stops answering.
 * After a failure that says "the server is not answering" (timeout, unreachable, connection lost) the breaker is
 * OPEN for OPEN_SECONDS: page-time calls (client area, Connect, the admin services tab) do not call, they render the
 * "temporarily unavailable" text at once. After the window ONE page tries again (half-open: it claims the try by
 * extending the window for PROBE_HOLD_SECONDS, so the pages that come meanwhile still render at once); a success
 * closes the breaker, a failure opens it for another window. Lifecycle actions and the cron are never blocked by it
 * (they have their own, longer timeout), but their outcome counts the same way.
 *
 * Storage: one small JSON file per server (the base URL's sha256) in stateDir(), replaced atomically (a temporary
 * file in the same directory, renamed over the old one), mode 0644. Files are shared by the web pages and the CLI
 * (cron, precompile) when both run as the same user (or the state directory's owner is trusted by both). APCu is
 * not used: it is per-SAPI (the cron's CLI would not see what the pages learnt, nor the other way round).
 *
 * What a file can do: at most make the module believe a server is down for OPEN_SECONDS from the failure time the
 * file states (never beyond: a time in the future, a too-long window, an oversized or malformed file, a link, a
 * file owned by an untrusted user or in a directory others can write all count as "no state"). It holds times and
 * an error kind from a fixed list, nothing that is ever run, included or shown unescaped.
 */
final class Breaker
{
    public const OPEN_SECONDS = 30;
    /** How long a half-open try holds off the other pages: more than a page's budget plus its close. */
    public const PROBE_HOLD_SECONDS = 5;
    /** The failures that say "the server is not answering" (the core's error kinds). */
    public const OPENING_KINDS = ['timeout', 'unreachable', 'connection_lost'];
    private const MAX_BYTES = 512;
    private const S_IFMT = 0170000;
    private const S_IFDIR = 0040000;
    private const S_IFREG = 0100000;

    /** @var \Closure(): int */
    private \Closure $clock;
    /** @var array<int, true> uids whose files count */
    private array $trusted;

    /** @param (\Closure(): int)|null $clock ms since the epoch (the core's clock: microtime) */
    public function __construct(private readonly string $dir, private readonly string $serverKey, ?\Closure $clock = null)
    {
        $this->clock = $clock ?? static fn (): int => (int) floor(microtime(true) * 1000);
        $this->trusted = [0 => true];
        $codeOwner = @fileowner(__FILE__);
        if (is_int($codeOwner)) {
            $this->trusted[$codeOwner] = true;
        }
        if (function_exists('posix_geteuid')) {
            $this->trusted[posix_geteuid()] = true;
        }
    }

    /** The breaker of the MeshCentral at `$baseUrl` (the core's base URL: one per server address). */
    public static function forServer(string $baseUrl): self
    {
        return new self(self::stateDir(), $baseUrl);
    }

    /**
     * MESHCONNECTOR_STATE_DIR, else `state/` in the module when this process may create or use it, else a directory of
     * this user's own in the system temp dir (`meshcentral-connector-state-<uid>`, refused if someone else made it).
     */
    public static function stateDir(): string
    {
        $env = getenv('MESHCONNECTOR_STATE_DIR');
        if (is_string($env) && $env !== '') {
            return rtrim($env, '/');
        }
        $module = dirname(__DIR__, 2) . '/state';
        if (is_dir($module) ? is_writable($module) : is_writable(dirname($module))) {
            return $module;
        }
        $uid = function_exists('posix_geteuid') ? (string) posix_geteuid() : 'web';
        return rtrim(sys_get_temp_dir(), '/') . '/meshcentral-connector-state-' . $uid;
    }

    /**
     * For a page-time call: null when it may call MeshCentral, else the open state (the failure that opened it and
     * when the next try may be made). A window that has passed is claimed for one try and null returned.
     *
     * @return array{kind: string, since_ms: int, until_ms: int}|null
     */
    public function blocking(): ?array
    {
        $state = $this->state();
        if ($state === null) {
            return null;
        }
        $now = ($this->clock)();
        if ($now < $state['until_ms']) {
            return $state;
        }
        // Half-open: this page tries; the others keep rendering at once until it is back or its hold ran out.
        $this->write($state['kind'], $state['since_ms'], $now + self::PROBE_HOLD_SECONDS * 1000);
        return null;
    }

    /** After a failed remote call: opens the breaker for OPEN_SECONDS when the kind says "not answering". */
    public function failed(string $kind): void
    {
        if (!in_array($kind, self::OPENING_KINDS, true)) {
            return;
        }
        $now = ($this->clock)();
        $this->write($kind, $now, $now + self::OPEN_SECONDS * 1000);
    }

    /** After a remote call that got its answer: closes the breaker (costs one stat when it was closed already). */
    public function succeeded(): void
    {
        $path = $this->path();
        clearstatcache(true, $path);
        if (@lstat($path) !== false && $this->dirRefusal() === null) {
            @unlink($path);
        }
    }

    /**
     * The recorded state, validated (see the class comment); null when there is none that counts.
     *
     * @return array{kind: string, since_ms: int, until_ms: int}|null
     */
    public function state(): ?array
    {
        if ($this->dirRefusal() !== null) {
            return null;
        }
        $raw = $this->readTrusted($this->path());
        $data = $raw === null ? null : json_decode($raw, true, 3);
        if (!is_array($data) || !is_int($data['since_ms'] ?? null) || !is_int($data['until_ms'] ?? null) || !is_string($data['kind'] ?? null)) {
            return null;
        }
        ['kind' => $kind, 'since_ms' => $since, 'until_ms' => $until] = $data;
        $now = ($this->clock)();
        // A state from the future, or one that holds longer than a window (or a probe hold) from its failure, is not
        // one this module wrote (or the clock jumped): it does not count, and the next write replaces it.
        if (!in_array($kind, self::OPENING_KINDS, true) || $since > $now || $until <= $since) {
            return null;
        }
        $latest = max($since + self::OPEN_SECONDS * 1000, $now + self::PROBE_HOLD_SECONDS * 1000);
        if ($until > $latest) {
            return null;
        }
        return ['kind' => $kind, 'since_ms' => $since, 'until_ms' => $until];
    }

    private function path(): string
    {
        return $this->dir . '/breaker-' . substr(hash('sha256', $this->serverKey), 0, 32) . '.json';
    }

    private function write(string $kind, int $sinceMs, int $untilMs): void
    {
        $refusal = $this->dirRefusal();
        if ($refusal === '') {
            $umask = umask(0022);
            @mkdir($this->dir, 0755, true);
            umask($umask);
            $refusal = $this->dirRefusal();
        }
        if ($refusal !== null) {
            // Without a usable directory the breaker only forgets: every page tries, within its budget.
            return;
        }
        $json = json_encode(['kind' => $kind, 'since_ms' => $sinceMs, 'until_ms' => $untilMs]);
        $tmp = @tempnam($this->dir, '.breaker-');
        if ($tmp === false || dirname($tmp) !== $this->dir) {
            // tempnam falls back to the system temp dir when it cannot create the file here: never write there.
            if (is_string($tmp)) {
                @unlink($tmp);
            }
            return;
        }
        // rename replaces the name (a link planted there is replaced, never written through).
        if (@file_put_contents($tmp, $json) !== strlen((string) $json) || !@chmod($tmp, 0644) || !@rename($tmp, $this->path())) {
            @unlink($tmp);
        }
    }

    /** null when the directory may be used, '' when it does not exist, else why not. */
    private function dirRefusal(): ?string
    {
        clearstatcache(true, $this->dir);
        $st = @lstat($this->dir);
        if ($st === false) {
            return '';
        }
        if (($st['mode'] & self::S_IFMT) !== self::S_IFDIR) {
            return 'not a directory (or a symbolic link)';
        }
        if (!isset($this->trusted[$st['uid']])) {
            return 'owned by another user';
        }
        if (($st['mode'] & 0022) !== 0) {
            return 'writable by group or others';
        }
        return null;
    }

    /** A small regular file of a trusted owner, read through the handle that was checked; null otherwise. */
    private function readTrusted(string $path): ?string
    {
        clearstatcache(true, $path);
        $before = @lstat($path);
        if ($before === false || !$this->fileOk($before)) {
            return null;
        }
        $handle = @fopen($path, 'rb');
        if ($handle === false) {
            return null;
        }
        try {
            $opened = fstat($handle);
            if ($opened === false || $opened['ino'] !== $before['ino'] || $opened['dev'] !== $before['dev'] || !$this->fileOk($opened)) {
                return null;
            }
            $bytes = fread($handle, self::MAX_BYTES + 1);
        } finally {
            fclose($handle);
        }
        return is_string($bytes) && strlen($bytes) <= self::MAX_BYTES ? $bytes : null;
    }

    /** @param array<int|string, int> $st */
    private function fileOk(array $st): bool
    {
        return ($st['mode'] & self::S_IFMT) === self::S_IFREG && $st['nlink'] === 1 && $st['size'] <= self::MAX_BYTES
            && isset($this->trusted[$st['uid']]) && ($st['mode'] & 0022) === 0;
    }
}
