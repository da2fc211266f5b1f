<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Exception;

/**
 * A page-time call was not made because the server's breaker is open (Support\Breaker): MeshCentral did not answer a
 * moment ago. The message is for staff (what failed, since when, when the next try is due); clients see the
 * `temporarily_unavailable` text.
 */
final class ServerUnavailable extends \RuntimeException
{
    public const CLIENT_TEXT_KEY = 'temporarily_unavailable';

    public function __construct(string $reason, public readonly string $kind, public readonly int $untilMs)
    {
        parent::__construct($reason);
    }

    /** @param array{kind: string, since_ms: int, until_ms: int} $state */
    public static function fromState(string $baseUrl, array $state): self
    {
        $at = static fn (int $ms): string => gmdate('H:i:s', intdiv($ms, 1000)) . ' UTC';
        return new self(sprintf(
            'not asked: MeshCentral at %s did not answer at %s (%s); the next try is made after %s',
            $baseUrl,
            $at($state['since_ms']),
            str_replace('_', ' ', $state['kind']),
            $at($state['until_ms'])
        ), $state['kind'], $state['until_ms']);
    }
}
