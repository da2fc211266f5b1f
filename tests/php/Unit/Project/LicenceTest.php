<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Unit\Project;

use PHPUnit\Framework\TestCase;

/**
 * One licence, stated the same way everywhere it is stated: the LICENSE file, every Cargo manifest, package.json,
 * the module's whmcs.json (shown in WHMCS's Apps & Integrations) and the README. The release zip carries LICENSE
 * (ReleaseVersionTest).
 */
final class LicenceTest extends TestCase
{
    private const SPDX = 'MIT';

    private static function root(): string
    {
        return dirname(__DIR__, 4);
    }

    public function testTheLicenceFileIsTheMitLicence(): void
    {
        $text = (string) file_get_contents(self::root() . '/LICENSE');
        self::assertStringStartsWith("MIT License\n", $text);
        self::assertStringContainsString('Permission is hereby granted, free of charge', $text);
    }

    public function testEveryManifestNamesTheSameLicence(): void
    {
        $manifests = ['Cargo.toml', 'tools/wasm-finalize/Cargo.toml', 'tools/wasm2php/Cargo.toml', 'tools/wasm2php/spectest/Cargo.toml', 'tools/wasm2php/difftest/Cargo.toml'];
        foreach ($manifests as $manifest) {
            self::assertMatchesRegularExpression('/^license = "' . self::SPDX . '"$/m', (string) file_get_contents(self::root() . '/' . $manifest), $manifest);
        }
        foreach (['package.json', 'modules-servers-meshcentral/whmcs.json'] as $json) {
            $data = json_decode((string) file_get_contents(self::root() . '/' . $json), true, 16, JSON_THROW_ON_ERROR);
            self::assertSame(self::SPDX, $data['license'] ?? null, $json);
        }
    }

    public function testTheReadmeSaysTheSame(): void
    {
        self::assertStringContainsString('MIT licence (`LICENSE`)', (string) file_get_contents(self::root() . '/README.md'));
    }
}
