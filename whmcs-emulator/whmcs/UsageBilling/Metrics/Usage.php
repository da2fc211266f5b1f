<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics;

use WHMCS\Carbon;
use WHMCS\UsageBilling\Contracts\Metrics\UsageInterface;

/**
 * classdocs: `__construct($value, $collectedAt = null, $startAt = null, $endAt = null)`, the times
 * `null|Carbon|float|int` (a Unix time); collectedAt defaults to now. value() is a float (UsageInterface), so a
 * value that is not a number is refused.
 */
class Usage implements UsageInterface
{
    private float $value;
    private Carbon $collectedAt;
    private ?Carbon $startAt;
    private ?Carbon $endAt;

    public function __construct($value, $collectedAt = null, $startAt = null, $endAt = null)
    {
        if (!is_int($value) && !is_float($value) && !(is_string($value) && is_numeric($value))) {
            throw new \InvalidArgumentException('Usage: the value must be a number, got ' . get_debug_type($value));
        }
        $this->value = (float) $value;
        $this->collectedAt = self::time($collectedAt, 'collectedAt') ?? Carbon::now();
        $this->startAt = self::time($startAt, 'startAt');
        $this->endAt = self::time($endAt, 'endAt');
    }

    public function collectedAt()
    {
        return $this->collectedAt;
    }

    public function startAt()
    {
        return $this->startAt;
    }

    public function endAt()
    {
        return $this->endAt;
    }

    public function value()
    {
        return $this->value;
    }

    private static function time(mixed $t, string $name): ?Carbon
    {
        return match (true) {
            $t === null => null,
            $t instanceof \DateTimeInterface => Carbon::instance($t),
            is_int($t), is_float($t) => Carbon::createFromTimestamp($t),
            default => throw new \InvalidArgumentException("Usage: $name must be null, a Carbon or a Unix time, got " . get_debug_type($t)),
        };
    }
}
