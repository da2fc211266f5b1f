<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use RuntimeException;

/**
 * Device records for benchmarks at scale: MeshCentral (NeDB) keeps one JSON document per line in DATA/meshcentral.db
 * and reads the file at start, so records appended while the server is stopped (MeshCentralServer::restart) are
 * served by the real server afterwards. Each device gets its `node` document and the `lastconnect` document
 * meshcentral.js writes when an agent disconnects; they are offline (connection state lives in memory, not the DB).
 */
final class DeviceRecords
{
    /**
     * The document MeshCentral stored for a real agent of $meshId once it enrolled (to copy its exact shape).
     *
     * @return array<string, mixed>
     */
    public static function waitForAgentRecord(string $dataDir, string $meshId, float $timeout): array
    {
        $deadline = microtime(true) + $timeout;
        while (microtime(true) < $deadline) {
            foreach (file($dataDir . '/meshcentral.db', FILE_IGNORE_NEW_LINES) ?: [] as $line) {
                $doc = json_decode($line, true);
                if (is_array($doc) && ($doc['type'] ?? null) === 'node' && ($doc['meshid'] ?? null) === $meshId) {
                    return $doc;
                }
            }
            usleep(200_000);
        }
        throw new RuntimeException(sprintf('No device record of %s within %.0f s', $meshId, $timeout));
    }

    /**
     * A device record in the shape meshagent.js writes for a new Linux agent (when there is no real one to copy).
     *
     * @return array<string, mixed>
     */
    public static function linuxAgentShape(string $meshId): array
    {
        return [
            'type' => 'node', 'mtype' => 2, '_id' => 'node//template', 'icon' => 1, 'meshid' => $meshId, 'name' => 'device',
            'rname' => 'device', 'domain' => '', 'agent' => ['ver' => 0, 'id' => 6, 'caps' => 15], 'host' => null,
            'firstconnect' => 1795553175980, 'osdesc' => 'Debian GNU/Linux 12 (bookworm)', 'ip' => '127.0.0.1',
        ];
    }

    /**
     * Appends $n devices to $meshId's group, shaped like $template, named "<prefix>-0001"..., ids derived from the
     * prefix (the same prefix twice gives the same ids: use one per group), or all named $name when given (a name
     * the machine's owner chose, hostile ones included). Call with the server stopped.
     *
     * @param array<string, mixed> $template
     */
    public static function append(string $dataDir, string $meshId, int $n, string $prefix, array $template, ?string $name = null): void
    {
        $lines = '';
        $now = (int) (microtime(true) * 1000);
        for ($i = 1; $i <= $n; $i++) {
            $doc = $template;
            $doc['meshid'] = $meshId;
            $doc['_id'] = 'node//' . substr(strtr(base64_encode(hash('sha384', "$prefix-node-$i", true)), '+/', '@$'), 0, 64);
            $doc['name'] = $doc['rname'] = $name ?? sprintf('%s-%04d', $prefix, $i);
            unset($doc['conn'], $doc['pwr']);
            $lines .= json_encode($doc, JSON_UNESCAPED_SLASHES) . "\n";
            $lastConnect = ['_id' => 'lc' . $doc['_id'], 'type' => 'lastconnect', 'domain' => '', 'meshid' => $meshId, 'time' => $now - $i * 60_000, 'cause' => 0, 'connectType' => 1];
            $lines .= json_encode($lastConnect, JSON_UNESCAPED_SLASHES) . "\n";
        }
        if (file_put_contents($dataDir . '/meshcentral.db', $lines, FILE_APPEND) === false) {
            throw new RuntimeException('Cannot append to ' . $dataDir . '/meshcentral.db');
        }
    }
}
