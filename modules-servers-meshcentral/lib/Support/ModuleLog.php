<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Support;

/**
 * Everything the module logs goes through here to WHMCS's module log (`logModuleCall`), with every secret it has
 * been told about passed as a replace value, so WHMCS masks it wherever it appears. SSO URLs carry a login cookie:
 * their query is cut off before logging as well.
 */
final class ModuleLog
{
    public const MODULE = 'meshcentral';

    /** @var list<string> */
    private array $secrets = [];

    public function addSecret(?string ...$values): void
    {
        foreach ($values as $v) {
            if ($v !== null && $v !== '' && !in_array($v, $this->secrets, true)) {
                $this->secrets[] = $v;
            }
        }
    }

    /**
     * @param mixed $request what was asked (arrays are fine)
     * @param mixed $response what came back, or the error text
     */
    public function call(string $action, mixed $request, mixed $response): void
    {
        if (!function_exists('logModuleCall')) {
            return;
        }
        $request = $this->scrub($request);
        $response = $this->scrub($response);
        logModuleCall(self::MODULE, $action, $request, $response, '', $this->secrets);
    }

    /**
     * WHMCS's activity log, which records whether or not module logging is on: for what an admin must see even when
     * the call succeeded (a test connection with TLS checks off).
     */
    public function activity(string $text): void
    {
        if (function_exists('logActivity')) {
            logActivity((string) $this->scrub($text));
        }
    }

    /** Masks secrets ourselves too (defence in depth) and drops SSO cookies from URLs. */
    public function scrub(mixed $value): mixed
    {
        if (is_array($value)) {
            $out = [];
            foreach ($value as $k => $v) {
                $out[$k] = in_array((string) $k, ['password', 'login_token_key', 'serverpassword', 'serveraccesshash', 'generated_password'], true) && $v !== null
                    ? '********'
                    : $this->scrub($v);
            }
            return $out;
        }
        if (is_string($value)) {
            $value = (string) preg_replace('/([?&](login|auth|c)=)[^&\s"\']+/', '$1********', $value);
            foreach ($this->secrets as $s) {
                $value = str_replace($s, str_repeat('*', 8), $value);
            }
        }
        return $value;
    }
}
