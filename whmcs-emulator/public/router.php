<?php

declare(strict_types=1);

/*
 * Router for PHP's built-in web server:
 *   WHMCS_EMULATOR_ROOT=/path/to/root php -S 127.0.0.1:8080 whmcs-emulator/public/router.php
 * Every request opens the installation afresh, as every WHMCS request boots WHMCS (and so loads the module anew).
 * Errors are logged to <root>/logs/php_errors.log and not displayed, as on a production WHMCS.
 */

use MeshCentralConnector\WhmcsEmulator\HttpResponse;
use MeshCentralConnector\WhmcsEmulator\Whmcs;

require dirname(__DIR__) . '/autoload.php';

// Every page this router serves is a client-area page; WHMCS's client-area entry points (clientarea.php and any
// client page, developer docs "Creating Pages") define CLIENTAREA before booting, so modules can tell that what they
// return is shown to a client. Admin pages and the cron do not define it (nor does a test process calling the
// FunctionCaller directly, which stands for the admin area).
define('CLIENTAREA', true);

$root = (string) getenv('WHMCS_EMULATOR_ROOT');
if ($root === '' || !is_file($root . '/configuration.php')) {
    http_response_code(500);
    echo 'WHMCS_EMULATOR_ROOT does not name a WHMCS emulator installation';
    return true;
}

ini_set('display_errors', '0');
ini_set('log_errors', '1');
ini_set('error_log', $root . '/logs/php_errors.log');
error_reporting(E_ALL);

session_save_path($root . '/sessions');
// WHMCS's session cookie is "WHMCS" + a per-install suffix; one name is enough here.
session_name('WHMCSEMU');
session_start();

$path = (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
$host = (string) ($_SERVER['HTTP_HOST'] ?? '127.0.0.1');
try {
    $whmcs = Whmcs::open($root);
    $systemUrl = $whmcs->setting('SystemURL') ?: 'http://' . $host . '/';
    $uidBefore = $_SESSION['uid'] ?? null;
    $response = $whmcs->clientArea()->handle(
        (string) ($_SERVER['REQUEST_METHOD'] ?? 'GET'),
        $path,
        $_GET,
        $_POST,
        $_SESSION,
        rtrim($systemUrl, '/') . '/'
    );
    if (($_SESSION['uid'] ?? null) !== $uidBefore) {
        // A login or logout gets a new session id (session fixation).
        session_regenerate_id(true);
    }
} catch (\Throwable $e) {
    error_log('Uncaught ' . get_class($e) . ': ' . $e->getMessage() . ' in ' . $e->getFile() . ':' . $e->getLine());
    // WHMCS shows a generic error page; the emulator adds the message, to be seen by tests and the demo.
    $response = HttpResponse::text(500, 'Oops! Something went wrong: ' . get_class($e) . ': ' . $e->getMessage());
}

http_response_code($response->status);
foreach ($response->headers as $name => $value) {
    header($name . ': ' . $value);
}
echo $response->body;
return true;
