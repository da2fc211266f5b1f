<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * Loads server modules the way WHMCS does: defines WHMCS and ROOTDIR, requires
 * modules/servers/<name>/<name>.php (whose functions are global <name>_<Function>), autoloads classes of the namespace
 * WHMCS\Module\Server\<Name>\ from the module's lib/, and reads its hooks.php.
 *
 * PHP cannot unload functions: a module is loaded once per process. Opening a second installation whose copy of the
 * module is the same file (a symlink install) or has the same content is fine; a different module under the same name
 * is refused with an explanation instead of silently running the old code.
 */
final class ModuleLoader
{
    /** @var array<string, string> module name => realpath of the loaded <name>.php */
    private static array $loaded = [];
    /** @var array<string, list<array{0: string, 1: int, 2: mixed}>> module name => hooks its hooks.php added */
    private static array $moduleHooks = [];
    /** @var list<array{0: string, 1: int, 2: mixed}>|null hooks being recorded while a hooks.php is read */
    private static ?array $capture = null;

    public static function assertValidName(string $module): void
    {
        // "all lowercase, containing only letters & numbers, always starting with a letter" (WHMCS sample module);
        // underscores are accepted because published modules use them.
        if (preg_match('/^[a-z][a-z0-9_]*$/', $module) !== 1) {
            throw new \InvalidArgumentException("invalid module name '$module'");
        }
    }

    public static function moduleDir(Whmcs $whmcs, string $module): string
    {
        self::assertValidName($module);
        return $whmcs->root() . '/modules/servers/' . $module;
    }

    public static function load(Whmcs $whmcs, string $module): void
    {
        $file = self::moduleDir($whmcs, $module) . '/' . $module . '.php';
        if (!is_file($file)) {
            throw new \RuntimeException("Module Not Found: $file does not exist");
        }
        $real = (string) realpath($file);
        if (isset(self::$loaded[$module])) {
            $first = self::$loaded[$module];
            if ($first === $real || (is_file($first) && hash_file('sha256', $first) === hash_file('sha256', $real))) {
                return;
            }
            throw new \LogicException(
                "module $module was already loaded in this PHP process from $first, which is gone or differs from "
                . "$real; PHP cannot unload functions: use one installation per process, or install the module "
                . 'with a symlink (Whmcs::installModule(..., symlink: true))'
            );
        }
        self::defineConstants($whmcs);
        self::registerLibAutoloader($module, dirname($real));
        self::$loaded[$module] = $real;
        (static function (string $file): void {
            require $file;
        })($real);
    }

    public static function functionName(string $module, string $function): string
    {
        return $module . '_' . $function;
    }

    public static function functionExists(Whmcs $whmcs, string $module, string $function): bool
    {
        self::load($whmcs, $module);
        return function_exists(self::functionName($module, $function));
    }

    /** Reads the module's hooks.php once per process and registers its hooks with $whmcs (every time). */
    public static function loadHooks(Whmcs $whmcs, string $module): void
    {
        $file = self::moduleDir($whmcs, $module) . '/hooks.php';
        if (!array_key_exists($module, self::$moduleHooks)) {
            if (!is_file($file)) {
                return;
            }
            self::defineConstants($whmcs);
            self::registerLibAutoloader($module, dirname((string) realpath($file)));
            self::$capture = [];
            try {
                (static function (string $file): void {
                    require $file;
                })($file);
                self::$moduleHooks[$module] = self::$capture;
            } finally {
                self::$capture = null;
            }
        }
        foreach (self::$moduleHooks[$module] as [$point, $priority, $function]) {
            $whmcs->hooks()->add($point, $priority, $function);
        }
    }

    /** Called by add_hook(): true when the registration was recorded for the hooks.php being read. */
    public static function captureHook(string $hookPoint, int $priority, mixed $function): bool
    {
        if (self::$capture === null) {
            return false;
        }
        self::$capture[] = [$hookPoint, $priority, $function];
        return true;
    }

    private static function defineConstants(Whmcs $whmcs): void
    {
        // Module files start with: if (!defined('WHMCS')) die(...)
        if (!defined('WHMCS')) {
            define('WHMCS', true);
        }
        // Constants cannot change: a process that opens several installations keeps the first ROOTDIR.
        if (!defined('ROOTDIR')) {
            define('ROOTDIR', $whmcs->root());
        }
    }

    /** WHMCS autoloads WHMCS\Module\Server\<Name>\Foo\Bar from modules/servers/<name>/lib/Foo/Bar.php. */
    private static function registerLibAutoloader(string $module, string $moduleDir): void
    {
        static $registered = [];
        if (isset($registered[$module])) {
            return;
        }
        $registered[$module] = true;
        $prefix = 'WHMCS\\Module\\Server\\';
        spl_autoload_register(static function (string $class) use ($prefix, $module, $moduleDir): void {
            if (!str_starts_with($class, $prefix)) {
                return;
            }
            $rest = substr($class, strlen($prefix));
            $sep = strpos($rest, '\\');
            if ($sep === false || strtolower(substr($rest, 0, $sep)) !== $module) {
                return;
            }
            $file = $moduleDir . '/lib/' . str_replace('\\', '/', substr($rest, $sep + 1)) . '.php';
            if (is_file($file)) {
                require $file;
            }
        });
    }
}
