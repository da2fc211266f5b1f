<?php

declare(strict_types=1);

namespace MeshCentralConnector;

/**
 * What Connector::provision() makes for a service, by name instead of by position:
 * `new ProvisionOptions(groupNameTemplate: '{company} #{service_id}', preset: 'full', vars: $vars, email: $email)`.
 */
final class ProvisionOptions
{
    /**
     * @param string               $groupNameTemplate the device group's name, with {placeholders} filled from $vars
     * @param string               $preset            full | remote_only | view_only
     * @param array<string, mixed> $vars              values for the template ({company}, {client}, {service_id}, ...)
     * @param string|null          $password          the user's password (null: the core generates one)
     * @param string|null          $email             the user's e-mail (stored verified)
     * @param string|null          $realname          the user's real name
     * @param string               $description       the device group's description
     * @param bool                 $fresh             no earlier attempt for this service can have reached MeshCentral
     *                                                (the caller's journal says so): the core makes the objects
     *                                                without reading every group and account first
     */
    public function __construct(
        public readonly string $groupNameTemplate,
        public readonly string $preset,
        public readonly array $vars = [],
        public readonly ?string $password = null,
        public readonly ?string $email = null,
        public readonly ?string $realname = null,
        public readonly string $description = '',
        public readonly bool $fresh = false
    ) {
    }
}
