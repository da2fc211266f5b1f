<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics\Units;

use WHMCS\UsageBilling\Contracts\Metrics\UnitInterface;

/**
 * classdocs: `__construct($name, $singlePerUnitName = null, $pluralPerUnitName = null, $prefix = null,
 * $suffix = null)`. The names must be strings (or null).
 */
abstract class AbstractUnit implements UnitInterface
{
    private string $name;
    private string $single;
    private string $plural;
    private string $prefix;
    private string $suffix;

    public function __construct($name, $singlePerUnitName = null, $pluralPerUnitName = null, $prefix = null, $suffix = null)
    {
        foreach (['name' => $name, 'singlePerUnitName' => $singlePerUnitName, 'pluralPerUnitName' => $pluralPerUnitName, 'prefix' => $prefix, 'suffix' => $suffix] as $param => $v) {
            if ($v !== null && !is_string($v)) {
                throw new \InvalidArgumentException(static::class . ": \$$param must be a string, got " . get_debug_type($v));
            }
        }
        $this->name = (string) $name;
        $this->single = $singlePerUnitName ?? $this->name;
        $this->plural = $pluralPerUnitName ?? $this->single;
        $this->prefix = (string) $prefix;
        $this->suffix = (string) $suffix;
    }

    public function name()
    {
        return $this->name;
    }

    public function perUnitName($value = 0)
    {
        return (float) $value === 1.0 ? $this->single : $this->plural;
    }

    public function prefix()
    {
        return $this->prefix;
    }

    public function suffix()
    {
        return $this->suffix;
    }

    public function decorate($value)
    {
        return trim($this->prefix . $this->formatForType($value) . $this->suffix . ' ' . $this->perUnitName($value));
    }

    public function formatForType($value)
    {
        $rounded = $this->roundForType($value);
        return is_int($rounded) ? (string) $rounded : number_format($rounded, $this->type() === self::TYPE_FLOAT_PRECISION_HIGH ? 6 : 2, '.', '');
    }

    public function roundForType($value)
    {
        return $this->type() === self::TYPE_INT ? (int) round((float) $value) : round((float) $value, 6);
    }
}
