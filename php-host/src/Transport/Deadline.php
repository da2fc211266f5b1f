<?php

declare(strict_types=1);

namespace MeshCentralConnector\Transport;

/**
 * An absolute point in time on the monotonic clock, with the length it was set for (for messages).
 *
 * Every wait and every loop of the transport checks one of these, so no call outlives what it was given whatever the
 * peer sends (a stream of pings is as bounded as silence).
 */
final class Deadline
{
    private function __construct(private readonly int $atNs, public readonly int $ms)
    {
    }

    public static function in(int $ms): self
    {
        $ms = max(0, $ms);

        return new self(hrtime(true) + $ms * 1_000_000, $ms);
    }

    /** The earlier of the two; its length stays this one's, because that is what the caller asked for. */
    public function capped(self $other): self
    {
        return $other->atNs < $this->atNs ? new self($other->atNs, $this->ms) : $this;
    }

    public function expired(): bool
    {
        return hrtime(true) >= $this->atNs;
    }

    /** Milliseconds left, rounded up so that a wait never ends just before the deadline; 0 once expired. */
    public function remainingMs(): int
    {
        $left = $this->atNs - hrtime(true);

        return $left <= 0 ? 0 : (int) ceil($left / 1_000_000);
    }
}
