<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Unit;

use WHMCS\Module\Server\Meshcentral\Support\Core;

/**
 * A Core for the module's own unit tests: the ops that would talk to MeshCentral are answered from `$answers`
 * (op => value, or callable(array $request): mixed, which may throw); the pure ops (settings, names, links) go to the
 * real Wasm core, so the tests use the core's rules rather than a copy. Any other op fails the test. Every request is
 * kept in `$requests`.
 */
final class FakeCore implements Core
{
    private const PURE = ['product_settings', 'server_settings', 'service_names', 'login_url', 'installer_links'];

    /** @var list<array<string, mixed>> */
    public array $requests = [];

    /** @param array<string, mixed> $answers */
    public function __construct(private array $answers = [])
    {
    }

    public function answer(string $op, mixed $value): void
    {
        $this->answers[$op] = $value;
    }

    /** @return list<array<string, mixed>> the requests of one op */
    public function requestsOf(string $op): array
    {
        return array_values(array_filter($this->requests, static fn (array $r): bool => $r['op'] === $op));
    }

    public function call(array $request): mixed
    {
        $request = json_decode((string) json_encode($request), true);
        $this->requests[] = $request;
        $op = (string) $request['op'];
        if (array_key_exists($op, $this->answers)) {
            $answer = $this->answers[$op];
            return is_callable($answer) ? $answer($request) : $answer;
        }
        if (in_array($op, self::PURE, true)) {
            return UnitTestCase::realCore()->call($request);
        }
        throw new \LogicException("the test did not expect the op '$op'");
    }

    public function backend(): array
    {
        return ['backend' => 'fake', 'reason' => 'unit test'];
    }
}
