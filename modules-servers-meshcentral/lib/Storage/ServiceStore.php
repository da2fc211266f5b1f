<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Storage;

use WHMCS\Database\Capsule;

/**
 * The module's own table: what WHMCS's service record has no field for (the MeshCentral group id, the service key,
 * the last invite link), and the install tag that keeps service keys unique when several WHMCS installs share one
 * MeshCentral server. Created on first use with Capsule's schema builder.
 *
 * A row is written only by a successful CreateAccount (service key, username, group id), so a row with a `mesh_id`
 * names the account the connector provisioned. Existing installs: releases before this rule also wrote a row (key +
 * the WHMCS username) on the first module call, before anything was made; such rows have no `mesh_id` and their
 * username was never provisioned, so provisioned() ignores them (no column or data migration is needed: the rule is
 * "username counts only together with a mesh_id", and every older row with a mesh_id was written by a successful
 * Create with the username the core returned). Terminate clears both.
 */
final class ServiceStore
{
    public const TABLE = 'mod_meshcentral_services';
    public const SETTINGS_TABLE = 'mod_meshcentral_settings';

    private static bool $ready = false;

    /** @return array{service_id: int, service_key: string, mesh_id: ?string, username: ?string, invite_url: ?string, invite_expires: ?int}|null */
    public function find(int $serviceId): ?array
    {
        $this->ensureTables();
        $row = Capsule::table(self::TABLE)->where('service_id', $serviceId)->first();
        return $row === null ? null : [
            'service_id' => (int) $row->service_id,
            'service_key' => (string) $row->service_key,
            'mesh_id' => $row->mesh_id !== null ? (string) $row->mesh_id : null,
            'username' => $row->username !== null ? (string) $row->username : null,
            'invite_url' => $row->invite_url !== null ? (string) $row->invite_url : null,
            'invite_expires' => $row->invite_expires !== null ? (int) $row->invite_expires : null,
        ];
    }

    /**
     * The row of a provisioned service (a successful Create stored its group id and username), or null.
     *
     * @return array{service_id: int, service_key: string, mesh_id: string, username: string, invite_url: ?string, invite_expires: ?int}|null
     */
    public function provisioned(int $serviceId): ?array
    {
        $row = $this->find($serviceId);
        if ($row === null || $row['mesh_id'] === null || $row['mesh_id'] === '' || ($row['username'] ?? '') === '') {
            return null;
        }
        return $row;
    }

    /** @param array<string, mixed> $fields */
    public function save(int $serviceId, array $fields): void
    {
        $this->ensureTables();
        $now = date('Y-m-d H:i:s');
        if (Capsule::table(self::TABLE)->where('service_id', $serviceId)->exists()) {
            Capsule::table(self::TABLE)->where('service_id', $serviceId)->update($fields + ['updated_at' => $now]);
        } else {
            Capsule::table(self::TABLE)->insert($fields + ['service_id' => $serviceId, 'created_at' => $now, 'updated_at' => $now]);
        }
    }

    public function forget(int $serviceId): void
    {
        $this->ensureTables();
        Capsule::table(self::TABLE)->where('service_id', $serviceId)->update([
            'mesh_id' => null, 'username' => null, 'invite_url' => null, 'invite_expires' => null, 'updated_at' => date('Y-m-d H:i:s'),
        ]);
    }

    /**
     * Which WHMCS service holds each service key (any row, provisioned or not: a key is bound to one service for
     * good, see CreateAccount's adoption of an imported service).
     *
     * @param list<string> $keys
     * @return array<string, int> service key => service id
     */
    public function servicesByKey(array $keys): array
    {
        $this->ensureTables();
        $out = [];
        foreach (array_chunk($keys, 500) as $chunk) {
            foreach (Capsule::table(self::TABLE)->whereIn('service_key', $chunk)->get(['service_key', 'service_id']) as $row) {
                $out[(string) $row->service_key] = (int) $row->service_id;
            }
        }
        return $out;
    }

    /**
     * The provisioned rows (group id and username stored) of these services.
     *
     * @param list<int> $serviceIds
     * @return array<int, array{service_key: string, mesh_id: string, username: string}> by service id
     */
    public function provisionedRows(array $serviceIds): array
    {
        $this->ensureTables();
        $out = [];
        foreach (array_chunk($serviceIds, 500) as $chunk) {
            $rows = Capsule::table(self::TABLE)->whereIn('service_id', $chunk)->whereNotNull('mesh_id')->where('mesh_id', '!=', '')
                ->whereNotNull('username')->where('username', '!=', '')->get();
            foreach ($rows as $row) {
                $out[(int) $row->service_id] = ['service_key' => (string) $row->service_key, 'mesh_id' => (string) $row->mesh_id, 'username' => (string) $row->username];
            }
        }
        return $out;
    }

    /** @param list<int> $serviceIds @return array<int, string> service id => mesh id */
    public function meshIds(array $serviceIds): array
    {
        $this->ensureTables();
        $out = [];
        foreach (Capsule::table(self::TABLE)->whereIn('service_id', $serviceIds)->whereNotNull('mesh_id')->get() as $row) {
            $out[(int) $row->service_id] = (string) $row->mesh_id;
        }
        return $out;
    }

    /**
     * The retired-agents group pinned for a WHMCS server record (see src/ops/terminate.rs): terminated services'
     * devices go there, so it is remembered by id instead of being looked up by a description anyone could write.
     */
    public function retiredGroup(int $serverId): ?string
    {
        $this->ensureTables();
        $id = Capsule::table(self::SETTINGS_TABLE)->where('name', self::retiredKey($serverId))->value('value');
        return is_string($id) && $id !== '' ? $id : null;
    }

    public function pinRetiredGroup(int $serverId, string $meshId): void
    {
        $this->ensureTables();
        Capsule::table(self::SETTINGS_TABLE)->updateOrInsert(['name' => self::retiredKey($serverId)], ['value' => $meshId]);
    }

    private static function retiredKey(int $serverId): string
    {
        return 'retired_mesh_id:server:' . $serverId;
    }

    /** A random tag made once per WHMCS install: service keys are `whmcs-<tag>-<service id>`. */
    public function installTag(): string
    {
        $this->ensureTables();
        $tag = Capsule::table(self::SETTINGS_TABLE)->where('name', 'install_tag')->value('value');
        if (is_string($tag) && $tag !== '') {
            return $tag;
        }
        $tag = bin2hex(random_bytes(3));
        Capsule::table(self::SETTINGS_TABLE)->insertOrIgnore(['name' => 'install_tag', 'value' => $tag]);
        return (string) Capsule::table(self::SETTINGS_TABLE)->where('name', 'install_tag')->value('value');
    }

    private function ensureTables(): void
    {
        if (self::$ready) {
            return;
        }
        $schema = Capsule::schema();
        if (!$schema->hasTable(self::TABLE)) {
            $schema->create(self::TABLE, static function ($table): void {
                $table->unsignedInteger('service_id')->primary();
                $table->string('service_key', 64)->unique();
                $table->string('mesh_id', 140)->nullable();
                $table->string('username', 64)->nullable();
                $table->text('invite_url')->nullable();
                $table->unsignedInteger('invite_expires')->nullable();
                $table->timestamp('created_at')->nullable();
                $table->timestamp('updated_at')->nullable();
            });
        }
        if (!$schema->hasTable(self::SETTINGS_TABLE)) {
            $schema->create(self::SETTINGS_TABLE, static function ($table): void {
                $table->string('name', 64)->primary();
                $table->text('value');
            });
        }
        self::$ready = true;
    }
}
