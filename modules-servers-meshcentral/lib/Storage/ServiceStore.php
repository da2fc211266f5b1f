<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Storage;

use WHMCS\Database\Capsule;

/**
 * The module's own table: what WHMCS's service record has no field for (the MeshCentral group id, the service key,
 * the last invite link), and the install tag that keeps service keys unique when several WHMCS installs share one
 * MeshCentral server. Created on first use with Capsule's schema builder.
 *
 * A row is written only by a successful CreateAccount (service key, username, group id), so a stored username names
 * the account the connector provisioned. Terminate clears both.
 *
 * Upgrades: the tables carry a schema version (`schema_version` in the settings table; none = 1, the releases up to
 * 0.1.0) and migrate on first use in a request (migrate()). Release 0.1.0 also wrote a row (key + the WHMCS username)
 * on the first module call, before anything was made, and its Terminate kept the username: migration 1 -> 2 clears
 * every username that has no group id. Rows with a group id keep everything: 0.1.0's Create stored the group id with
 * the username the core returned, as now, and service keys were `whmcs-<install tag>-<service id>` then too.
 * provisioned() still counts a username only together with a group id. A row Terminate cleared stays (key kept):
 * terminatedKeys() names those services to the daily sweep of groups that came back. The retired-agents group is pinned per server
 * by the first Terminate after the upgrade (0.1.0 did not pin it; the core finds it by its marker among trusted groups).
 *
 * The usage columns hold what the last usage run (the cron's UsageUpdate / MetricProvider) counted for the service,
 * so pages show them without asking MeshCentral: `usage_devices`, `usage_online` and `usage_counted_at` (the last
 * successful count; kept when a later run fails), `usage_checked_at` (the last attempt) and `usage_error` (why the
 * last attempt did not count the service, or null). Added to older tables on first use.
 */
final class ServiceStore
{
    public const TABLE = 'mod_meshcentral_services';
    public const SETTINGS_TABLE = 'mod_meshcentral_settings';
    /** The tables' layout and the rules their rows follow (see the class comment); raised by each migration. */
    public const SCHEMA_VERSION = 2;

    /** @var array<string, true> databases whose tables were checked in this process (a test process opens several) */
    private static array $ready = [];

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
     * The provisioning journal: a settings row `provision_attempt:service:<id>` is written before Create asks
     * MeshCentral for anything and removed once Create stored its result, so a row left behind means an earlier run
     * was cut off (a lost reply, a killed process, an error) and may have left a half-made group. Returns whether this
     * run is the service's first attempt: no such row, no module row (never provisioned, never terminated), and the
     * service registered (`tblhosting.regdate`) on or after the day this journal started: an unfinished attempt of a
     * release that kept no journal would otherwise look fresh (what is left open: such an attempt on the upgrade day
     * itself; WHMCS keeps the order date only to the day). A first attempt lets the core skip reading every group and account of the server
     * (src/ops/provision.rs, `fresh`); a wrong "first" could cost a duplicate empty group, never an adopted object.
     * Call it holding the service's lock (ServiceLock).
     */
    public function beginProvisioning(int $serviceId): bool
    {
        $this->ensureTables();
        $name = self::attemptKey($serviceId);
        $earlier = Capsule::table(self::SETTINGS_TABLE)->where('name', $name)->exists();
        Capsule::table(self::SETTINGS_TABLE)->updateOrInsert(['name' => $name], ['value' => date('Y-m-d H:i:s')]);
        Capsule::table(self::SETTINGS_TABLE)->insertOrIgnore(['name' => 'provision_journal_since', 'value' => date('Y-m-d')]);
        $since = (string) Capsule::table(self::SETTINGS_TABLE)->where('name', 'provision_journal_since')->value('value');
        $registered = Capsule::table('tblhosting')->where('id', $serviceId)->value('regdate');
        return !$earlier
            && !Capsule::table(self::TABLE)->where('service_id', $serviceId)->exists()
            && is_string($registered) && preg_match('/^\d{4}-\d{2}-\d{2}/', $registered) === 1
            && substr($registered, 0, 10) >= $since;
    }

    /** Create stored its result: the attempt is finished (see beginProvisioning()). */
    public function endProvisioning(int $serviceId): void
    {
        $this->ensureTables();
        Capsule::table(self::SETTINGS_TABLE)->where('name', self::attemptKey($serviceId))->delete();
    }

    private static function attemptKey(int $serviceId): string
    {
        return 'provision_attempt:service:' . $serviceId;
    }

    /**
     * Records what a usage run found for a service: counts (null when it could not count, keeping the last counts)
     * and the reason it could not.
     */
    public function saveUsage(int $serviceId, ?int $devices, ?int $online, ?string $error, string $at): void
    {
        $this->ensureTables();
        $fields = ['usage_checked_at' => $at, 'usage_error' => $error];
        if ($devices !== null && $online !== null) {
            $fields += ['usage_devices' => $devices, 'usage_online' => $online, 'usage_counted_at' => $at];
        }
        Capsule::table(self::TABLE)->where('service_id', $serviceId)->update($fields);
    }

    /** @return array{devices: ?int, online: ?int, counted_at: ?string, checked_at: ?string, error: ?string}|null */
    public function usage(int $serviceId): ?array
    {
        $this->ensureTables();
        $row = Capsule::table(self::TABLE)->where('service_id', $serviceId)->first();
        if ($row === null) {
            return null;
        }
        return [
            'devices' => $row->usage_devices !== null ? (int) $row->usage_devices : null,
            'online' => $row->usage_online !== null ? (int) $row->usage_online : null,
            'counted_at' => $row->usage_counted_at !== null ? (string) $row->usage_counted_at : null,
            'checked_at' => $row->usage_checked_at !== null ? (string) $row->usage_checked_at : null,
            'error' => $row->usage_error !== null ? (string) $row->usage_error : null,
        ];
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

    /**
     * The keys of this install's services that the module terminated: a row whose group id Terminate cleared
     * (forget(); a row is only written by a successful Create, so it was provisioned once) and whose WHMCS service is
     * Terminated or Cancelled, or no longer exists. What the sweep of groups that came back may retire (see
     * src/ops/sweep.rs); a service Created again since then has its group id back and is not listed.
     *
     * @return list<string>
     */
    public function terminatedKeys(): array
    {
        $this->ensureTables();
        $rows = Capsule::table(self::TABLE)
            ->leftJoin('tblhosting', 'tblhosting.id', '=', self::TABLE . '.service_id')
            ->where(static fn ($q) => $q->whereNull(self::TABLE . '.mesh_id')->orWhere(self::TABLE . '.mesh_id', ''))
            ->where(static fn ($q) => $q->whereNull('tblhosting.id')->orWhereIn('tblhosting.domainstatus', ['Terminated', 'Cancelled']))
            ->orderBy(self::TABLE . '.service_id')
            ->pluck(self::TABLE . '.service_key');
        return array_values(array_map(static fn ($k): string => (string) $k, $rows->all()));
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
        // A pure read: the tag is made with the tables (ensureTables), never by a getter.
        $this->ensureTables();
        return (string) Capsule::table(self::SETTINGS_TABLE)->where('name', 'install_tag')->value('value');
    }

    /** The schema version of the tables (1 for tables of releases that wrote none). */
    public function schemaVersion(): int
    {
        $this->ensureTables();
        return $this->storedSchemaVersion();
    }

    private function ensureTables(): void
    {
        $database = Capsule::connection()->getDatabaseName();
        if (isset(self::$ready[$database])) {
            return;
        }
        $schema = Capsule::schema();
        $fresh = !$schema->hasTable(self::TABLE);
        if ($fresh) {
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
        // Usage columns (added in a later release: older tables get them here).
        $usageColumns = ['usage_devices', 'usage_online', 'usage_counted_at', 'usage_checked_at', 'usage_error'];
        $missing = array_values(array_filter($usageColumns, static fn (string $c): bool => !$schema->hasColumn(self::TABLE, $c)));
        if ($missing !== []) {
            $schema->table(self::TABLE, static function ($table) use ($missing): void {
                foreach ($missing as $column) {
                    match ($column) {
                        'usage_devices', 'usage_online' => $table->unsignedInteger($column)->nullable(),
                        'usage_error' => $table->text($column)->nullable(),
                        default => $table->timestamp($column)->nullable(),
                    };
                }
            });
        }
        if (!$schema->hasTable(self::SETTINGS_TABLE)) {
            $schema->create(self::SETTINGS_TABLE, static function ($table): void {
                $table->string('name', 64)->primary();
                $table->text('value');
            });
        }
        if ($fresh) {
            $this->setSchemaVersion(self::SCHEMA_VERSION);
        } else {
            $this->migrate();
        }
        // The install tag (random, made once per install; every release before kept the first one): two requests
        // making it at once keep whichever was inserted first.
        $tag = Capsule::table(self::SETTINGS_TABLE)->where('name', 'install_tag')->value('value');
        if (!is_string($tag) || $tag === '') {
            Capsule::table(self::SETTINGS_TABLE)->insertOrIgnore(['name' => 'install_tag', 'value' => bin2hex(random_bytes(3))]);
        }
        self::$ready[$database] = true;
    }

    /**
     * Brings the tables of an older release up to SCHEMA_VERSION, one step at a time, each step and its version row
     * in one transaction. Every step is idempotent: two requests migrating at once do the same thing twice.
     */
    private function migrate(): void
    {
        $version = $this->storedSchemaVersion();
        if ($version < 2) {
            Capsule::connection()->transaction(function (): void {
                // A username without a group id was never provisioned (see the class comment).
                Capsule::table(self::TABLE)
                    ->where(static fn ($q) => $q->whereNull('mesh_id')->orWhere('mesh_id', ''))
                    ->whereNotNull('username')
                    ->update(['username' => null, 'updated_at' => date('Y-m-d H:i:s')]);
                $this->setSchemaVersion(2);
            });
        }
    }

    private function storedSchemaVersion(): int
    {
        $value = Capsule::table(self::SETTINGS_TABLE)->where('name', 'schema_version')->value('value');
        return is_string($value) && ctype_digit($value) ? (int) $value : 1;
    }

    private function setSchemaVersion(int $version): void
    {
        Capsule::table(self::SETTINGS_TABLE)->updateOrInsert(['name' => 'schema_version'], ['value' => (string) $version]);
    }
}
