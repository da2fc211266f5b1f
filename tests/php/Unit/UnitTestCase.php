<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Unit;

use MeshCentralConnector\Connector;
use MeshCentralConnector\WhmcsEmulator\ParamsBuilder;
use MeshCentralConnector\WhmcsEmulator\Whmcs;
use PHPUnit\Framework\TestCase;
use WHMCS\Module\Server\Meshcentral\Support\Core;
use WHMCS\Module\Server\Meshcentral\Support\WasmCore;

require_once dirname(__DIR__, 3) . '/whmcs-emulator/autoload.php';
// The module's classes from the source tree (its lib/autoload.php expects the release layout, php-host inside it).
spl_autoload_register(static function (string $class): void {
    $prefix = 'WHMCS\\Module\\Server\\Meshcentral\\';
    $file = dirname(__DIR__, 3) . '/modules-servers-meshcentral/lib/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (str_starts_with($class, $prefix) && is_file($file)) {
        require $file;
    }
});

/**
 * The module's own classes without MeshCentral and without the network: an emulated WHMCS database (SQLite) for the
 * module's tables and WHMCS's records, a FakeCore for the ops that would reach MeshCentral, and the real Wasm core
 * (build/meshcentral_connector.wasm, either backend) for the pure ones.
 */
abstract class UnitTestCase extends TestCase
{
    /** The login token key of the test server record: any 160 hex characters (nothing checks it here). */
    protected const KEY = 'ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12'
        . 'ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12';

    private static ?Core $core = null;
    protected Whmcs $whmcs;
    protected int $serverId;

    public static function realCore(): Core
    {
        $wasm = dirname(__DIR__, 3) . '/build/meshcentral_connector.wasm';
        if (!is_file($wasm)) {
            self::fail('build/meshcentral_connector.wasm is missing: run scripts/build-wasm.sh');
        }
        return self::$core ??= new WasmCore(Connector::load($wasm, new \MeshCentralConnector\ConnectorOptions(cacheDir: sys_get_temp_dir() . '/meshconnector-test-cache')));
    }

    protected function setUp(): void
    {
        putenv('MESHCONNECTOR_STATE_DIR=' . sys_get_temp_dir() . '/meshconnector-unit-state-' . getmypid());
        $this->whmcs = Whmcs::create(sys_get_temp_dir() . '/meshconnector-unit-' . getmypid() . '-' . bin2hex(random_bytes(4)));
        $this->whmcs->setSetting('ModuleDebugMode', 'on');
        $this->whmcs->activate();
        $this->serverId = $this->whmcs->addServer([
            'type' => 'meshcentral', 'hostname' => 'mesh.example.test', 'username' => 'admin', 'password' => 'pw',
            'accesshash' => self::KEY, 'secure' => 'on', 'port' => '443',
        ]);
    }

    /**
     * A service of a new product (module settings by position) for a new client, and WHMCS's params for it.
     *
     * @param array<int, string> $options configoptionN
     * @param array<string, mixed> $service tblhosting fields
     * @return array<string, mixed>
     */
    protected function serviceParams(array $options = [], array $service = []): array
    {
        $fields = ['servertype' => 'meshcentral', 'name' => 'Remote management', 'type' => 'other'];
        foreach ($options as $n => $v) {
            $fields['configoption' . $n] = $v;
        }
        $productId = $this->whmcs->addProduct($fields);
        $clientId = $this->whmcs->addClient(['firstname' => 'Ada', 'lastname' => 'Lovelace', 'email' => 'ada@example.test']);
        $id = $this->whmcs->addService($service + ['userid' => $clientId, 'packageid' => $productId, 'server' => $this->serverId, 'domainstatus' => 'Active']);
        return (new ParamsBuilder($this->whmcs))->forService($id);
    }

    /** @return list<string> the module log's actions, in order */
    protected function loggedActions(): array
    {
        return array_values(array_map(static fn (array $r): string => (string) $r['action'], $this->whmcs->moduleLog()));
    }
}
