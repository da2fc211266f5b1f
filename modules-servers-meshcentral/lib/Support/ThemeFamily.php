<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Support;

/**
 * Which markup the client-area template uses: the family of the active WHMCS theme. Smarty's {$template} names the
 * active theme, which may be a child theme (WHMCS 8.1+): its templates/<name>/theme.yaml names its parent under
 * `config: parent:`. The chain is followed up to one of WHMCS's parent themes; Six is Bootstrap 3, Twenty-One
 * Bootstrap 4, Nexus (WHMCS 9) its own markup. An unknown theme gets Twenty-One's (Bootstrap 4, WHMCS 8's default).
 *
 * Passed to the template as an object ({$mcTheme->family($template)}): the theme is known only at render time.
 */
final class ThemeFamily
{
    public const FAMILIES = ['six', 'twenty-one', 'nexus'];
    private const DEFAULT = 'twenty-one';
    private const MAX_DEPTH = 8;

    public function __construct(private readonly string $templatesDir)
    {
    }

    public static function forWhmcs(): self
    {
        return new self((defined('ROOTDIR') ? (string) constant('ROOTDIR') : dirname(__DIR__, 5)) . '/templates');
    }

    public function family(mixed $theme): string
    {
        $theme = is_string($theme) ? strtolower($theme) : '';
        for ($depth = 0; $depth < self::MAX_DEPTH; $depth++) {
            if (in_array($theme, self::FAMILIES, true)) {
                return $theme;
            }
            if (preg_match('/^[a-z0-9][a-z0-9_-]*$/', $theme) !== 1) {
                break;
            }
            $parent = $this->parentOf($theme);
            if ($parent === null) {
                break;
            }
            $theme = strtolower($parent);
        }
        return self::DEFAULT;
    }

    private function parentOf(string $theme): ?string
    {
        $file = $this->templatesDir . '/' . $theme . '/theme.yaml';
        $yaml = is_file($file) ? @file_get_contents($file, false, null, 0, 65536) : false;
        if (!is_string($yaml)) {
            return null;
        }
        // Only `config:` -> `parent:` is read; the rest of the file (dependencies, provides) does not matter here.
        if (preg_match('/^config:[ \t]*\r?\n(?:[ \t]+.*\r?\n)*?[ \t]+parent:[ \t]*["\']?([A-Za-z0-9_-]+)/m', $yaml, $m) !== 1) {
            return null;
        }
        return $m[1];
    }
}
