<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Translated;

use PHPUnit\Framework\TestCase;

/**
 * The translated backend runs the whole lifecycle in a PHP that has no usable FFI: once with FFI disabled
 * (`-d ffi.enable=0`) and once with no extension loaded at all (`-n`: no php.ini, so no FFI, no opcache).
 */
final class NoFfiTest extends TestCase
{
    /** @return array<string, array{string}> */
    public function phpFlags(): array
    {
        return ['ffi.enable=0' => ['-d ffi.enable=0'], 'no extensions (-n)' => ['-n ' . TranslatedFixture::MEMORY_LIMIT]];
    }

    /** @dataProvider phpFlags */
    public function testLifecycleWithoutFfi(string $flags): void
    {
        $cmd = sprintf(
            '%s %s %s %s %s',
            escapeshellarg(PHP_BINARY),
            $flags,
            escapeshellarg(__DIR__ . '/fixtures/lifecycle.php'),
            escapeshellarg(TranslatedFixture::translatedPath()),
            escapeshellarg(TranslatedFixture::CLASS_NAME)
        );
        $out = json_decode(TranslatedFixture::run($cmd), true);
        self::assertIsArray($out, 'lifecycle printed no JSON');
        self::assertFalse($out['ffi_usable']);
        self::assertSame(1000, $out['abi']);
        self::assertTrue(json_decode($out['version'], true)['ok']);
        $login = json_decode($out['login_url'], true);
        self::assertTrue($login['ok'], $out['login_url']);
        self::assertStringStartsWith('https://mc.example.com/?login=', $login['value']['url']);
        $tc = json_decode($out['test_connection'], true);
        self::assertFalse($tc['ok']);
        self::assertSame('unreachable', $tc['error']['kind'], $out['test_connection']);
        self::assertSame('out of bounds memory access', $out['trap']);
        self::assertTrue(json_decode($out['after_trap'], true)['ok']);
    }
}
