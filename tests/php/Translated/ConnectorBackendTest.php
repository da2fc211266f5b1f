<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Translated;

use MeshCentralConnector\Backend\BackendSelector;
use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\Exception\InvalidSettingsException;
use PHPUnit\Framework\TestCase;

/**
 * Connector::load's backend choice (parameter, env MESHCONNECTOR_BACKEND, auto) and Connector::backend()'s report, each
 * in a fresh PHP so that "the generated class was never loaded on the Wasmer backend" can be checked.
 */
final class ConnectorBackendTest extends TestCase
{
    /** @return array<string, mixed> */
    private static function choose(string $env, string $flags = '', string $backend = ''): array
    {
        TranslatedFixture::wasmPath();
        $cmd = sprintf(
            'env -u MESHCONNECTOR_BACKEND %s %s %s %s %s',
            $env,
            escapeshellarg(PHP_BINARY),
            $flags,
            escapeshellarg(__DIR__ . '/fixtures/backend-choice.php'),
            $backend !== '' ? escapeshellarg($backend) : ''
        );
        $out = json_decode(TranslatedFixture::run($cmd), true);
        self::assertIsArray($out, $cmd);
        self::assertTrue($out['abi_ok']);
        return $out;
    }

    private static function lib(): string
    {
        $lib = TranslatedFixture::libPath();
        if (!extension_loaded('ffi') || !is_file($lib)) {
            self::markTestSkipped('FFI or libwasmer not available (set MESHCONNECTOR_LIBWASMER)');
        }
        return 'MESHCONNECTOR_LIBWASMER=' . escapeshellarg($lib);
    }

    public function testAutoUsesWasmerWhenFfiWorksAndNeverLoadsTheGeneratedClass(): void
    {
        $out = self::choose(self::lib());
        self::assertSame('wasmer', $out['backend']);
        self::assertSame('auto', $out['requested']);
        self::assertStringStartsWith('FFI available', $out['reason']);
        self::assertFalse($out['translated_class_loaded']);
    }

    public function testAutoFallsBackToTheTranslatedModuleAndSaysWhy(): void
    {
        $out = self::choose('-u MESHCONNECTOR_LIBWASMER');
        self::assertSame('translated', $out['backend']);
        self::assertStringStartsWith('No libwasmer', $out['reason']);
        self::assertSame('FFI disabled (ffi.enable=0)', self::choose(self::lib(), '-d ffi.enable=0')['reason']);
        self::assertSame('FFI extension not loaded', self::choose(self::lib(), '-n ' . TranslatedFixture::MEMORY_LIMIT)['reason']);
    }

    public function testTheEnvironmentForcesABackendAndAnExplicitChoiceWins(): void
    {
        $lib = self::lib();
        $forced = self::choose("$lib MESHCONNECTOR_BACKEND=translated");
        self::assertSame(['translated', 'forced by MESHCONNECTOR_BACKEND', 'translated'], [$forced['backend'], $forced['reason'], $forced['requested']]);
        self::assertSame('wasmer', self::choose("$lib MESHCONNECTOR_BACKEND=translated", '', 'wasmer')['backend']);
        $param = self::choose($lib, '', 'translated');
        self::assertSame(['translated', 'requested by the caller'], [$param['backend'], $param['reason']]);
    }

    public function testAnUnknownBackendIsASettingsError(): void
    {
        $this->expectException(InvalidSettingsException::class);
        Connector::load(TranslatedFixture::wasmPath(), new ConnectorOptions(backend: 'interpreter'));
    }

    public function testTheTranslationIsFoundBesideTheWasm(): void
    {
        self::assertSame('/x/wasm/meshcentral_connector.php', BackendSelector::translatedPath('/x/wasm/meshcentral_connector.wasm'));
    }
}
