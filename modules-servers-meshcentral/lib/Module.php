<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral;

use MeshCentralConnector\Exception\ConnectorException;
use WHMCS\Module\Server\Meshcentral\Exception\SettingsException;
use WHMCS\Module\Server\Meshcentral\Support\Lang;

/**
 * The one try/catch every WHMCS entry point goes through: build the context, run the function class, and turn any
 * failure into the return shape WHMCS expects for that function, with the details in the module log.
 */
final class Module
{
    /**
     * @param class-string $function a class under ModuleFunction\ with `__invoke(ServiceContext): mixed`
     * @param callable(string): mixed $onError shapes the (safe) error text for WHMCS
     */
    public static function run(string $function, array $params, callable $onError): mixed
    {
        $context = null;
        try {
            $context = new ServiceContext(new Params($params));
            return (new $function())($context);
        } catch (\Throwable $e) {
            $message = self::describe($e);
            if ($context !== null && !$e instanceof ConnectorException) {
                // Connector failures were logged by ServiceContext::run; log the rest here.
                $context->log->call(self::shortName($function), ['serviceid' => $params['serviceid'] ?? null], get_class($e) . ': ' . $e->getMessage());
            }
            return $onError($message);
        }
    }

    /** Staff-facing error text: what failed and what to do, never a secret (messages come from our own code). */
    public static function describe(\Throwable $e): string
    {
        if ($e instanceof SettingsException || $e instanceof ConnectorException) {
            return $e->getMessage();
        }
        return 'Unexpected error in the MeshCentral module: ' . $e->getMessage();
    }

    /** Client-facing error text: short and safe; the details are in the module log. */
    public static function clientMessage(string $language = 'english'): string
    {
        return Lang::get('error_generic', $language);
    }

    private static function shortName(string $class): string
    {
        return substr($class, (int) strrpos($class, '\\') + 1);
    }
}
