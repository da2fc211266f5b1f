<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

/**
 * Reads a MeshCentral login cookie (`?login=` / `control.ashx?auth=`) the way the server does, independently of the
 * Rust core: AES-256-GCM with the first 32 bytes of the 80-byte key, iv(12) || tag(16) || ciphertext, base64 with
 * `@` for `+` and `$` for `/`.
 */
final class LoginCookie
{
    /** @return array<string, mixed>|null the cookie's JSON payload; null when the key does not open it */
    public static function open(string $keyHex, string $cookie): ?array
    {
        $raw = base64_decode(strtr($cookie, ['@' => '+', '$' => '/']), true);
        if ($raw === false || strlen($raw) < 28) {
            return null;
        }
        $key = substr((string) hex2bin($keyHex), 0, 32);
        $plain = openssl_decrypt(substr($raw, 28), 'aes-256-gcm', $key, OPENSSL_RAW_DATA, substr($raw, 0, 12), substr($raw, 12, 16));
        if ($plain === false) {
            return null;
        }
        $payload = json_decode($plain, true);
        return is_array($payload) ? $payload : null;
    }

    /** The value of query parameter `$name` in `$url` (the cookie of a login or control-channel URL). */
    public static function fromUrl(string $url, string $name): ?string
    {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        $value = $query[$name] ?? null;
        return is_string($value) ? $value : null;
    }
}
