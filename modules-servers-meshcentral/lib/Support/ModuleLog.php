<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Support;

/**
 * Everything the module logs goes through here: WHMCS's module log (`logModuleCall`, with every secret it has been
 * told about passed as a replace value, so WHMCS masks it wherever it appears) and, for what staff must always see,
 * WHMCS's activity log (`logActivity`, recorded even when module logging is off). SSO URLs carry a login cookie:
 * their query is cut off before logging as well.
 *
 * Only real secret values are registered (the server password, the login token key, the APIKey override's password
 * or key, generated and service passwords), each also in the forms it takes inside logged text: JSON-escaped (a
 * request body or a JSON reply, with and without escaped slashes and Unicode) and URL-encoded (a query string).
 */
final class ModuleLog
{
    public const MODULE = 'meshcentral';

    /**
     * Values shorter than this are not masked. Masking is a text replacement over the whole log entry, so a short
     * value would blank every occurrence of common fragments (a `verify_tls=0` line once made every "0" a secret),
     * wrecking the log while protecting nothing: none of the credentials this module handles is that short in
     * practice (login token keys are 160 hex, generated passwords 24 characters; a site that still uses a shorter
     * password keeps it masked wherever it is logged under its key name, see scrub()).
     */
    public const MIN_SECRET_LENGTH = 6;

    private const SECRET_KEYS = ['password', 'login_token_key', 'serverpassword', 'serveraccesshash', 'generated_password', 'pass'];

    /** @var list<string> longest first, so a secret inside another is never left half-masked */
    private array $secrets = [];

    public function addSecret(?string ...$values): void
    {
        foreach ($values as $v) {
            if ($v === null || strlen($v) < self::MIN_SECRET_LENGTH) {
                continue;
            }
            foreach (self::forms($v) as $form) {
                if (!in_array($form, $this->secrets, true)) {
                    $this->secrets[] = $form;
                }
            }
        }
        usort($this->secrets, static fn (string $a, string $b): int => strlen($b) <=> strlen($a));
    }

    /** @return list<string> the registered values and their encoded forms (for tests and the replace list) */
    public function secrets(): array
    {
        return $this->secrets;
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
     * For staff, always recorded: WHMCS's activity log (masked) and the module log. Used where a client triggered
     * the call and was shown a short text only.
     */
    public function activity(string $action, int $serviceId, int $clientId, string $detail): void
    {
        $where = $serviceId > 0 ? sprintf(', service ID %d', $serviceId) : '';
        $text = (string) $this->scrub(sprintf('MeshCentral %s%s: %s', $action, $where, $detail));
        if (function_exists('logActivity')) {
            logActivity($text, $clientId);
        }
        $this->call($action, ['serviceid' => $serviceId], $text);
    }

    /** Masks secrets ourselves too (defence in depth) and drops SSO cookies from URLs. */
    public function scrub(mixed $value): mixed
    {
        if (is_array($value)) {
            $out = [];
            foreach ($value as $k => $v) {
                $out[$k] = in_array((string) $k, self::SECRET_KEYS, true) && $v !== null
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

    /** @return list<string> $v as written raw, JSON-escaped (no quotes; each flag variant) and URL-encoded */
    private static function forms(string $v): array
    {
        $forms = [$v];
        foreach ([0, JSON_UNESCAPED_SLASHES, JSON_UNESCAPED_UNICODE, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE] as $flags) {
            $json = json_encode($v, $flags | JSON_INVALID_UTF8_SUBSTITUTE);
            if (is_string($json)) {
                $forms[] = substr($json, 1, -1);
            }
        }
        $forms[] = rawurlencode($v);
        $forms[] = urlencode($v);
        return array_values(array_unique($forms));
    }
}
