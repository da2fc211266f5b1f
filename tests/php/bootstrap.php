<?php

declare(strict_types=1);

// PSR-4 autoloader for the PHP host and its tests (no Composer in this project).
spl_autoload_register(static function (string $class): void {
    $map = [
        // Test helpers that are not tests (MeshCentralServer); must come before the Tests\ prefix.
        'MeshCentralConnector\\Tests\\Support\\' => dirname(__DIR__) . '/support/',
        'MeshCentralConnector\\Tests\\' => __DIR__ . '/',
        'MeshCentralConnector\\' => dirname(__DIR__, 2) . '/php-host/src/',
    ];
    foreach ($map as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});
