<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

/**
 * A file cache of compiled module artifacts, so a request deserializes (~1 ms) instead of compiling (~200 ms).
 *
 * Artifacts are native code that Wasmer loads WITHOUT validation: loading a planted one runs the planter's code in
 * this process. A hash beside the artifact proves nothing (whoever plants one writes a matching manifest), so the
 * trust is in who can write the files:
 * - trusted owners are this process's user, root and the owner of the PHP host's own files (the deploy user: it can
 *   rewrite the PHP code anyway, so a cache it filled gives nobody more than they had);
 * - before every read and every write, the cache directory, each of its ancestors and each file read from it must be
 *   owned by a trusted user, not writable by group or others (an ancestor may be a sticky directory such as /tmp),
 *   and the directory and the files must not be symbolic links. Files are checked with lstat, opened, checked again
 *   with fstat on the open handle (same inode, still a trusted regular file with one link) and read through that
 *   handle, so a file swapped between the check and the open is refused, not loaded;
 * - under a web SAPI whose process cannot write the PHP host's code (the hardened setup), the cache is also read-only
 *   and only trusted when neither the files nor the directory are writable by that process: a file-write hole in the
 *   web application must not become native code execution. It is then filled from the CLI (precompile()). A web
 *   process that CAN write the PHP code gains nothing from a planted artifact, so it reads and writes like the CLI;
 * - the key covers everything that makes an artifact valid (sha256 of the wasm, Wasmer version, CPU, compiler) and the
 *   manifest's artifact sha256 catches a truncated or corrupted file; neither is a security check.
 * Anything refused is compiled in memory instead (slower, never broken); report() says why.
 */
final class CompiledWasmCache
{
    private const ARTIFACT_EXT = '.wasmu';
    private const MANIFEST_EXT = '.json';
    private const S_IFMT = 0170000;
    private const S_IFDIR = 0040000;
    private const S_IFREG = 0100000;
    private const S_IFLNK = 0120000;
    private const S_ISVTX = 01000;

    private WasmerLibrary $lib;
    private string $dir;
    private string $sapi;
    private bool $codeWritable;
    /** @var array<int, string> uid => why it is trusted */
    private array $trusted;
    private string $report = 'not used yet';

    /**
     * @param string      $dir  cache directory
     * @param string|null $sapi the SAPI whose trust policy applies; null = PHP_SAPI (overridable for tests)
     * @param bool|null   $codeWritable whether this process can write the PHP host's code; null = find out
     */
    public function __construct(WasmerLibrary $lib, string $dir, ?string $sapi = null, ?bool $codeWritable = null)
    {
        $this->lib = $lib;
        $this->dir = self::absolute(rtrim($dir, '/'));
        $this->sapi = $sapi ?? PHP_SAPI;
        $this->codeWritable = $codeWritable ?? (is_writable(__FILE__) || is_writable(__DIR__));
        $this->trusted = [0 => 'root'];
        $codeOwner = @fileowner(__FILE__);
        if (is_int($codeOwner)) {
            $this->trusted[$codeOwner] ??= 'owner of the PHP host';
        }
        // Without ext-posix the process's own uid is unknown: only root and the code's owner are trusted then.
        if (function_exists('posix_geteuid')) {
            $this->trusted[posix_geteuid()] ??= 'this process';
        }
    }

    /**
     * The cache key: sha256 of the wasm, Wasmer version, CPU architecture and backend, in a file-name-safe form.
     */
    public function key(string $wasm, int $backend): string
    {
        $parts = [
            hash('sha256', $wasm),
            'wasmer' . $this->lib->version(),
            php_uname('m'),
            WasmerLibrary::backendName($backend),
        ];
        return (string) preg_replace('/[^A-Za-z0-9._-]/', '_', implode('-', $parts));
    }

    public function artifactPath(string $wasm, int $backend): string
    {
        return $this->dir . '/' . $this->key($wasm, $backend) . self::ARTIFACT_EXT;
    }

    public function manifestPath(string $wasm, int $backend): string
    {
        return $this->dir . '/' . $this->key($wasm, $backend) . self::MANIFEST_EXT;
    }

    /**
     * What the last load() or precompile() did with the cache and why, one line for diagnostics (Connector::backend()):
     * e.g. "loaded /c/x.wasmu", "compiled (no artifact yet); stored /c/x.wasmu", "compiled (refused: /c is writable by
     * group or others)".
     */
    public function report(): string
    {
        return $this->report;
    }

    /**
     * Loads the module of a .wasm file: from a trusted, verified artifact when there is one, else by compiling (and,
     * where this process may write the cache, storing the artifact for next time). Never fails because of the cache.
     * CompiledWasm::loadKind() tells which happened, report() why.
     */
    public function load(string $wasmPath, ?int $backend = null): CompiledWasm
    {
        $wasm = self::readFile($wasmPath);
        $backend ??= $this->lib->defaultBackend();
        $why = '';
        $module = $this->tryDeserialize($wasm, $backend, $why);
        if ($module !== null) {
            $this->report = 'loaded ' . $this->artifactPath($wasm, $backend);
            return $module;
        }
        $module = CompiledWasm::compile($this->lib, $wasm, $backend);
        $this->report = 'compiled (' . $why . ')';
        if ($this->mayWrite()) {
            // write() checks the directory again and refuses an untrusted one; a refused FILE in a trusted directory is
            // replaced (rename swaps the name, never writes through a link).
            try {
                $this->write($wasm, $backend, $module->serialize());
                $this->report .= '; stored ' . $this->artifactPath($wasm, $backend);
            } catch (WasmException $e) {
                // A cache we cannot fill only costs time; the compiled module works.
                $this->report .= '; not stored: ' . $e->getMessage();
            }
        }
        return $module;
    }

    /**
     * Compiles a .wasm file and stores its artifact (CLI only). Throws when the cache directory is not one this user
     * may fill (see the class comment), saying why.
     *
     * @return string the artifact path
     */
    public function precompile(string $wasmPath, ?int $backend = null): string
    {
        if (!$this->isCli()) {
            throw new WasmException('Precompiling writes the artifact cache and is only allowed from the CLI');
        }
        $wasm = self::readFile($wasmPath);
        $backend ??= $this->lib->defaultBackend();
        $module = CompiledWasm::compile($this->lib, $wasm, $backend);
        try {
            $this->write($wasm, $backend, $module->serialize());
        } finally {
            $module->close();
        }
        $this->report = 'stored ' . $this->artifactPath($wasm, $backend);
        return $this->artifactPath($wasm, $backend);
    }

    /** @param string $why set to the reason when null is returned ("refused: ..." when something is not trusted) */
    private function tryDeserialize(string $wasm, int $backend, string &$why): ?CompiledWasm
    {
        $refusal = $this->dirRefusal($this->dir);
        if ($refusal !== null) {
            $why = $refusal === '' ? 'no cache directory yet' : 'refused: ' . $refusal;
            return null;
        }
        $artifactPath = $this->artifactPath($wasm, $backend);
        $manifestPath = $this->manifestPath($wasm, $backend);
        $manifestJson = $this->readTrusted($manifestPath, $refusal);
        $artifact = $manifestJson === null ? null : $this->readTrusted($artifactPath, $refusal);
        if ($manifestJson === null || $artifact === null) {
            $why = $refusal === '' ? 'no artifact yet' : 'refused: ' . $refusal;
            return null;
        }
        if (!$this->mayWrite() && (is_writable($artifactPath) || is_writable($manifestPath) || is_writable($this->dir))) {
            // A cache this process could have written could also have been planted through it: do not run it.
            $why = 'refused: this web process can write the cache but not the PHP code; fill it with bin/precompile.php';
            return null;
        }
        $manifest = json_decode($manifestJson, true);
        if (
            !is_array($manifest) || !is_string($manifest['artifact_sha256'] ?? null)
            || !hash_equals($manifest['artifact_sha256'], hash('sha256', $artifact))
        ) {
            $why = 'artifact does not match its manifest';
            return null;
        }
        try {
            return CompiledWasm::deserialize($this->lib, $artifact, $backend);
        } catch (WasmException $e) {
            // An artifact Wasmer refuses (e.g. another build) is just a cache miss.
            $why = 'Wasmer refused the artifact';
            return null;
        }
    }

    private function write(string $wasm, int $backend, string $artifact): void
    {
        $refusal = $this->dirRefusal($this->dir);
        if ($refusal === '') {
            // Missing: create it, but only inside trusted ancestors, then check what was created.
            $refusal = $this->ancestorRefusal(dirname($this->dir));
            if ($refusal === null) {
                $umask = umask(0022);
                @mkdir($this->dir, 0755, true);
                umask($umask);
                $refusal = $this->dirRefusal($this->dir);
            }
        }
        if ($refusal !== null) {
            throw new WasmException(sprintf(
                'Will not write the module cache "%s": %s',
                $this->dir,
                $refusal === '' ? 'cannot create it' : $refusal
            ));
        }
        $manifest = [
            'artifact_sha256' => hash('sha256', $artifact),
            'wasm_sha256' => hash('sha256', $wasm),
            'wasmer_version' => $this->lib->version(),
            'arch' => php_uname('m'),
            'backend' => WasmerLibrary::backendName($backend),
            'created' => gmdate('c'),
        ];
        // Artifact first, manifest last: a reader never sees a manifest that promises an artifact not yet in place.
        $this->atomicWrite($this->artifactPath($wasm, $backend), $artifact);
        $this->atomicWrite(
            $this->manifestPath($wasm, $backend),
            json_encode($manifest, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR) . "\n"
        );
    }

    /** tempnam creates the file with O_EXCL and mode 0600 in the checked directory; rename replaces atomically. */
    private function atomicWrite(string $path, string $bytes): void
    {
        $tmp = @tempnam($this->dir, '.tmp-');
        if ($tmp === false || dirname($tmp) !== $this->dir) {
            // tempnam falls back to the system temp dir when it cannot create the file here: never write there.
            if (is_string($tmp)) {
                @unlink($tmp);
            }
            throw new WasmException(sprintf('Cannot create a temporary file in "%s"', $this->dir));
        }
        if (@file_put_contents($tmp, $bytes) !== strlen($bytes) || !@chmod($tmp, 0644) || !@rename($tmp, $path)) {
            @unlink($tmp);
            throw new WasmException(sprintf('Cannot write "%s"', $path));
        }
    }

    /**
     * Why the cache directory may not be used: null when it may, '' when it does not exist (a miss, not a refusal),
     * otherwise the reason.
     */
    private function dirRefusal(string $dir): ?string
    {
        clearstatcache();
        $st = @lstat($dir);
        if ($st === false) {
            return '';
        }
        if (($st['mode'] & self::S_IFMT) === self::S_IFLNK) {
            return sprintf('%s is a symbolic link', $dir);
        }
        if (($st['mode'] & self::S_IFMT) !== self::S_IFDIR) {
            return sprintf('%s is not a directory', $dir);
        }
        return $this->statRefusal($dir, $st, false) ?? $this->ancestorRefusal(dirname($dir));
    }

    /**
     * Whoever can write an ancestor can rename the cache directory away and put their own in its place, so every
     * ancestor must be trusted too (a sticky one, like /tmp, only lets others remove what they own). The nearest
     * ancestors may not exist yet (write() creates them): they are skipped. A symbolic link on the way is followed:
     * its own directory is checked as an ancestor, its target's directories are checked like the rest.
     */
    private function ancestorRefusal(string $path): ?string
    {
        $prefix = '';
        foreach (explode('/', trim($path, '/')) as $part) {
            if ($part === '' || $part === '.') {
                continue;
            }
            $prefix .= '/' . $part;
            $st = @lstat($prefix);
            if ($st === false) {
                return null;
            }
            if (($st['mode'] & self::S_IFMT) === self::S_IFLNK) {
                $real = realpath($prefix);
                if ($real === false) {
                    return sprintf('%s is a dangling symbolic link', $prefix);
                }
                $refusal = $this->realChainRefusal($real);
                if ($refusal !== null) {
                    return $refusal;
                }
                continue;
            }
            $refusal = $this->statRefusal($prefix, $st, true);
            if ($refusal !== null) {
                return $refusal;
            }
        }
        $st = @lstat('/');
        return $st === false ? null : $this->statRefusal('/', $st, true);
    }

    /** Every directory of a path realpath() resolved (so it holds no links; one showing up now is refused). */
    private function realChainRefusal(string $real): ?string
    {
        $prefix = '';
        foreach (explode('/', trim($real, '/')) as $part) {
            $prefix .= '/' . $part;
            $st = @lstat($prefix);
            if ($st === false || ($st['mode'] & self::S_IFMT) !== self::S_IFDIR) {
                return sprintf('%s changed while it was checked', $prefix);
            }
            $refusal = $this->statRefusal($prefix, $st, true);
            if ($refusal !== null) {
                return $refusal;
            }
        }
        return null;
    }

    /**
     * @param array<int|string, int> $st lstat/fstat result
     * @param bool $ancestor a sticky directory is fine as an ancestor (not as the cache directory itself)
     */
    private function statRefusal(string $path, array $st, bool $ancestor): ?string
    {
        if (!isset($this->trusted[$st['uid']])) {
            return sprintf(
                '%s is owned by uid %d, not by a trusted user (%s)',
                $path,
                $st['uid'],
                implode(', ', array_map(static fn (int $uid, string $who): string => "$uid $who", array_keys($this->trusted), $this->trusted))
            );
        }
        if (($st['mode'] & 0022) !== 0 && !($ancestor && ($st['mode'] & self::S_ISVTX) !== 0)) {
            return sprintf('%s is writable by group or others (mode %04o)', $path, $st['mode'] & 07777);
        }
        return null;
    }

    /**
     * The bytes of a file of the checked cache directory, or null ($refusal '' = it does not exist, else why it was
     * refused). PHP cannot open with O_NOFOLLOW, so the file is lstat-ed, opened, and the open handle is fstat-ed: a
     * link or another file swapped in between has another inode and is refused; the bytes come from that handle.
     */
    private function readTrusted(string $path, ?string &$refusal): ?string
    {
        clearstatcache(true, $path);
        $before = @lstat($path);
        if ($before === false) {
            $refusal = '';
            return null;
        }
        $refusal = $this->fileRefusal($path, $before);
        if ($refusal !== null) {
            return null;
        }
        $handle = @fopen($path, 'rb');
        if ($handle === false) {
            $refusal = sprintf('cannot open %s', $path);
            return null;
        }
        try {
            $opened = fstat($handle);
            clearstatcache(true, $path);
            $after = @lstat($path);
            foreach ([$opened, $after] as $st) {
                if ($st === false || $st['dev'] !== $before['dev'] || $st['ino'] !== $before['ino']) {
                    $refusal = sprintf('%s changed while it was opened', $path);
                    return null;
                }
            }
            $refusal = $this->fileRefusal($path, $opened);
            if ($refusal !== null) {
                return null;
            }
            $bytes = stream_get_contents($handle);
        } finally {
            fclose($handle);
        }
        if (!is_string($bytes)) {
            $refusal = sprintf('cannot read %s', $path);
            return null;
        }
        return $bytes;
    }

    /** @param array<int|string, int> $st */
    private function fileRefusal(string $path, array $st): ?string
    {
        if (($st['mode'] & self::S_IFMT) === self::S_IFLNK) {
            return sprintf('%s is a symbolic link', $path);
        }
        if (($st['mode'] & self::S_IFMT) !== self::S_IFREG) {
            return sprintf('%s is not a regular file', $path);
        }
        if ($st['nlink'] !== 1) {
            // A hard link makes someone else's file appear here with its owner and mode intact.
            return sprintf('%s has %d hard links', $path, $st['nlink']);
        }
        return $this->statRefusal($path, $st, false);
    }

    /** The CLI, or a web process that could rewrite the PHP host itself anyway (see the class comment). */
    private function mayWrite(): bool
    {
        return $this->isCli() || $this->codeWritable;
    }

    private function isCli(): bool
    {
        return $this->sapi === 'cli' || $this->sapi === 'phpdbg';
    }

    private static function absolute(string $dir): string
    {
        if ($dir === '') {
            return '/';
        }
        return $dir[0] === '/' ? $dir : rtrim((string) getcwd(), '/') . '/' . $dir;
    }

    private static function readFile(string $path): string
    {
        $bytes = @file_get_contents($path);
        if ($bytes === false) {
            throw new WasmException(sprintf('Cannot read Wasm module "%s"', $path));
        }
        return $bytes;
    }
}
