<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Whmcs;

use MeshCentralConnector\Tests\Support\TempDir;
use MeshCentralConnector\WhmcsEmulator\Whmcs;
use PHPUnit\Framework\TestCase;

require_once dirname(__DIR__, 3) . '/whmcs-emulator/autoload.php';

/**
 * A fresh emulated WHMCS per test, with the fixture module "emutest" installed (symlinked, so that the module's
 * functions, loaded once per PHP process, keep pointing at files that outlive each test's root).
 */
abstract class WhmcsTestCase extends TestCase
{
    protected const FIXTURE_MODULE = __DIR__ . '/fixtures/emutest';

    protected Whmcs $whmcs;
    protected string $root;

    protected function setUp(): void
    {
        $this->root = sys_get_temp_dir() . '/whmcs-emu-' . bin2hex(random_bytes(6));
        $this->whmcs = Whmcs::create($this->root);
        $this->whmcs->installModule(self::FIXTURE_MODULE, 'emutest', symlink: true);
        $GLOBALS['EMUTEST'] = [];
        $GLOBALS['EMUTEST_CALLS'] = [];
    }

    protected function tearDown(): void
    {
        unset($GLOBALS['EMUTEST'], $GLOBALS['EMUTEST_CALLS']);
        TempDir::remove($this->root);
    }

    /**
     * A client, a server, a product and a Pending service of the fixture module.
     *
     * @param array<string, mixed> $product extra tblproducts columns
     * @param array<string, mixed> $service extra tblhosting columns
     * @return array{client: int, server: int, product: int, service: int}
     */
    protected function makeService(array $product = [], array $service = []): array
    {
        $client = $this->whmcs->addClient(['firstname' => 'Ada', 'lastname' => 'Lovelace', 'email' => 'ada@example.test']);
        $server = $this->whmcs->addServer([
            'type' => 'emutest',
            'name' => 'Panel',
            'hostname' => 'panel.example.test',
            'ipaddress' => '127.0.0.1',
            'username' => 'admin',
            'password' => 'right',
            'accesshash' => 'token-123',
            'secure' => true,
        ]);
        $productId = $this->whmcs->addProduct($product + [
            'servertype' => 'emutest',
            'name' => 'Remote Support',
            'configoption1' => 'replacement',
            'configoption2' => 'ok',
        ]);
        $serviceId = $this->whmcs->addService($service + ['userid' => $client, 'packageid' => $productId, 'server' => $server]);
        return ['client' => $client, 'server' => $server, 'product' => $productId, 'service' => $serviceId];
    }

    /** @return list<string> the activity log descriptions */
    protected function activity(): array
    {
        return array_column($this->whmcs->activityLog(), 'description');
    }
}
