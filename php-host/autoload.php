<?php

declare(strict_types=1);

// PSR-4 autoloader for the PHP host (no Composer needed on the WHMCS server).
spl_autoload_register(static function (string $class): void {
    $prefix = 'MeshCentralConnector\\';
    if (!str_starts_with($class, $prefix)) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
