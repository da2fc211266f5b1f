<?php

declare(strict_types=1);

/*
 * The global helper functions WHMCS defines for modules, delegating to the current emulated installation.
 * Signatures follow WHMCS's (untyped parameters, as modules call them with whatever they have).
 *
 * Whmcs::activate() checks before requiring this file that no other file (a test stub, say) defined them first.
 */

use MeshCentralConnector\WhmcsEmulator\ModuleLoader;
use MeshCentralConnector\WhmcsEmulator\Whmcs;

function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = [])
{
    return Whmcs::current()->logModuleCall($module, $action, $requestString, $responseData, $processedData, $replaceVars);
}

function logActivity($message, $userId = 0)
{
    Whmcs::current()->logActivity((string) $message, (int) $userId);
}

function encrypt($string)
{
    return Whmcs::current()->encrypt((string) $string);
}

function decrypt($string)
{
    return Whmcs::current()->decrypt((string) $string);
}

function localAPI($command, $values = [], $adminUser = '')
{
    return Whmcs::current()->localApi((string) $command, is_array($values) ? $values : [], (string) $adminUser);
}

function add_hook($hookPoint, $priority, $function, $rollbackFunction = '')
{
    // While a module's hooks.php is being read, registrations are recorded so every installation opened later in
    // this process gets them too (PHP cannot include a hooks.php that declares functions twice).
    if (ModuleLoader::captureHook((string) $hookPoint, (int) $priority, $function)) {
        return;
    }
    Whmcs::current()->addHook((string) $hookPoint, (int) $priority, $function);
}

function run_hook($hookPoint, $vars)
{
    return Whmcs::current()->runHook((string) $hookPoint, $vars);
}
