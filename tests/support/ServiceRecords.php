<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use RuntimeException;

/**
 * Service records for benchmarks at scale: many connector services on one real MeshCentral without provisioning each
 * one through the control channel (10,000 provisions would take hours). MeshCentral (NeDB) keeps one JSON document per
 * line in DATA/meshcentral.db, the last line of an `_id` wins, and it reads the file at start; so documents appended
 * while the server is stopped (MeshCentralServer::restart) are served by the real server afterwards.
 *
 * The documents are clones of those MeshCentral itself stored for one service the connector really provisioned
 * (template()), so their shape is exactly createmesh's, adduser's and addmeshuser's: per service a `mesh` document
 * (connector's marker in `desc`, `creatorid`/`creatorname` of the connector's account, `links` to the creator with
 * full rights and to the customer with its rights) and a `user` document (customer profile, its one link to the
 * group, the template's password hash, so the template's password works for every clone); plus one new version of the
 * creator's `user` document linked to every group, since MeshCentral keeps the creator's link on both sides. Link keys
 * in user documents are escaped as MeshCentral's db.js escapes them (`$` -> `%24`, ...).
 */
final class ServiceRecords
{
    private const DB = '/meshcentral.db';

    /**
     * Waits until MeshCentral has written the group of a service the connector just provisioned, with the link to the
     * service's user on the group's side (addmeshuser writes the user first and the group after it; a server stopped
     * in between keeps a group without the link, so read the template only once this returned).
     */
    public static function waitForService(string $dataDir, string $meshId, string $userId, float $timeout = 10.0): void
    {
        $deadline = microtime(true) + $timeout;
        while (microtime(true) < $deadline) {
            $docs = self::lastVersions($dataDir, [$meshId]);
            if (isset($docs[$meshId]['links'][$userId])) {
                return;
            }
            usleep(100_000);
        }
        throw new RuntimeException(sprintf('MeshCentral did not store %s linked to %s within %.0f s', $meshId, $userId, $timeout));
    }

    /**
     * The documents MeshCentral stored for a service the connector provisioned: its group, its user and the group's
     * creator (the connector's account). Read with the server stopped, after waitForService().
     *
     * @return array{mesh: array<string, mixed>, user: array<string, mixed>, creator: array<string, mixed>}
     */
    public static function template(string $dataDir, string $meshId, string $userId): array
    {
        $mesh = self::lastVersions($dataDir, [$meshId])[$meshId] ?? null;
        if (!is_array($mesh) || !is_string($mesh['creatorid'] ?? null) || !isset($mesh['links'][$userId])) {
            throw new RuntimeException("$meshId is not a group linked to $userId in " . $dataDir . self::DB);
        }
        $docs = self::lastVersions($dataDir, [$userId, $mesh['creatorid']]);
        $user = $docs[$userId] ?? null;
        $creator = $docs[$mesh['creatorid']] ?? null;
        if (!is_array($user) || !is_array($creator) || !isset($user['links'][self::escapeFieldName($meshId)])) {
            throw new RuntimeException("no user document of $userId linked to $meshId, or no creator document");
        }
        return ['mesh' => $mesh, 'user' => $user, 'creator' => $creator];
    }

    /**
     * Appends $n services cloned from $template: service keys "<prefix><i>" for i = $first.., user names
     * "mc-<key, lower-cased>" (the core's default for a key), group names "<template's name> <i>". Ids are derived
     * from the key, so the same key twice gives the same ids: use a prefix or range per call. Call with the server
     * stopped.
     *
     * @param array{mesh: array<string, mixed>, user: array<string, mixed>, creator: array<string, mixed>} $template
     * @return list<array{key: string, mesh_id: string, username: string}>
     */
    public static function append(string $dataDir, array $template, string $keyPrefix, int $first, int $n): array
    {
        $meshTemplate = $template['mesh'];
        $userTemplate = $template['user'];
        $creator = $template['creator'];
        $templateUserId = (string) $userTemplate['_id'];
        $creatorRights = $meshTemplate['links'][$creator['_id']] ?? null;
        $customerRights = $meshTemplate['links'][$templateUserId]['rights'];
        $nowMs = (int) (microtime(true) * 1000);
        $lines = '';
        $made = [];
        $creatorLinks = is_array($creator['links'] ?? null) ? $creator['links'] : [];
        for ($i = $first; $i < $first + $n; $i++) {
            $key = $keyPrefix . $i;
            $username = 'mc-' . strtolower($key);
            $userId = 'user//' . $username;
            // MeshCentral's own id shape: 48 random bytes in base64 with `@` for `+` and `$` for `/`.
            $meshId = 'mesh//' . strtr(base64_encode(hash('sha384', "service-records-$key", true)), '+/', '@$');

            $mesh = $meshTemplate;
            $mesh['_id'] = $meshId;
            $mesh['name'] = $meshTemplate['name'] . ' ' . $i;
            $mesh['desc'] = "[meshcentral-connector service=$key user=$username]";
            $mesh['creation'] = $nowMs - ($first + $n - $i) * 1000;
            $mesh['links'] = [];
            foreach ($meshTemplate['links'] as $linkedId => $link) {
                if ($linkedId === $templateUserId) {
                    $mesh['links'][$userId] = ['name' => $username] + $link;
                } else {
                    $mesh['links'][$linkedId] = $link;
                }
            }
            $lines .= json_encode($mesh, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR) . "\n";

            $user = $userTemplate;
            $user['_id'] = $userId;
            $user['name'] = $username;
            $user['email'] = "$username@example.com";
            $user['realname'] = "Customer $i";
            $user['links'] = [self::escapeFieldName($meshId) => ['rights' => $customerRights]];
            $lines .= json_encode($user, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR) . "\n";

            if ($creatorRights !== null) {
                $creatorLinks[self::escapeFieldName($meshId)] = ['rights' => $creatorRights['rights']];
            }
            $made[] = ['key' => $key, 'mesh_id' => $meshId, 'username' => $username];
        }
        $creator['links'] = $creatorLinks;
        $lines .= json_encode($creator, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR) . "\n";
        if (file_put_contents($dataDir . self::DB, $lines, FILE_APPEND) === false) {
            throw new RuntimeException('Cannot append to ' . $dataDir . self::DB);
        }
        return $made;
    }

    /** A link key as MeshCentral stores it in NeDB (common.js escapeFieldName). */
    public static function escapeFieldName(string $name): string
    {
        return strtr($name, ['%' => '%25', '.' => '%2E', '$' => '%24', ',' => '%2C']);
    }

    /**
     * The last stored version of each document of $ids (NeDB appends every update; the last line wins).
     *
     * @param list<string> $ids
     * @return array<string, array<string, mixed>>
     */
    private static function lastVersions(string $dataDir, array $ids): array
    {
        $wanted = array_fill_keys($ids, true);
        $found = [];
        $handle = @fopen($dataDir . self::DB, 'rb');
        if ($handle === false) {
            throw new RuntimeException('Cannot read ' . $dataDir . self::DB);
        }
        while (($line = fgets($handle)) !== false) {
            if (!str_contains($line, '"_id"')) {
                continue;
            }
            $doc = json_decode($line, true);
            if (is_array($doc) && is_string($doc['_id'] ?? null) && isset($wanted[$doc['_id']])) {
                $found[$doc['_id']] = $doc;
            }
        }
        fclose($handle);
        return $found;
    }
}
