<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

use Illuminate\Database\Capsule\Manager as Capsule;

/**
 * One emulated WHMCS installation: a root directory laid out like WHMCS's (modules/servers/, templates/<theme>/,
 * templates_c/, configuration.php) with a SQLite database, plus the global helpers WHMCS gives modules.
 *
 * PHP has one global function table, so one installation at a time is "current": the global helpers (logModuleCall,
 * localAPI, add_hook, ...) and Capsule's global connection follow it. create()/open() make the new one current.
 */
final class Whmcs
{
    /** The parent themes WHMCS ships (Six: Bootstrap 3.4; Twenty-One: Bootstrap 4.5; Nexus: WHMCS 9, Bootstrap 4 based). */
    public const THEMES = ['six', 'twenty-one', 'nexus'];
    public const DEFAULT_THEME = 'twenty-one';

    private static ?self $current = null;

    private readonly Capsule $capsule;
    private readonly Crypto $crypto;
    private readonly HookRegistry $hooks;
    private readonly FunctionCaller $runner;
    private bool $moduleHooksLoaded = false;

    /**
     * The client-area languages WHMCS ships (file names of its lang/ directory, which is also what tblclients.language
     * and the `Language` setting hold).
     */
    public const CLIENT_LANGUAGES = [
        'arabic', 'azerbaijani', 'catalan', 'chinese', 'croatian', 'czech', 'danish', 'dutch', 'english', 'estonian',
        'farsi', 'french', 'german', 'hebrew', 'hungarian', 'italian', 'macedonian', 'norwegian', 'portuguese-br',
        'portuguese-pt', 'romanian', 'russian', 'spanish', 'swedish', 'turkish', 'ukranian',
    ];

    private function __construct(private readonly string $root, string $installationHash)
    {
        $this->capsule = Database::connect($root . '/whmcs.sqlite');
        $this->crypto = new Crypto($installationHash);
        $this->hooks = new HookRegistry();
        $this->runner = new FunctionCaller($this);
    }

    /** Lays out a new installation in $rootDir (created if missing; refused if it already holds one). */
    public static function create(string $rootDir): self
    {
        if (is_file($rootDir . '/configuration.php')) {
            throw new \RuntimeException("$rootDir already holds a WHMCS installation; use Whmcs::open()");
        }
        foreach (['', '/modules/servers', '/templates_c', '/logs', '/sessions'] as $dir) {
            if (!is_dir($rootDir . $dir) && !mkdir($rootDir . $dir, 0700, true)) {
                throw new \RuntimeException("cannot create $rootDir$dir");
            }
        }
        $root = (string) realpath($rootDir);
        foreach (self::THEMES as $theme) {
            self::copyTree(dirname(__DIR__) . '/templates/' . $theme, $root . '/templates/' . $theme);
        }
        $hash = Crypto::newInstallationHash();
        // WHMCS keeps its encryption key as $cc_encryption_hash in configuration.php; so does the emulator.
        $config = "<?php\n\n// Written by the WHMCS emulator. The database is SQLite (whmcs.sqlite) instead of MySQL.\n"
            . '$cc_encryption_hash = ' . var_export($hash, true) . ";\n"
            . "\$templates_compiledir = 'templates_c';\n";
        file_put_contents($root . '/configuration.php', $config);
        chmod($root . '/configuration.php', 0600);

        $whmcs = new self($root, $hash);
        Database::createSchema($whmcs->capsule);
        $whmcs->activate();
        foreach (
            [
                // Utilities > Logs > Module Debug Log: off in WHMCS until an admin turns it on ("Logging is not
                // something that is always enabled", module-logging docs); logModuleCall() records nothing until then.
                // Tests that read the module log turn it on: setSetting('ModuleDebugMode', 'on').
                'ModuleDebugMode' => '',
                'Template' => self::DEFAULT_THEME,
                'SystemURL' => '',
                'CompanyName' => 'WHMCS Emulator',
                'Language' => 'english',
                'GenerateRandomUsername' => '',
                // Other tab: "Show Cancellation Link" (on by default in a new WHMCS).
                'ShowCancellationButton' => 'on',
            ] as $setting => $value
        ) {
            $whmcs->setSetting($setting, $value);
        }
        return $whmcs;
    }

    /** Opens an installation made by create() (the web server's router does this on every request). */
    public static function open(string $rootDir): self
    {
        $root = realpath($rootDir);
        if ($root === false || !is_file($root . '/configuration.php')) {
            throw new \RuntimeException("$rootDir holds no WHMCS installation");
        }
        $config = (static function (string $file): array {
            $cc_encryption_hash = '';
            require $file;
            return ['hash' => $cc_encryption_hash];
        })($root . '/configuration.php');
        $whmcs = new self($root, (string) $config['hash']);
        $whmcs->activate();
        return $whmcs;
    }

    public static function current(): self
    {
        if (self::$current === null) {
            throw new \LogicException('no WHMCS installation is active: call Whmcs::create() or Whmcs::open() first');
        }
        return self::$current;
    }

    public static function hasCurrent(): bool
    {
        return self::$current !== null;
    }

    /** Makes this installation the one the global helpers and Capsule::table() use. */
    public function activate(): void
    {
        self::defineGlobalFunctions();
        self::$current = $this;
        $this->capsule->setAsGlobal();
        $this->capsule->bootEloquent();
    }

    /**
     * A child theme (WHMCS 8.1+, developer docs "Child Themes" / "The Theme Configuration File"): templates/<name>/
     * with a theme.yaml whose `config: parent:` names its parent; templates it lacks come from the parent.
     *
     * @param array<string, string> $files extra files, path inside the theme => content (e.g. a template override)
     */
    public function addChildTheme(string $name, string $parent, array $files = []): void
    {
        if (preg_match('/^[a-z0-9][a-z0-9_-]*$/', $name) !== 1 || in_array($name, self::THEMES, true)) {
            throw new \InvalidArgumentException("'$name' is not a usable child theme name");
        }
        if ($this->themeChain($parent) === null) {
            throw new \InvalidArgumentException("no theme '$parent' to be the parent of '$name'");
        }
        $dir = $this->root . '/templates/' . $name;
        if (!is_dir($dir) && !mkdir($dir, 0700, true)) {
            throw new \RuntimeException("cannot create $dir");
        }
        file_put_contents($dir . '/theme.yaml', "name: \"$name\"\ndescription: \"Child theme of $parent\"\nconfig:\n  parent: $parent\n");
        foreach ($files as $path => $content) {
            if (in_array('..', explode('/', $path), true)) {
                throw new \InvalidArgumentException("'$path' is not a path inside the theme");
            }
            if (!is_dir(dirname($dir . '/' . $path))) {
                mkdir(dirname($dir . '/' . $path), 0700, true);
            }
            file_put_contents($dir . '/' . $path, $content);
        }
    }

    /**
     * The theme and its ancestors, child first, ending in one of THEMES; null when $theme is not an installed theme
     * (no templates/<theme>/theme.yaml, a parent missing, or a cycle). WHMCS reads `config: parent:` of theme.yaml.
     *
     * @return list<string>|null
     */
    public function themeChain(string $theme): ?array
    {
        $chain = [];
        while (preg_match('/^[A-Za-z0-9][A-Za-z0-9_-]*$/', $theme) === 1 && !in_array($theme, $chain, true) && count($chain) < 8) {
            $yaml = @file_get_contents($this->root . '/templates/' . $theme . '/theme.yaml');
            if ($yaml === false) {
                return null;
            }
            $chain[] = $theme;
            if (in_array($theme, self::THEMES, true)) {
                return $chain;
            }
            if (preg_match('/^config:[ \t]*\r?\n(?:[ \t]+.*\r?\n)*?[ \t]+parent:[ \t]*["\']?([^"\'\s#]+)/m', $yaml, $m) !== 1) {
                return null;
            }
            $theme = $m[1];
        }
        return null;
    }

    public function root(): string
    {
        return $this->root;
    }

    public function db(): Capsule
    {
        return $this->capsule;
    }

    public function modules(): FunctionCaller
    {
        return $this->runner;
    }

    public function clientArea(): ClientArea
    {
        return new ClientArea($this);
    }

    // ---------------------------------------------------------------- modules

    /**
     * Installs a server module: copies $sourceDir to <root>/modules/servers/<name>/ (or symlinks it).
     * A symlink keeps __DIR__ of the module's functions stable when one PHP process opens several installations.
     */
    public function installModule(string $sourceDir, ?string $name = null, bool $symlink = false): string
    {
        $name ??= basename(rtrim($sourceDir, '/'));
        ModuleLoader::assertValidName($name);
        if (!is_file($sourceDir . '/' . $name . '.php')) {
            throw new \InvalidArgumentException("$sourceDir has no $name.php");
        }
        $target = $this->root . '/modules/servers/' . $name;
        if (file_exists($target) || is_link($target)) {
            throw new \RuntimeException("module $name is already installed");
        }
        if ($symlink) {
            symlink((string) realpath($sourceDir), $target);
        } else {
            self::copyTree($sourceDir, $target);
        }
        if ($this->moduleHooksLoaded) {
            ModuleLoader::loadHooks($this, $name);
        }
        return $target;
    }

    public function hooks(): HookRegistry
    {
        // WHMCS loads every installed module's hooks.php when it boots; here on first use.
        if (!$this->moduleHooksLoaded) {
            $this->moduleHooksLoaded = true;
            foreach (glob($this->root . '/modules/servers/*/hooks.php') ?: [] as $file) {
                ModuleLoader::loadHooks($this, basename(dirname($file)));
            }
        }
        return $this->hooks;
    }

    // ---------------------------------------------------------------- the WHMCS helper functions

    public function encrypt(string $plain): string
    {
        return $this->crypto->encrypt($plain);
    }

    public function decrypt(string $encrypted): string
    {
        return $this->crypto->decrypt($encrypted);
    }

    /**
     * WHMCS's logModuleCall(): nothing unless Module Debug Logging is on; arrays (and objects) are print_r'd; every
     * value of $replaceVars is replaced by as many '*' in request, response and processed data (str_replace, so also
     * inside longer strings and inside the print_r of nested arrays); module and action are stored lowercased.
     */
    public function logModuleCall(
        mixed $module,
        mixed $action,
        mixed $request,
        mixed $response,
        mixed $processedData = '',
        mixed $replaceVars = []
    ): bool {
        if ($this->setting('ModuleDebugMode') === '' || !$module) {
            return false;
        }
        $fields = [];
        foreach (['request' => $request, 'response' => $response, 'arrdata' => $processedData] as $key => $value) {
            $fields[$key] = is_array($value) || is_object($value) ? print_r($value, true) : (string) $value;
        }
        $secrets = [];
        foreach (is_array($replaceVars) ? $replaceVars : [] as $secret) {
            if (is_scalar($secret) && (string) $secret !== '') {
                $secrets[] = (string) $secret;
            }
        }
        // Longest first, so a secret that contains another is masked whole (WHMCS masks in the given order).
        usort($secrets, static fn (string $a, string $b): int => strlen($b) <=> strlen($a));
        foreach ($secrets as $secret) {
            foreach ($fields as $key => $value) {
                $fields[$key] = str_replace($secret, str_repeat('*', strlen($secret)), $value);
            }
        }
        $this->capsule->table('tblmodulelog')->insert([
            'date' => date('Y-m-d H:i:s'),
            'module' => strtolower((string) $module),
            'action' => strtolower((string) ($action ?: 'Unknown')),
        ] + $fields);
        return true;
    }

    public function logActivity(string $description, int $userId = 0): void
    {
        $this->capsule->table('tblactivitylog')->insert([
            'date' => date('Y-m-d H:i:s'),
            'description' => $description,
            'user' => 'System',
            'userid' => $userId,
            'ipaddr' => (string) ($_SERVER['REMOTE_ADDR'] ?? ''),
        ]);
    }

    /** @param array<string, mixed> $values */
    public function localApi(string $command, array $values = [], string $adminUser = ''): array
    {
        return (new LocalApi($this))->call($command, $values, $adminUser);
    }

    public function addHook(string $hookPoint, int $priority, mixed $function): void
    {
        $this->hooks()->add($hookPoint, $priority, $function);
    }

    /** @return list<mixed> */
    public function runHook(string $hookPoint, mixed $vars): array
    {
        return $this->hooks()->run($hookPoint, $vars);
    }

    // ---------------------------------------------------------------- settings (tblconfiguration)

    public function setting(string $name): string
    {
        return (string) ($this->capsule->table('tblconfiguration')->where('setting', $name)->value('value') ?? '');
    }

    public function setSetting(string $name, string $value): void
    {
        $this->capsule->table('tblconfiguration')->updateOrInsert(['setting' => $name], ['value' => $value]);
    }

    // ---------------------------------------------------------------- records

    /** @param array<string, mixed> $fields tblclients columns */
    public function addClient(array $fields = []): int
    {
        $n = (int) $this->capsule->table('tblclients')->max('id') + 1;
        return (int) $this->capsule->table('tblclients')->insertGetId($fields + [
            'uuid' => self::uuid4(),
            'firstname' => 'Client',
            'lastname' => 'Number' . $n,
            'email' => "client$n@example.test",
            'status' => 'Active',
            'datecreated' => date('Y-m-d'),
        ]);
    }

    /**
     * @param array<string, mixed> $fields tblservers columns; 'password' is plain text (stored encrypted, as WHMCS
     *        does), 'secure' may be a bool (stored 'on' / ''), 'type' is the module name
     */
    public function addServer(array $fields): int
    {
        if (empty($fields['type'])) {
            throw new \InvalidArgumentException('a server needs a type (the module name)');
        }
        if (array_key_exists('secure', $fields) && is_bool($fields['secure'])) {
            $fields['secure'] = $fields['secure'] ? 'on' : '';
        }
        $fields['password'] = $this->encrypt((string) ($fields['password'] ?? ''));
        return (int) $this->capsule->table('tblservers')->insertGetId($fields + [
            'name' => 'Server',
            'secure' => 'on',
            'active' => 1,
            'disabled' => 0,
        ]);
    }

    public function addProductGroup(string $name): int
    {
        return (int) $this->capsule->table('tblproductgroups')->insertGetId(['name' => $name]);
    }

    /**
     * @param array<string, mixed> $fields tblproducts columns; 'servertype' is the module name; configoption1..24
     *        are the module settings by position (a bool becomes 'on' / '', as a ticked yesno box is saved)
     */
    public function addProduct(array $fields): int
    {
        foreach ($fields as $key => $value) {
            if (is_bool($value) && str_starts_with((string) $key, 'configoption')) {
                $fields[$key] = $value ? 'on' : '';
            }
        }
        if (empty($fields['gid'])) {
            $fields['gid'] = $this->capsule->table('tblproductgroups')->value('id')
                ?? $this->addProductGroup('Products');
        }
        return (int) $this->capsule->table('tblproducts')->insertGetId($fields + [
            'name' => 'Product',
            'type' => 'hostingaccount',
            'paytype' => 'free',
        ]);
    }

    /**
     * @param array<string, mixed> $fields tblhosting columns; 'userid' and 'packageid' are required; 'password' is
     *        plain text (stored encrypted); 'server' defaults to the first active server of the product's module
     */
    public function addService(array $fields): int
    {
        foreach (['userid', 'packageid'] as $required) {
            if (empty($fields[$required])) {
                throw new \InvalidArgumentException("a service needs $required");
            }
        }
        if (!array_key_exists('server', $fields)) {
            $module = (string) $this->capsule->table('tblproducts')->where('id', $fields['packageid'])->value('servertype');
            $fields['server'] = (int) ($this->capsule->table('tblservers')
                ->where('type', $module)->where('disabled', 0)->orderByDesc('active')->orderBy('id')->value('id') ?? 0);
        }
        $fields['password'] = $this->encrypt((string) ($fields['password'] ?? ''));
        return (int) $this->capsule->table('tblhosting')->insertGetId($fields + [
            'regdate' => date('Y-m-d'),
            'domainstatus' => 'Pending',
            'billingcycle' => 'Monthly',
            'paymentmethod' => 'mailin',
            'nextduedate' => date('Y-m-d', strtotime('+1 month')),
            'created_at' => date('Y-m-d H:i:s'),
            'updated_at' => date('Y-m-d H:i:s'),
        ]);
    }

    /** A product custom field ("name|Label" names arrive in $params['customfields'] as "name"). */
    public function addCustomField(int $productId, string $fieldName, bool $adminOnly = false, string $type = 'text'): int
    {
        return (int) $this->capsule->table('tblcustomfields')->insertGetId([
            'type' => 'product',
            'relid' => $productId,
            'fieldname' => $fieldName,
            'fieldtype' => $type,
            'adminonly' => $adminOnly ? 'on' : '',
        ]);
    }

    public function setCustomFieldValue(int $serviceId, string $fieldName, string $value): void
    {
        $pid = (int) $this->serviceRow($serviceId)['packageid'];
        $field = $this->capsule->table('tblcustomfields')->where('type', 'product')->where('relid', $pid)
            ->where(fn ($q) => $q->where('fieldname', $fieldName)->orWhere('fieldname', 'like', $fieldName . '|%'))
            ->value('id');
        if ($field === null) {
            throw new \InvalidArgumentException("product $pid has no custom field $fieldName");
        }
        $this->capsule->table('tblcustomfieldsvalues')
            ->updateOrInsert(['fieldid' => $field, 'relid' => $serviceId], ['value' => $value]);
    }

    /**
     * A configurable option linked to the product. $type: 1 dropdown, 2 radio, 3 yes/no, 4 quantity (WHMCS's codes).
     * A quantity option has a minimum and a maximum (0 = no maximum), as on WHMCS's option page.
     * @param list<string> $subOptions the choices of a dropdown/radio ("name|Label" allowed)
     */
    public function addConfigurableOption(int $productId, string $optionName, int $type, array $subOptions = [], int $qtyMinimum = 0, int $qtyMaximum = 0): int
    {
        if (!in_array($type, [1, 2, 3, 4], true)) {
            throw new \InvalidArgumentException("configurable option type $type: WHMCS has 1 dropdown, 2 radio, 3 yes/no, 4 quantity");
        }
        if (in_array($type, [1, 2], true) && $subOptions === []) {
            throw new \InvalidArgumentException("a dropdown/radio option needs choices: $optionName");
        }
        $gid = (int) $this->capsule->table('tblproductconfiggroups')->insertGetId(['name' => "Options of $productId"]);
        $this->capsule->table('tblproductconfiglinks')->insert(['gid' => $gid, 'pid' => $productId]);
        $configId = (int) $this->capsule->table('tblproductconfigoptions')->insertGetId([
            'gid' => $gid, 'optionname' => $optionName, 'optiontype' => $type, 'qtyminimum' => $qtyMinimum, 'qtymaximum' => $qtyMaximum,
        ]);
        if (in_array($type, [3, 4], true) && $subOptions === []) {
            // WHMCS keeps one sub-option row for yes/no and quantity options (its price row).
            $subOptions = [$type === 3 ? 'Yes' : $optionName];
        }
        foreach ($subOptions as $i => $sub) {
            $this->capsule->table('tblproductconfigoptionssub')
                ->insert(['configid' => $configId, 'optionname' => $sub, 'sortorder' => $i]);
        }
        return $configId;
    }

    /**
     * The row WHMCS would store in tblhostingconfigoptions for a service choosing $value of its product's option
     * $optionName (matched as WHMCS passes names: the part before "|"). Refuses what WHMCS's order and upgrade
     * forms refuse: an option not linked to the service's product, a dropdown/radio choice it does not offer, a
     * yes/no other than 0/1, a quantity that is not a whole number within the option's minimum and maximum.
     *
     * @return array{configid: int, optionid: int, qty: int}
     */
    public function configurableOptionRow(int $serviceId, string $optionName, string|int $value): array
    {
        $productId = (int) $this->serviceRow($serviceId)['packageid'];
        $groups = $this->capsule->table('tblproductconfiglinks')->where('pid', $productId)->pluck('gid')->all();
        $option = null;
        foreach ($this->capsule->table('tblproductconfigoptions')->whereIn('gid', $groups)->get() as $o) {
            if (explode('|', (string) $o->optionname, 2)[0] === $optionName) {
                $option = $o;
                break;
            }
        }
        if ($option === null) {
            throw new \InvalidArgumentException("the product of service $serviceId has no configurable option $optionName");
        }
        $type = (int) $option->optiontype;
        if (in_array($type, [1, 2], true)) {
            foreach ($this->capsule->table('tblproductconfigoptionssub')->where('configid', $option->id)->get() as $sub) {
                if (explode('|', (string) $sub->optionname, 2)[0] === (string) $value) {
                    return ['configid' => (int) $option->id, 'optionid' => (int) $sub->id, 'qty' => 0];
                }
            }
            throw new \InvalidArgumentException("$optionName has no choice $value");
        }
        $qty = is_int($value) ? $value : (preg_match('/^\d+$/', $value) === 1 ? (int) $value : -1);
        $max = $type === 3 ? 1 : (int) $option->qtymaximum;
        if ($qty < (int) $option->qtyminimum || $qty < 0 || ($max > 0 && $qty > $max)) {
            throw new \InvalidArgumentException("$optionName: $value is outside " . (int) $option->qtyminimum . '..' . ($max > 0 ? $max : 'any'));
        }
        $sub = (int) $this->capsule->table('tblproductconfigoptionssub')->where('configid', $option->id)->value('id');
        return ['configid' => (int) $option->id, 'optionid' => $sub, 'qty' => $qty];
    }

    /** Selects a configurable option of a service: the sub-option name for dropdown/radio, the quantity otherwise. */
    public function setServiceConfigurableOption(int $serviceId, string $optionName, string|int $value): void
    {
        $row = $this->configurableOptionRow($serviceId, $optionName, $value);
        $this->capsule->table('tblhostingconfigoptions')
            ->updateOrInsert(['relid' => $serviceId, 'configid' => $row['configid']], ['optionid' => $row['optionid'], 'qty' => $row['qty']]);
    }

    /** @param array<string, mixed> $fields tblhosting columns to change ('password' is plain text) */
    public function updateService(int $serviceId, array $fields): void
    {
        if (array_key_exists('password', $fields)) {
            $fields['password'] = $this->encrypt((string) $fields['password']);
        }
        $this->capsule->table('tblhosting')->where('id', $serviceId)->update($fields);
    }

    /**
     * Saves a client's details as WHMCS's admin "Profile" tab, the client's "Your Details" page and the UpdateClient
     * API do, then runs the ClientEdit hook with WHMCS's documented variables: `userid`, the client's columns after
     * the change and `olddata` (the columns before). A hook that throws propagates, as it would break WHMCS's page.
     *
     * @param array<string, mixed> $fields tblclients columns to change
     */
    public function updateClient(int $clientId, array $fields): void
    {
        $old = $this->clientRow($clientId);
        unset($fields['id']);
        $this->capsule->table('tblclients')->where('id', $clientId)->update($fields);
        $new = $this->clientRow($clientId);
        $vars = ['userid' => $clientId] + array_diff_key($new, ['id' => 0, 'password' => 0]);
        $vars['olddata'] = array_diff_key($old, ['password' => 0]);
        $this->runHook('ClientEdit', $vars);
    }

    /**
     * Deletes a service record as WHMCS's admin "Delete" button does: no module function runs (the module's
     * TerminateAccount is a separate action); the row is gone, then ServiceDelete runs with `userid`, `clientId` and
     * `serviceid`.
     */
    public function deleteService(int $serviceId): void
    {
        $row = $this->serviceRow($serviceId);
        $this->capsule->table('tblhostingconfigoptions')->where('relid', $serviceId)->delete();
        $this->capsule->table('tblcustomfieldsvalues')->where('relid', $serviceId)
            ->whereIn('fieldid', $this->capsule->table('tblcustomfields')->where('type', 'product')->pluck('id')->all())
            ->delete();
        $this->capsule->table('tblhosting')->where('id', $serviceId)->delete();
        $clientId = (int) $row['userid'];
        $this->runHook('ServiceDelete', ['userid' => $clientId, 'clientId' => $clientId, 'serviceid' => $serviceId]);
    }

    /** @return array<string, mixed> the tblhosting row (password still encrypted, as stored) */
    public function serviceRow(int $serviceId): array
    {
        return $this->row('tblhosting', $serviceId) ?? throw new \InvalidArgumentException("no service $serviceId");
    }

    /** @return array<string, mixed> */
    public function serverRow(int $serverId): array
    {
        return $this->row('tblservers', $serverId) ?? throw new \InvalidArgumentException("no server $serverId");
    }

    /** @return array<string, mixed> */
    public function productRow(int $productId): array
    {
        return $this->row('tblproducts', $productId) ?? throw new \InvalidArgumentException("no product $productId");
    }

    /** @return array<string, mixed> */
    public function clientRow(int $clientId): array
    {
        return $this->row('tblclients', $clientId) ?? throw new \InvalidArgumentException("no client $clientId");
    }

    /** @return list<array<string, mixed>> tblmodulelog, oldest first */
    public function moduleLog(): array
    {
        return $this->rows('tblmodulelog');
    }

    /** @return list<array<string, mixed>> tblactivitylog, oldest first */
    public function activityLog(): array
    {
        return $this->rows('tblactivitylog');
    }

    /** PHP errors of the web server's requests and template warnings, which WHMCS logs instead of showing. */
    public function phpErrors(): string
    {
        $file = $this->root . '/logs/php_errors.log';
        return is_file($file) ? (string) file_get_contents($file) : '';
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Defines logModuleCall() & co. once. If another file of this process defined one of them first (a test stub),
     * the emulator cannot work: say so instead of silently running someone else's stub.
     */
    private static function defineGlobalFunctions(): void
    {
        static $defined = false;
        if ($defined) {
            return;
        }
        foreach (['logModuleCall', 'logActivity', 'encrypt', 'decrypt', 'localAPI', 'add_hook', 'run_hook'] as $function) {
            if (function_exists($function)) {
                $definedIn = (string) (new \ReflectionFunction($function))->getFileName();
                throw new \LogicException("$function() is already defined in $definedIn; the WHMCS emulator defines it itself");
            }
        }
        require_once __DIR__ . '/functions.php';
        $defined = true;
    }

    /** @return array<string, mixed>|null */
    private function row(string $table, int $id): ?array
    {
        $row = $this->capsule->table($table)->where('id', $id)->first();
        return $row === null ? null : (array) $row;
    }

    /** @return list<array<string, mixed>> */
    private function rows(string $table): array
    {
        return array_map(
            static fn (object $r): array => (array) $r,
            $this->capsule->table($table)->orderBy('id')->get()->all()
        );
    }

    private static function uuid4(): string
    {
        $b = random_bytes(16);
        $b[6] = chr((ord($b[6]) & 0x0f) | 0x40);
        $b[8] = chr((ord($b[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($b), 4));
    }

    private static function copyTree(string $from, string $to): void
    {
        if (!is_dir($to) && !mkdir($to, 0700, true)) {
            throw new \RuntimeException("cannot create $to");
        }
        $items = new \RecursiveIteratorIterator(
            new \RecursiveDirectoryIterator($from, \FilesystemIterator::SKIP_DOTS),
            \RecursiveIteratorIterator::SELF_FIRST
        );
        foreach ($items as $item) {
            /** @var \SplFileInfo $item */
            $dest = $to . '/' . substr($item->getPathname(), strlen(rtrim($from, '/')) + 1);
            if ($item->isDir()) {
                if (!is_dir($dest)) {
                    mkdir($dest, 0700, true);
                }
            } else {
                copy($item->getPathname(), $dest);
            }
        }
    }
}
