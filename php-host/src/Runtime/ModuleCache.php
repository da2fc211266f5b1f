<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

/**
 * A file cache of compiled module artifacts, so a request deserializes (~1 ms) instead of compiling (~200 ms).
 *
 * Artifacts are native code that Wasmer loads without validation, so:
 * - the key covers everything that makes an artifact valid: sha256 of the wasm bytes, the Wasmer version, the CPU
 *   architecture and the compiler backend;
 * - a sidecar manifest records the artifact's sha256, checked before every wasm_module_deserialize (a mismatch falls
 *   back to compiling);
 * - under a web SAPI whose process cannot write the PHP host's own code, the cache is read-only and only trusted when
 *   neither the files nor the directory are writable by that process (a file-write hole must not become native code
 *   execution); it is then filled from the CLI (precompile()). A web process that CAN write the PHP code (a WHMCS
 *   install owned by the web user, or a server run as root) gains nothing from a planted artifact that it could not
 *   already do with PHP, so it reads and writes the cache like the CLI. Writes are atomic (temp file + rename), 0644.
 */
final class ModuleCache
{
    private const ARTIFACT_EXT = '.wasmu';
    private const MANIFEST_EXT = '.json';

    private WasmerLibrary $lib;
    private string $dir;
    private string $sapi;
    private bool $codeWritable;

    /**
     * @param string      $dir  cache directory
     * @param string|null $sapi the SAPI whose trust policy applies; null = PHP_SAPI (overridable for tests)
     * @param bool|null   $codeWritable whether this process can write the PHP host's code; null = find out
     */
    public function __construct(WasmerLibrary $lib, string $dir, ?string $sapi = null, ?bool $codeWritable = null)
    {
        $this->lib = $lib;
        $this->dir = rtrim($dir, '/');
        $this->sapi = $sapi ?? PHP_SAPI;
        $this->codeWritable = $codeWritable ?? (is_writable(__FILE__) || is_writable(__DIR__));
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
     * Loads the module of a .wasm file: from a verified artifact when there is one, else by compiling (and, under the
     * CLI, storing the artifact for next time). WasmModule::loadKind() tells which happened.
     */
    public function load(string $wasmPath, ?int $backend = null): WasmModule
    {
        $wasm = self::readFile($wasmPath);
        $backend ??= $this->lib->defaultBackend();
        $module = $this->tryDeserialize($wasm, $backend);
        if ($module !== null) {
            return $module;
        }
        $module = WasmModule::compile($this->lib, $wasm, $backend);
        if ($this->mayWrite()) {
            try {
                $this->write($wasm, $backend, $module->serialize());
            } catch (WasmException $e) {
                // A cache we cannot fill only costs time; the compiled module works.
            }
        }
        return $module;
    }

    /**
     * Compiles a .wasm file and stores its artifact (CLI only: web processes never write the cache).
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
        $module = WasmModule::compile($this->lib, $wasm, $backend);
        try {
            $this->write($wasm, $backend, $module->serialize());
        } finally {
            $module->close();
        }
        return $this->artifactPath($wasm, $backend);
    }

    private function tryDeserialize(string $wasm, int $backend): ?WasmModule
    {
        $artifactPath = $this->artifactPath($wasm, $backend);
        $manifestPath = $this->manifestPath($wasm, $backend);
        if (!is_file($artifactPath) || !is_file($manifestPath)) {
            return null;
        }
        if (!$this->mayWrite() && (is_writable($artifactPath) || is_writable($manifestPath) || is_writable($this->dir))) {
            // A cache this process could have written could also have been planted through it: do not run it.
            return null;
        }
        $manifest = json_decode((string) @file_get_contents($manifestPath), true);
        $artifact = @file_get_contents($artifactPath);
        if (!is_array($manifest) || !is_string($manifest['artifact_sha256'] ?? null) || $artifact === false) {
            return null;
        }
        if (!hash_equals($manifest['artifact_sha256'], hash('sha256', $artifact))) {
            return null;
        }
        try {
            return WasmModule::deserialize($this->lib, $artifact, $backend);
        } catch (WasmException $e) {
            // An artifact Wasmer refuses (e.g. another build) is just a cache miss.
            return null;
        }
    }

    private function write(string $wasm, int $backend, string $artifact): void
    {
        if (!is_dir($this->dir) && !@mkdir($this->dir, 0755, true) && !is_dir($this->dir)) {
            throw new WasmException(sprintf('Cannot create the module cache directory "%s"', $this->dir));
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

    private function atomicWrite(string $path, string $bytes): void
    {
        $tmp = @tempnam($this->dir, '.tmp-');
        if ($tmp === false) {
            throw new WasmException(sprintf('Cannot create a temporary file in "%s"', $this->dir));
        }
        if (@file_put_contents($tmp, $bytes) !== strlen($bytes) || !@chmod($tmp, 0644) || !@rename($tmp, $path)) {
            @unlink($tmp);
            throw new WasmException(sprintf('Cannot write "%s"', $path));
        }
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

    private static function readFile(string $path): string
    {
        $bytes = @file_get_contents($path);
        if ($bytes === false) {
            throw new WasmException(sprintf('Cannot read Wasm module "%s"', $path));
        }
        return $bytes;
    }
}
