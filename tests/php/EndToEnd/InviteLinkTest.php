<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\EndToEnd;

use MeshCentralConnector\Exception\ConnectorException;
use MeshCentralConnector\Exception\InvalidSettingsException;

/** Invite links minted through the Wasm core open the real server's agent invitation page for that group. */
final class InviteLinkTest extends ConnectorTestCase
{
    public function testLinkOpensTheInvitationPage(): void
    {
        $meshId = self::groupMadeByMeshctrl('invite');
        $link = self::connector()->call(['op' => 'invite_link', 'server' => self::goodSettings(), 'mesh_id' => $meshId, 'expire_hours' => 24]);
        self::assertStringStartsWith(self::server()->httpsUrl() . '/agentinvite?c=', $link['url']);
        self::assertSame(24, $link['expire_hours']);

        $ctx = stream_context_create(['ssl' => ['cafile' => self::server()->caFile()], 'http' => ['ignore_errors' => true, 'timeout' => 10]]);
        $page = (string) file_get_contents($link['url'], false, $ctx);
        self::assertStringContainsString('200', $http_response_header[0]);
        self::assertStringContainsString('meshagents', $page, 'the invitation page offers agent downloads');

        $forged = (string) file_get_contents(self::server()->httpsUrl() . '/agentinvite?c=AAAA', false, $ctx);
        self::assertNotSame($page, $forged, 'a made-up invitation is not the same page');
    }

    public function testUnknownGroupAndBadLifetime(): void
    {
        try {
            self::connector()->call(['op' => 'invite_link', 'server' => self::goodSettings(), 'mesh_id' => 'mesh//' . str_repeat('B', 64), 'expire_hours' => 1]);
            self::fail('unknown group accepted');
        } catch (ConnectorException $e) {
            self::assertSame('not_found', $e->kind);
            self::assertStringContainsString('does not exist', $e->getMessage());
        }
        $this->expectException(InvalidSettingsException::class);
        self::connector()->call(['op' => 'invite_link', 'server' => self::goodSettings(), 'mesh_id' => 'mesh//abc', 'expire_hours' => 0]);
    }
}
