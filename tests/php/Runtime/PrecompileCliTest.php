<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Runtime;

use MeshCentralConnector\Tests\Support\ReleaseInstall;
use MeshCentralConnector\Tests\Support\TempDir;

/**
 * bin/precompile.php of the release zip, run as an admin runs it: the default cache inside the module is filled and
 * then loaded by the module; a cache directory someone else controls is refused with the reason, and nothing is
 * written into it.
 */
final class PrecompileCliTest extends RuntimeTestCase
{
    private string $root = '';

    protected function tearDown(): void
    {
        if ($this->root !== '') {
            exec('rm -rf ' . escapeshellarg($this->root));
        }
    }

    /** @return array{0: int, 1: string} exit code and output */
    private static function php(string $module, string $code, string $cacheDir = ''): array
    {
        $cmd = sprintf(
            'env MESHCONNECTOR_LIBWASMER=%s MESHCONNECTOR_BACKEND=wasmer MESHCONNECTOR_CACHE_DIR=%s %s %s 2>&1',
            escapeshellarg(self::libPath()),
            escapeshellarg($cacheDir),
            escapeshellarg(PHP_BINARY),
            $code === '' ? escapeshellarg($module . '/bin/precompile.php') : '-r ' . escapeshellarg(
                'require ' . var_export($module . '/lib/autoload.php', true) . ';' . $code
            )
        );
        exec($cmd, $out, $status);
        return [$status, implode("\n", $out)];
    }

    private function module(): string
    {
        self::lib();
        $this->root = TempDir::create('mc-precompile');
        chmod($this->root, 0755);
        return ReleaseInstall::unpackInto($this->root);
    }

    public function testTheDefaultCacheInsideTheModuleIsFilledAndLoaded(): void
    {
        $module = $this->module();
        [$status, $out] = self::php($module, '');
        self::assertSame(0, $status, $out);
        self::assertStringContainsString('compiled into ' . $module . '/cache/', $out);
        self::assertSame(0755, fileperms($module . '/cache') & 0777);
        $load = '$c = WHMCS\\Module\\Server\\Meshcentral\\Support\\ConnectorFactory::get();'
            . 'echo $c->timings()["module_load_kind"], "|", $c->backend()["cache"], "|", $c->call(["op" => "version"])["abi"];';
        [$status, $out] = self::php($module, $load);
        self::assertSame(0, $status, $out);
        self::assertStringStartsWith('deserialize|loaded ' . $module . '/cache/', $out);
        self::assertStringEndsWith('|1000', $out);
    }

    public function testACacheDirectoryOfAnotherUserOrALinkIsRefused(): void
    {
        if (!function_exists('posix_geteuid') || posix_geteuid() !== 0) {
            self::markTestSkipped('needs root to chown a directory to "nobody"');
        }
        $module = $this->module();
        mkdir($this->root . '/theirs', 0755);
        chown($this->root . '/theirs', 'nobody');
        mkdir($this->root . '/mine', 0700);
        symlink($this->root . '/mine', $this->root . '/link');
        foreach (['theirs' => 'is owned by uid 65534', 'link' => 'is a symbolic link'] as $dir => $reason) {
            [$status, $out] = self::php($module, '', $this->root . '/' . $dir);
            self::assertSame(1, $status, $out);
            self::assertStringContainsString('precompile: Will not write the module cache', $out);
            self::assertStringContainsString($reason, $out);
            self::assertSame([], glob($this->root . '/' . $dir . '/{,.}[!.]*', GLOB_BRACE));
        }
    }
}
