<?php

declare(strict_types=1);

namespace WHMCS\UsageBilling\Contracts\Metrics;

/** The unit of a metric (classdocs: WHMCS\UsageBilling\Contracts\Metrics\UnitInterface; the constants' values are not documented, these are the emulator's own). */
interface UnitInterface
{
    public const TYPE_CURRENCY = 'currency';
    public const TYPE_FLOAT_PRECISION_LOW = 'float_low';
    public const TYPE_FLOAT_PRECISION_HIGH = 'float_high';
    public const TYPE_INT = 'int';
    public const TYPE_MICROTIME = 'microtime';

    /** @return string */
    public function name();

    /** @return string */
    public function perUnitName($value = 0);

    /** @return string */
    public function prefix();

    /** @return string */
    public function suffix();

    /** @return string one of the TYPE_* constants */
    public function type();

    public function decorate($value);

    /** @return string */
    public function formatForType($value);

    /** @return float|int */
    public function roundForType($value);
}
