<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\EndToEnd;

use MeshCentralConnector\Exception\InvalidSettingsException;

/**
 * Installer links built by the Wasm core are served by the real MeshCentral for a real device group (made with
 * meshctrl, independently of our code): each URL answers 200 with an agent binary or script bound to that group.
 */
final class InstallerLinksTest extends ConnectorTestCase
{
    public function testEveryLinkDownloadsFromTheRealServer(): void
    {
        $meshId = self::groupMadeByMeshctrl('links');

        $links = self::connector()->call(['op' => 'installer_links', 'base_url' => self::server()->httpsUrl(), 'mesh_id' => $meshId]);
        self::assertSame(
            ['windows_x64', 'windows_x86', 'windows_arm64', 'linux_x64', 'linux_script', 'macos'],
            array_column($links, 'platform')
        );
        foreach ($links as $link) {
            self::assertStringStartsWith(self::server()->httpsUrl() . '/', $link['url']);
            self::assertStringNotContainsString('$', $link['url'], 'the group id is URL-encoded');
            [$status, $body] = $this->download($link['url']);
            self::assertSame(200, $status, $link['platform'] . ' ' . $link['url']);
            self::assertGreaterThan(1000, strlen($body), $link['platform'] . ' serves a real file');
        }
        // The installers are bound to this group: MeshCentral embeds the group's settings, so another group's
        // installers differ from these ones.
        $otherLinks = self::connector()->call(['op' => 'installer_links', 'base_url' => self::server()->httpsUrl(), 'mesh_id' => self::groupMadeByMeshctrl('links-other')]);
        $mine = array_column($links, 'url', 'platform');
        $theirs = array_column($otherLinks, 'url', 'platform');
        foreach (['linux_x64', 'windows_x64'] as $platform) {
            [, $a] = $this->download($mine[$platform]);
            [, $b] = $this->download($theirs[$platform]);
            self::assertTrue($a !== $b, $platform . ' installers differ between groups (they carry the group)');
        }
    }

    public function testOnlyAGroupIdIsAccepted(): void
    {
        $this->expectException(InvalidSettingsException::class);
        self::connector()->call(['op' => 'installer_links', 'base_url' => self::server()->httpsUrl(), 'mesh_id' => 'mesh//x&id=4']);
    }

    /** @return array{0: int, 1: string} */
    private function download(string $url): array
    {
        $ctx = stream_context_create(['ssl' => ['cafile' => self::server()->caFile()], 'http' => ['ignore_errors' => true, 'timeout' => 20]]);
        $body = (string) file_get_contents($url, false, $ctx);
        preg_match('~^HTTP/\S+ (\d{3})~', $http_response_header[0] ?? '', $m);
        return [(int) ($m[1] ?? 0), $body];
    }
}
