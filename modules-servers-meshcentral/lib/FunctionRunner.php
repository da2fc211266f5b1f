<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral;

use MeshCentralConnector\Exception\ConnectorException;
use WHMCS\Module\Server\Meshcentral\Exception\Refusal;
use WHMCS\Module\Server\Meshcentral\Exception\ServerUnavailable;
use WHMCS\Module\Server\Meshcentral\Exception\SettingsException;
use WHMCS\Module\Server\Meshcentral\ModuleFunction\ChangesMeshCentral;
use WHMCS\Module\Server\Meshcentral\Storage\ServiceLock;
use WHMCS\Module\Server\Meshcentral\Support\Breaker;
use WHMCS\Module\Server\Meshcentral\Support\Core;
use WHMCS\Module\Server\Meshcentral\Support\Lang;
use WHMCS\Module\Server\Meshcentral\Support\ModuleLog;

/**
 * The one try/catch every WHMCS entry point goes through: build the context, run the function class, and turn any
 * failure into the return shape WHMCS expects for that function. Staff always get the details (masked): in WHMCS's
 * activity log, which is always recorded, and in the module log, which is off unless an admin turns it on.
 *
 * Who sees the returned text: WHMCS shows the errors of client-triggered calls (ChangePassword, client custom
 * buttons, SSO) to the client. WHMCS's client-area entry points define the constant CLIENTAREA before booting
 * (clientarea.php, and every client page: developer docs, "Creating Pages"); admin pages and the cron do not. So a
 * call made while CLIENTAREA is defined returns the short translated text, any other the staff text.
 */
final class FunctionRunner
{
    /**
     * @param class-string $function a class under ModuleFunction\ with `__invoke(ServiceContext): mixed`
     * @param callable(string, string): mixed $onError shapes the error for WHMCS from (staff text, client text)
     * @param string $clientTextKey the client text of a failure (lang key without the `meshcentral_` prefix)
     * @param Core|null $core the core to run on (unit tests pass a fake; null: the request's Wasm core, ConnectorFactory)
     */
    public static function run(string $function, array $params, callable $onError, string $clientTextKey = 'error_generic', ?Core $core = null): mixed
    {
        // The function's name is its log action everywhere (ServiceContext::$action): no function retypes it.
        $action = self::shortName($function);
        $p = new Params($params);
        $context = null;
        try {
            self::refuseAddon($p);
            $context = new ServiceContext($p, $action, $core);
            $ctx = $context;
            $work = static fn (): mixed => (new $function())($ctx);
            if (!is_subclass_of($function, ChangesMeshCentral::class)) {
                return $work();
            }
            // One run at a time per service (Storage\ServiceLock): a second one waits, then finds the work done.
            return (new ServiceLock())->run($p->serviceId(), $action, $work, static function (string $note) use ($ctx, $action, $p): void {
                $ctx->log->activity($action, $p->serviceId(), $p->clientId(), $note);
            });
        } catch (\Throwable $e) {
            $message = self::describe($e);
            $log = $context?->log ?? self::fallbackLog($p);
            if (!$e instanceof ConnectorException) {
                // Connector failures were logged by ServiceContext::op; log the rest here.
                $log->call($action, ['serviceid' => $p->serviceId()], get_class($e) . ': ' . $e->getMessage());
            }
            $log->activity($action . ($e instanceof Refusal ? ' refused' : ($e instanceof ServerUnavailable ? ' skipped' : ' failed')), $p->serviceId(), $p->clientId(), $message);
            $key = match (true) {
                $e instanceof Refusal => $e->clientTextKey,
                self::serverDown($e) => ServerUnavailable::CLIENT_TEXT_KEY,
                default => $clientTextKey,
            };
            return $onError($message, Lang::get($key, self::language($params)));
        }
    }

    /**
     * Product addons (WHMCS 7.2+) reach module functions with `$params['addonId']` set and `serviceid` naming the
     * PARENT service: run as usual, Create would provision (or adopt) the parent's MeshCentral group and Terminate
     * would delete it. The module is made for products: every function refuses an addon, changing nothing, with a
     * staff text that says so (and the client's short `error_addon` text on client pages).
     *
     */
    private static function refuseAddon(Params $params): void
    {
        $addonId = $params->addonId();
        if ($addonId > 0) {
            throw new Refusal(sprintf(
                'the MeshCentral module provisions products, not product addons (addon ID %d on service ID %d): nothing '
                . 'was changed in MeshCentral. Assign the module to a product instead of the addon.',
                $addonId,
                $params->serviceId()
            ), 'error_addon');
        }
    }

    /** True while WHMCS runs a client-area page (see the class comment): errors then go to a client. */
    public static function forClient(): bool
    {
        return defined('CLIENTAREA');
    }

    /** The text to return: the client's short text in the client area, the staff text elsewhere. */
    public static function audienceText(string $staffText, string $clientText): string
    {
        return self::forClient() ? $clientText : $staffText;
    }

    /** True for "MeshCentral is not answering": the breaker is open, or the call timed out / could not connect. */
    public static function serverDown(\Throwable $e): bool
    {
        return $e instanceof ServerUnavailable
            || ($e instanceof ConnectorException && in_array($e->kind, Breaker::OPENING_KINDS, true));
    }

    /** Staff-facing error text: what failed and what to do, never a secret (messages come from our own code). */
    public static function describe(\Throwable $e): string
    {
        if ($e instanceof SettingsException || $e instanceof ConnectorException || $e instanceof Refusal || $e instanceof ServerUnavailable) {
            return $e->getMessage();
        }
        return 'Unexpected error in the MeshCentral module: ' . $e->getMessage();
    }

    /** Client-facing error text: short and safe; the details are in the activity and module logs. */
    public static function clientMessage(string $language = 'english'): string
    {
        return Lang::get('error_generic', $language);
    }

    /**
     * The reader's language (see Lang::active: the client-area session's, the client's, the system default).
     *
     * @param array<string, mixed> $params
     */
    public static function language(array $params): string
    {
        return Lang::active($params);
    }

    private static function fallbackLog(Params $params): ModuleLog
    {
        $log = new ModuleLog();
        $log->addSecret(...$params->secrets());
        return $log;
    }

    private static function shortName(string $class): string
    {
        return substr($class, (int) strrpos($class, '\\') + 1);
    }
}
