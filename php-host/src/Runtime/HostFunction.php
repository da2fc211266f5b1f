<?php

declare(strict_types=1);

namespace MeshCentralConnector\Runtime;

/**
 * A PHP callable offered to the guest as an import, with its declared Wasm signature.
 *
 * The signature is declared rather than inferred so that it can be checked against what the module actually imports
 * before instantiation: a mismatch is then a clear error instead of a trap deep inside a guest call.
 *
 * The callable receives the arguments as PHP ints (i32 values arrive signed; mask with 0xFFFFFFFF for u32) and returns
 * an int for one result, null for none, or a list of ints for several.
 */
final class HostFunction
{
    /** @var list<string> */
    private array $params;
    /** @var list<string> */
    private array $results;
    /** @var callable */
    private $callable;

    /**
     * @param list<string> $params  value types ('i32' | 'i64')
     * @param list<string> $results value types ('i32' | 'i64')
     */
    public function __construct(array $params, array $results, callable $callable)
    {
        foreach (array_merge($params, $results) as $type) {
            ValType::kind($type);
        }
        $this->params = array_values($params);
        $this->results = array_values($results);
        $this->callable = $callable;
    }

    /** @return list<string> */
    public function params(): array
    {
        return $this->params;
    }

    /** @return list<string> */
    public function results(): array
    {
        return $this->results;
    }

    public function callable(): callable
    {
        return $this->callable;
    }
}
