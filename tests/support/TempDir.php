<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use RuntimeException;

/** Private temp dirs for the test harness (servers, agents, emulated WHMCS installs) and their removal. */
final class TempDir
{
    /** A new 0700 dir under the system temp dir, named $prefix + 12 random hex digits. */
    public static function create(string $prefix): string
    {
        $dir = sys_get_temp_dir() . '/' . $prefix . bin2hex(random_bytes(6));
        if (!mkdir($dir, 0700)) {
            throw new RuntimeException('Cannot create ' . $dir);
        }
        return $dir;
    }

    /** Removes $dir and everything below it; symlinks are removed, never followed. Missing is fine. */
    public static function remove(string $dir): void
    {
        if (!is_dir($dir) || is_link($dir)) {
            @unlink($dir);
            return;
        }
        foreach (scandir($dir) ?: [] as $entry) {
            if ($entry !== '.' && $entry !== '..') {
                self::remove($dir . '/' . $entry);
            }
        }
        @rmdir($dir);
    }
}
