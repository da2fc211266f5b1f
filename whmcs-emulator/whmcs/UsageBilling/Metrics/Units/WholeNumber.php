<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics\Units;

/** A count unit, e.g. new WholeNumber('MySQL Databases', 'Database', 'Databases') as WHMCS's own modules use it. */
class WholeNumber
{
    public function __construct(private string $name = 'Whole Number', private string $singular = '', private string $plural = '')
    {
    }

    public function name(): string
    {
        return $this->name;
    }

    public function format($value): string
    {
        return (int) $value . ' ' . ((int) $value === 1 ? ($this->singular ?: $this->name) : ($this->plural ?: $this->name));
    }
}
