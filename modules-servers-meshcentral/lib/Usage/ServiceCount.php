<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Usage;

/** What one usage run found for one service: its device counts, or why it could not count them. */
final class ServiceCount
{
    private function __construct(
        public readonly int $serviceId,
        public readonly string $tenant,
        public readonly string $meshId,
        public readonly ?int $devices,
        public readonly ?int $online,
        public readonly ?string $error,
    ) {
    }

    /**
     * @param mixed $entry the core's answer for the group: {devices, online}, null (gone) or {error: {message}}
     * @param bool $answered whether the core's answer has an entry for the group at all
     */
    public static function fromCore(int $serviceId, string $tenant, string $meshId, mixed $entry, bool $answered): self
    {
        if (is_array($entry) && isset($entry['devices'], $entry['online']) && is_int($entry['devices']) && is_int($entry['online'])) {
            return new self($serviceId, $tenant, $meshId, $entry['devices'], $entry['online'], null);
        }
        if (is_array($entry) && is_array($entry['error'] ?? null)) {
            $why = sprintf('the stored device group id is not usable (%s)', (string) ($entry['error']['message'] ?? 'invalid'));
        } elseif ($answered && $entry === null) {
            $why = sprintf("the device group '%s' no longer exists in MeshCentral (or the connector's account cannot see it)", $meshId);
        } else {
            $why = sprintf("MeshCentral's answer has no count for the device group '%s'", $meshId);
        }
        return new self($serviceId, $tenant, $meshId, null, null, $why);
    }
}
