<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * WHMCS's encrypt()/decrypt(): reversible, keyed per installation by `$cc_encryption_hash` in configuration.php.
 * WHMCS's own cipher is internal; what modules rely on is only "decrypt(encrypt(x)) === x, opaque base64 text in the
 * database, and another installation cannot read it". AES-256-CBC + HMAC-SHA256 gives exactly that.
 */
final class Crypto
{
    private const CIPHER = 'aes-256-cbc';

    private readonly string $encKey;
    private readonly string $macKey;

    public function __construct(string $installationHash)
    {
        if (strlen($installationHash) < 32) {
            throw new \InvalidArgumentException('the installation hash must have at least 32 characters');
        }
        $this->encKey = hash_hmac('sha256', 'encrypt', $installationHash, true);
        $this->macKey = hash_hmac('sha256', 'authenticate', $installationHash, true);
    }

    public static function newInstallationHash(): string
    {
        return bin2hex(random_bytes(32));
    }

    public function encrypt(string $plain): string
    {
        $iv = random_bytes(16);
        $cipher = openssl_encrypt($plain, self::CIPHER, $this->encKey, OPENSSL_RAW_DATA, $iv);
        if ($cipher === false) {
            throw new \RuntimeException('openssl_encrypt failed: ' . (string) openssl_error_string());
        }
        $mac = hash_hmac('sha256', $iv . $cipher, $this->macKey, true);
        return base64_encode($iv . $mac . $cipher);
    }

    /** Like WHMCS, a value that is not ours (or empty) decrypts to '' rather than throwing. */
    public function decrypt(string $encoded): string
    {
        $raw = base64_decode($encoded, true);
        if ($raw === false || strlen($raw) < 16 + 32 + 16) {
            return '';
        }
        $iv = substr($raw, 0, 16);
        $mac = substr($raw, 16, 32);
        $cipher = substr($raw, 48);
        if (!hash_equals(hash_hmac('sha256', $iv . $cipher, $this->macKey, true), $mac)) {
            return '';
        }
        $plain = openssl_decrypt($cipher, self::CIPHER, $this->encKey, OPENSSL_RAW_DATA, $iv);
        return $plain === false ? '' : $plain;
    }
}
