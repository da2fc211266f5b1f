<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * Smarty 3.1 (Debian's smarty3), configured like WHMCS's: templates of the active theme, compiled into templates_c,
 * and NO automatic escaping: {$var} prints the raw value, {$var|escape:'html'} escapes. Module templates are found
 * the way WHMCS finds them (see findModuleTemplate()).
 */
final class TemplateEngine
{
    private const SMARTY = '/usr/share/php/smarty3/Smarty.class.php';

    /** @var list<string> the theme, then its parents (child themes inherit every template they do not have) */
    private readonly array $chain;

    public function __construct(private readonly Whmcs $whmcs, private readonly string $theme)
    {
        $chain = $whmcs->themeChain($theme);
        if ($chain === null) {
            throw new \InvalidArgumentException("unknown theme $theme");
        }
        $this->chain = $chain;
    }

    /** The parent theme at the root of the chain (six, twenty-one or nexus). */
    public function family(): string
    {
        return $this->chain[count($this->chain) - 1];
    }

    public function theme(): string
    {
        return $this->theme;
    }

    private function newSmarty(): \Smarty
    {
        if (!class_exists('Smarty', false)) {
            require_once self::SMARTY;
        }
        $smarty = new \Smarty();
        $smarty->setTemplateDir(array_map(fn (string $t): string => $this->whmcs->root() . '/templates/' . $t . '/', $this->chain));
        $smarty->setCompileDir($this->whmcs->root() . '/templates_c/');
        // WHMCS does not auto-escape; templates must escape values themselves.
        $smarty->setEscapeHtml(false);
        $smarty->registerPlugin('function', 'lang', static function (array $args, \Smarty_Internal_Template $tpl): string {
            // WHMCS's {lang key="..."}: the $LANG entry, or the key when the string is missing.
            $lang = $tpl->getTemplateVars('LANG');
            $key = (string) ($args['key'] ?? '');
            return is_array($lang) && isset($lang[$key]) ? (string) $lang[$key] : $key;
        });
        return $smarty;
    }

    /**
     * Renders $template (absolute path or a name in the theme) with $vars.
     *
     * Smarty 3.1.47 predates PHP 8.2: its own code, and the PHP it compiles templates into, raise deprecations
     * ("dynamic property", mb_convert_encoding HTML-ENTITIES in |escape:'htmlall'); those are dropped as noise of the
     * vendored library. Warnings raised by a compiled template (an undefined array key, say) are what WHMCS, with
     * display_errors off, only logs: they go to <root>/logs/php_errors.log (Whmcs::phpErrors()). Everything else
     * reaches the previous handler.
     *
     * @param array<string, mixed> $vars
     */
    public function render(string $template, array $vars): string
    {
        $compileDir = (string) realpath($this->whmcs->root() . '/templates_c');
        $log = $this->whmcs->root() . '/logs/php_errors.log';
        $previous = null;
        $previous = set_error_handler(static function (int $no, string $msg, string $file = '', int $line = 0) use (&$previous, $compileDir, $log): bool {
            $fromSmarty = str_starts_with($file, '/usr/share/php/smarty3/');
            $fromTemplate = $compileDir !== '' && str_starts_with($file, $compileDir . '/');
            if (($fromSmarty || $fromTemplate) && ($no & (E_DEPRECATED | E_USER_DEPRECATED)) !== 0) {
                return true;
            }
            if ($fromTemplate) {
                file_put_contents($log, sprintf("[%s] template warning: %s in %s:%d\n", date('c'), $msg, $file, $line), FILE_APPEND);
                return true;
            }
            return $previous !== null ? (bool) $previous($no, $msg, $file, $line) : false;
        });
        try {
            $smarty = $this->newSmarty();
            $smarty->assign($vars);
            return $smarty->fetch($template);
        } finally {
            restore_error_handler();
        }
    }

    /**
     * Where WHMCS looks for a module template ("Working with Module Templates" / "Custom Modules" in the WHMCS docs):
     * 1. the site's override in the active theme: templates/<theme>/modules/servers/<module>/<file>.tpl (the module's
     *    "templates/" folder is not repeated there: modules/servers/cpanel/templates/overview.tpl is overridden by
     *    templates/<theme>/modules/servers/cpanel/overview.tpl);
     * 2. a theme-specific template of the module: modules/servers/<module>/templates/<theme>/<file>.tpl;
     * 3. the path as given, relative to the module directory; 4. the module's templates/ folder.
     * The name may be given with or without ".tpl". With a child theme, 1 and 2 are tried for the child, then for
     * each parent (a child theme inherits what it does not override).
     */
    public function findModuleTemplate(string $module, string $name): string
    {
        $name = ltrim(str_replace('\\', '/', $name), '/');
        if ($name === '' || in_array('..', explode('/', $name), true)) {
            throw new ContractViolation("module template name '$name' is not a path inside the module");
        }
        if (str_ends_with($name, '.tpl')) {
            $name = substr($name, 0, -4);
        }
        $base = str_starts_with($name, 'templates/') ? substr($name, strlen('templates/')) : $name;
        $moduleDir = ModuleLoader::moduleDir($this->whmcs, $module);
        $candidates = [];
        foreach ($this->chain as $theme) {
            $candidates[] = $this->whmcs->root() . "/templates/$theme/modules/servers/$module/$base.tpl";
        }
        foreach ($this->chain as $theme) {
            $candidates[] = "$moduleDir/templates/$theme/$base.tpl";
        }
        $candidates[] = "$moduleDir/$name.tpl";
        $candidates[] = "$moduleDir/templates/$base.tpl";
        foreach ($candidates as $file) {
            if (is_file($file)) {
                return $file;
            }
        }
        throw new ContractViolation("module $module names template '$name', which exists in none of: " . implode(', ', $candidates));
    }
}
