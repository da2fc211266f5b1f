<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use RuntimeException;
use ZipArchive;

/**
 * The previous release's zip, built from git history by scripts/build-previous-release.sh (about a minute once; cached
 * in ~/.cache/meshcentral-connector/release-<commit>/, so later runs take it from there), for the upgrade test.
 */
final class PreviousRelease
{
    private static ?string $zip = null;

    public static function zip(): string
    {
        if (self::$zip === null) {
            $script = dirname(__DIR__, 2) . '/scripts/build-previous-release.sh';
            $proc = proc_open([$script], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
            if (!is_resource($proc)) {
                throw new RuntimeException("cannot run $script");
            }
            $out = (string) stream_get_contents($pipes[1]);
            $err = (string) stream_get_contents($pipes[2]);
            $status = proc_close($proc);
            $lines = explode("\n", trim($out));
            $zip = (string) end($lines);
            if ($status !== 0 || !is_file($zip)) {
                throw new RuntimeException("$script failed ($status): " . trim($err . "\n" . $out));
            }
            self::$zip = $zip;
        }
        return self::$zip;
    }

    /** @return list<string> the files of a release zip (paths inside the WHMCS root) */
    public static function files(string $zipPath): array
    {
        $zip = new ZipArchive();
        if ($zip->open($zipPath) !== true) {
            throw new RuntimeException("cannot open $zipPath");
        }
        $files = [];
        for ($i = 0; $i < $zip->numFiles; $i++) {
            $name = (string) $zip->getNameIndex($i);
            if (!str_ends_with($name, '/')) {
                $files[] = $name;
            }
        }
        $zip->close();
        sort($files);
        return $files;
    }

    /**
     * Runs a PHP script in a fresh process with `$input` as JSON on stdin (the environment is inherited: libwasmer,
     * backend, cache dir) and returns its stdout decoded from JSON.
     *
     * @param array<string, mixed> $input
     * @return array<string, mixed>
     */
    public static function runPhase(string $script, array $input): array
    {
        $proc = proc_open([PHP_BINARY, '-d', 'ffi.enable=1', $script], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        if (!is_resource($proc)) {
            throw new RuntimeException("cannot run $script");
        }
        fwrite($pipes[0], json_encode($input, JSON_THROW_ON_ERROR));
        fclose($pipes[0]);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        $status = proc_close($proc);
        $result = json_decode($out, true);
        if ($status !== 0 || !is_array($result)) {
            throw new RuntimeException("$script exited $status: " . trim($err . "\n" . $out));
        }
        return $result;
    }
}
