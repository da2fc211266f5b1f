<?php

declare(strict_types=1);

// WHMCS autoloads `WHMCS\Module\Server\Meshcentral\` from lib/ itself; this loader also serves the CLI tools and any
// host that does not (and loads the bundled PHP host of the Wasm core).
spl_autoload_register(static function (string $class): void {
    $prefix = 'WHMCS\\Module\\Server\\Meshcentral\\';
    if (str_starts_with($class, $prefix)) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
require_once dirname(__DIR__) . '/php-host/autoload.php';
