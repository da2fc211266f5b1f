<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * add_hook()/run_hook() as WHMCS implements them (includes/hookfunctions.php):
 * - hooks of one point run in ascending priority; equal priorities keep their registration order;
 * - each hook function is called with ONE argument, the $vars array;
 * - run_hook() returns the list of the truthy return values only (WHMCS drops null/false/''/[]);
 * - a registered name that is not callable is skipped (WHMCS logs "Hook Function %s Not Found" in hook debug mode).
 */
final class HookRegistry
{
    /** @var array<string, list<array{priority: int, seq: int, function: mixed}>> */
    private array $hooks = [];
    private int $seq = 0;

    public function add(string $hookPoint, int $priority, mixed $function): void
    {
        $this->hooks[$hookPoint][] = ['priority' => $priority, 'seq' => $this->seq++, 'function' => $function];
        usort(
            $this->hooks[$hookPoint],
            static fn (array $a, array $b): int => [$a['priority'], $a['seq']] <=> [$b['priority'], $b['seq']]
        );
    }

    /** @return list<mixed> the truthy return values, in priority order */
    public function run(string $hookPoint, mixed $vars): array
    {
        $results = [];
        foreach ($this->hooks[$hookPoint] ?? [] as $hook) {
            if (!is_callable($hook['function'])) {
                continue;
            }
            $result = call_user_func($hook['function'], $vars);
            if ($result) {
                $results[] = $result;
            }
        }
        return $results;
    }

    public function has(string $hookPoint): bool
    {
        return !empty($this->hooks[$hookPoint]);
    }

    public function clear(string $hookPoint): void
    {
        unset($this->hooks[$hookPoint]);
    }
}
