<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * Runs module functions the way WHMCS does (includes/modulefunctions.php, ModuleCallFunction) and checks what they
 * return against the documented contract: a wrong shape throws ContractViolation instead of limping on.
 *
 * Service actions (create, suspend, ...): run the PreModule<Action> hooks with ['params' => $params] (a hook returning
 * ['abortcmd' => true] aborts with "Function Aborted by Action Hook Code"; any other returned array is merged into the
 * params recursively), call <module>_<Action>Account($params), and then:
 * - exactly 'success': update tblhosting (Create -> Active; Suspend -> Suspended + suspendreason; Unsuspend -> Active
 *   and the reason cleared; Terminate -> Terminated; the others keep the status), log "Module <Action> Successful -
 *   Service ID: N", run AfterModule<Action> with ['params' => $params], return 'success';
 * - any other string: that is the error; status unchanged (a failed create stays Pending), log "Module <Action>
 *   Failed - Service ID: N - Error: <text>", run AfterModule<Action>Failed with ['params', 'failureResponseMessage'],
 *   return the error text. An exception thrown by the module is reported the same way, with its message.
 */
final class FunctionCaller
{
    private const SERVICE_ACTIONS = [
        // action => [module function, activity log name]
        'Create' => ['CreateAccount', 'Create'],
        'Suspend' => ['SuspendAccount', 'Suspend'],
        'Unsuspend' => ['UnsuspendAccount', 'Unsuspend'],
        'Terminate' => ['TerminateAccount', 'Terminate'],
        'Renew' => ['Renew', 'Renew'],
        'ChangePassword' => ['ChangePassword', 'Change Password'],
        'ChangePackage' => ['ChangePackage', 'Change Package'],
    ];
    private const DEFAULT_SUSPEND_REASON = 'Overdue on Payment';
    private const CONFIG_OPTION_TYPES = ['text', 'password', 'yesno', 'dropdown', 'radio', 'textarea'];
    private const LIST_ACCOUNT_KEYS = ['email', 'username', 'domain', 'uniqueIdentifier', 'product', 'primaryip', 'created', 'status'];

    private ?\Throwable $lastException = null;
    /** @var array<string, array<string, mixed>> */
    private array $metaDataCache = [];

    public function __construct(private readonly Whmcs $whmcs)
    {
    }

    /** The exception a module threw in the last call that caught one (WHMCS shows only its message). */
    public function lastException(): ?\Throwable
    {
        return $this->lastException;
    }

    /** @return array<string, mixed> the $params a service-level function of this service receives */
    public function params(int $serviceId): array
    {
        $this->whmcs->activate();
        return (new ParamsBuilder($this->whmcs))->forService($serviceId);
    }

    /** @return array<string, mixed> the $params a server-level function receives */
    public function serverParams(int $serverId): array
    {
        $this->whmcs->activate();
        return (new ParamsBuilder($this->whmcs))->forServer($serverId);
    }

    public function moduleOfService(int $serviceId): string
    {
        $service = $this->whmcs->serviceRow($serviceId);
        $module = (string) $this->whmcs->productRow((int) $service['packageid'])['servertype'];
        if ($module === '') {
            throw new \LogicException("the product of service $serviceId has no module (tblproducts.servertype)");
        }
        return $module;
    }

    // ---------------------------------------------------------------- service actions

    /** Accept order / admin "Create": fills an empty username/password first, as WHMCS's ServerCreateAccount does. */
    public function create(int $serviceId): string
    {
        $this->whmcs->activate();
        $this->fillUsernameAndPassword($serviceId);
        return $this->serviceAction('Create', $serviceId);
    }

    /** An empty reason means WHMCS's automatic one, "Overdue on Payment" (then stored as an empty suspendreason). */
    public function suspend(int $serviceId, string $reason = ''): string
    {
        return $this->serviceAction('Suspend', $serviceId, [
            'suspendreason' => $reason !== '' ? $reason : self::DEFAULT_SUSPEND_REASON,
        ]);
    }

    public function unsuspend(int $serviceId): string
    {
        return $this->serviceAction('Unsuspend', $serviceId);
    }

    public function terminate(int $serviceId): string
    {
        return $this->serviceAction('Terminate', $serviceId);
    }

    public function renew(int $serviceId): string
    {
        return $this->serviceAction('Renew', $serviceId);
    }

    /** WHMCS saves the new password on the service first; the module gets it as $params['password']. */
    public function changePassword(int $serviceId, ?string $newPassword = null): string
    {
        if ($newPassword !== null) {
            $this->whmcs->updateService($serviceId, ['password' => $newPassword]);
        }
        return $this->serviceAction('ChangePassword', $serviceId);
    }

    /** Upgrades/downgrades: WHMCS moves the service to the new product first, then calls ChangePackage. */
    public function changePackage(int $serviceId, ?int $newProductId = null): string
    {
        if ($newProductId !== null) {
            $this->whmcs->updateService($serviceId, ['packageid' => $newProductId]);
        }
        return $this->serviceAction('ChangePackage', $serviceId);
    }

    /**
     * A configurable-option upgrade or downgrade (the client's "Upgrade/Downgrade Options", or staff changing the
     * options on the service and saving with the module command): WHMCS stores the new choices on the service
     * (tblhostingconfigoptions) once the upgrade order is paid, then runs the module's ChangePackage with the new
     * `configoptions` in $params. Values as in Whmcs::setServiceConfigurableOption (choice name or quantity); an
     * option the service's product does not have, a choice it does not offer or a quantity outside its bounds is
     * refused before anything changes.
     *
     * @param array<string, string|int> $choices option name => new choice/quantity
     */
    public function upgradeConfigurableOptions(int $serviceId, array $choices): string
    {
        foreach ($choices as $name => $value) {
            $this->whmcs->configurableOptionRow($serviceId, (string) $name, $value);
        }
        foreach ($choices as $name => $value) {
            $this->whmcs->setServiceConfigurableOption($serviceId, (string) $name, $value);
        }
        return $this->serviceAction('ChangePackage', $serviceId);
    }

    /**
     * A custom button: <module>_<suffix>($params). The suffix must be listed by AdminCustomButtonArray (or, with
     * $fromClientArea, by ClientAreaCustomButtonArray or ClientAreaAllowedFunctions): WHMCS runs nothing else. Returns 'success', the error text,
     * or (client area only) an array describing a custom page (templatefile, breadcrumb, vars).
     *
     * @return string|array<string, mixed>
     */
    public function customButton(int $serviceId, string $suffix, bool $fromClientArea = false): string|array
    {
        $this->whmcs->activate();
        $module = $this->moduleOfService($serviceId);
        $buttons = $fromClientArea ? $this->clientAreaFunctions($serviceId) : $this->adminCustomButtons($serviceId);
        if (!in_array($suffix, $buttons, true)) {
            throw new \InvalidArgumentException("'$suffix' is not a custom button of module $module");
        }
        $params = $this->params($serviceId);
        $abort = $this->runPreHooks('Custom', $params);
        if ($abort !== null) {
            $this->whmcs->runHook('AfterModuleCustomFailed', ['params' => $params, 'failureResponseMessage' => $abort]);
            return $abort;
        }
        [$ok, $result] = $this->invoke($module, $suffix, $params);
        if ($ok && is_array($result) && $fromClientArea) {
            $this->assertCustomPage($module, $suffix, $result);
            return $result;
        }
        if ($ok) {
            $this->assertActionString($module, $suffix, $result);
        }
        if ($result === 'success') {
            $this->whmcs->runHook('AfterModuleCustom', ['params' => $params]);
        } else {
            $this->whmcs->runHook('AfterModuleCustomFailed', ['params' => $params, 'failureResponseMessage' => $result]);
        }
        return $result;
    }

    // ---------------------------------------------------------------- server-level functions

    /** @return array{success: bool, error: string} */
    public function testConnection(int $serverId): array
    {
        $module = $this->moduleOfServer($serverId);
        $this->requireFunction($module, 'TestConnection');
        [$ok, $result] = $this->invoke($module, 'TestConnection', $this->serverParams($serverId));
        if (!$ok) {
            return ['success' => false, 'error' => $result];
        }
        $fn = "{$module}_TestConnection";
        if (!is_array($result) || !array_key_exists('success', $result) || !is_bool($result['success'])) {
            throw new ContractViolation("$fn must return ['success' => bool, 'error' => string], got " . self::describe($result));
        }
        $error = $result['error'] ?? '';
        if (!is_string($error) || ($result['success'] === false && trim($error) === '')) {
            throw new ContractViolation("$fn returned success false without an 'error' text");
        }
        return ['success' => $result['success'], 'error' => $error];
    }

    /** @return array<string, mixed> ['success' => true, 'accounts' => [...]] or ['success' => false, 'error' => ...] */
    public function listAccounts(int $serverId): array
    {
        $module = $this->moduleOfServer($serverId);
        $this->requireFunction($module, 'ListAccounts');
        [$ok, $result] = $this->invoke($module, 'ListAccounts', $this->serverParams($serverId));
        if (!$ok) {
            return ['success' => false, 'accounts' => [], 'error' => $result];
        }
        $fn = "{$module}_ListAccounts";
        if (!is_array($result) || !is_bool($result['success'] ?? null)) {
            throw new ContractViolation("$fn must return ['success' => bool, 'accounts' => [...]], got " . self::describe($result));
        }
        if ($result['success'] === false) {
            if (!is_string($result['error'] ?? null) || trim($result['error']) === '') {
                throw new ContractViolation("$fn returned success false without an 'error' text");
            }
            return $result;
        }
        if (!is_array($result['accounts'] ?? null) || !array_is_list($result['accounts'])) {
            throw new ContractViolation("$fn must return a list under 'accounts'");
        }
        self::uniqueField($this->metaData($module), $fn);
        $seen = [];
        foreach ($result['accounts'] as $i => $account) {
            $missing = is_array($account) ? array_diff(self::LIST_ACCOUNT_KEYS, array_keys($account)) : self::LIST_ACCOUNT_KEYS;
            if ($missing !== []) {
                throw new ContractViolation("$fn account $i lacks " . implode(', ', $missing));
            }
            foreach (self::LIST_ACCOUNT_KEYS as $key) {
                if (!is_string($account[$key])) {
                    throw new ContractViolation("$fn account $i: '$key' must be a string, got " . self::describe($account[$key]));
                }
            }
            // The sync tool offers only these two: WHMCS\Service\Status::ACTIVE or ::SUSPENDED.
            if (!in_array($account['status'], [\WHMCS\Service\Status::ACTIVE, \WHMCS\Service\Status::SUSPENDED], true)) {
                throw new ContractViolation("$fn account $i has status " . self::describe($account['status']) . ', not Active or Suspended');
            }
            // 'created' is written into the service's registration date: a real date and time in Y-m-d H:i:s.
            $created = \DateTimeImmutable::createFromFormat('!Y-m-d H:i:s', $account['created']);
            if ($created === false || $created->format('Y-m-d H:i:s') !== $account['created']) {
                throw new ContractViolation("$fn account $i: 'created' " . self::describe($account['created']) . ' is not a date in Y-m-d H:i:s');
            }
            $id = trim($account['uniqueIdentifier']);
            if ($id === '') {
                throw new ContractViolation("$fn account $i has an empty uniqueIdentifier: WHMCS could not match it to a service");
            }
            if (isset($seen[$id])) {
                throw new ContractViolation("$fn accounts {$seen[$id]} and $i share the uniqueIdentifier " . self::describe($id) . ': the match would be ambiguous');
            }
            $seen[$id] = $i;
        }
        return $result;
    }

    /**
     * The Sync Accounts tool of a server (Configuration > System Settings > Servers): see ServerSync.
     *
     * @param list<string>|null $only the uniqueIdentifiers (and ids of missing services) to act on; null = all
     * @return array<string, mixed> the report
     */
    public function sync(int $serverId, bool $terminateMissing = false, bool $apply = true, ?array $only = null): array
    {
        return (new ServerSync($this->whmcs))->run($serverId, $terminateMissing, $apply, $only);
    }

    /**
     * The daily cron's usage update: <module>_UsageUpdate(server params) once for each enabled server (or just
     * $serverId) whose module has the function (developer docs "Usage Update": per server, not per product). The
     * module writes tblhosting's usage columns itself. WHMCS discards what the function returns and shows nobody a
     * failure; the emulator SURFACES it instead, so a test sees it: per server id 'success' (the function returned
     * 'success' or nothing, as the docs' example does) or the failure (the returned text, or the message of the
     * exception it threw). A module must log its own failures (logActivity) for an admin to see them in WHMCS.
     *
     * @return array<int, string>
     */
    public function usageUpdate(?int $serverId = null): array
    {
        $results = [];
        foreach ($this->cronServers($serverId, 'UsageUpdate') as $id => $module) {
            $results[$id] = $this->runUsageUpdate($id, $module);
        }
        return $results;
    }

    /**
     * The cron's whole usage task, per enabled server like WHMCS: UsageUpdate (when defined), then the usage-billing
     * collection: <module>_MetricProvider(server params)->usage() (the docs: "used in a global context, such as by
     * the cron when polling for all metric information"), checked against the documented shapes and stored per
     * tenant in tbltenant_stats (see Database). Snapshot metrics add a row per collection; day/month metrics
     * overwrite the value of their period, as the docs say WHMCS does.
     *
     * @return array<int, array{UsageUpdate: ?string, MetricProvider: array<string, array<string, float>>|string|null}>
     *         per server: UsageUpdate's outcome (null: not defined), and the stored values per tenant and metric
     *         (or the failure's message; null: no MetricProvider)
     */
    public function cronUsage(?int $serverId = null): array
    {
        $out = [];
        foreach ($this->cronServers($serverId, null) as $id => $module) {
            $update = ModuleLoader::functionExists($this->whmcs, $module, 'UsageUpdate') ? $this->runUsageUpdate($id, $module) : null;
            $metrics = null;
            if (ModuleLoader::functionExists($this->whmcs, $module, 'MetricProvider')) {
                try {
                    $metrics = $this->collectMetrics($id, $this->metricProvider($id));
                } catch (ContractViolation $e) {
                    throw $e;
                } catch (\Throwable $e) {
                    $this->lastException = $e;
                    $metrics = $e->getMessage() !== '' ? $e->getMessage() : get_class($e);
                }
            }
            $out[$id] = ['UsageUpdate' => $update, 'MetricProvider' => $metrics];
        }
        return $out;
    }

    /**
     * The usage billing values the cron last stored for a service's tenant: metric => value. WHMCS does not document
     * how it matches a tenant to a service; the emulator matches the service's username on the service's server (the
     * account name WHMCS's own modules report as tenant).
     *
     * @return array<string, float>
     */
    public function metricUsage(int $serviceId): array
    {
        $service = $this->whmcs->serviceRow($serviceId);
        $tenant = $this->whmcs->db()->table('emulator_tenants')
            ->where('server_id', (int) $service['server'])->where('tenant', (string) $service['username'])->first();
        if ($tenant === null) {
            return [];
        }
        $out = [];
        foreach ($this->whmcs->db()->table('tbltenant_stats')->where('tenant_id', $tenant->id)->orderBy('id')->get() as $row) {
            $out[(string) $row->metric] = (float) $row->value;
        }
        return $out;
    }

    /**
     * WHMCS 7.9+ usage billing: `<module>_MetricProvider($params)` (server params) must return a
     * WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface whose metrics() are MetricInterface objects keyed by
     * their system names (ProviderInterface's documentation). Returns the provider after checking that.
     */
    public function metricProvider(int $serverId): \WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface
    {
        $module = $this->moduleOfServer($serverId);
        $this->requireFunction($module, 'MetricProvider');
        [$ok, $provider] = $this->invoke($module, 'MetricProvider', $this->serverParams($serverId));
        if (!$ok) {
            throw new \RuntimeException("{$module}_MetricProvider failed: $provider");
        }
        if (!$provider instanceof \WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface) {
            throw new ContractViolation("{$module}_MetricProvider must return a WHMCS\\UsageBilling\\Contracts\\Metrics\\ProviderInterface, got " . self::describe($provider));
        }
        $metrics = $provider->metrics();
        if (!is_array($metrics)) {
            throw new ContractViolation("{$module}_MetricProvider: metrics() must return an array, got " . self::describe($metrics));
        }
        foreach ($metrics as $key => $metric) {
            if (!$metric instanceof \WHMCS\UsageBilling\Contracts\Metrics\MetricInterface) {
                throw new ContractViolation("{$module}_MetricProvider: metrics() must return MetricInterface objects, got " . self::describe($metric));
            }
            if ($key !== $metric->systemName()) {
                throw new ContractViolation("{$module}_MetricProvider: metrics() must be keyed by system name; '{$metric->systemName()}' is under " . var_export($key, true));
            }
        }
        return $provider;
    }

    /**
     * usage() of a provider, checked and stored: an array keyed by tenant, each a list of MetricInterface among
     * metrics(), each usage a UsageInterface (or none: that metric is not stored).
     *
     * @return array<string, array<string, float>> tenant => metric => value stored
     */
    private function collectMetrics(int $serverId, \WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface $provider): array
    {
        $known = $provider->metrics();
        $usage = $provider->usage();
        $where = get_class($provider) . '::usage()';
        if (!is_array($usage)) {
            throw new ContractViolation("$where must return an array keyed by tenant, got " . self::describe($usage));
        }
        $db = $this->whmcs->db();
        $now = date('Y-m-d H:i:s');
        $stored = [];
        foreach ($usage as $tenant => $metrics) {
            if (!is_array($metrics) || !array_is_list($metrics)) {
                throw new ContractViolation("$where: tenant '$tenant' must have a list of MetricInterface, got " . self::describe($metrics));
            }
            foreach ($metrics as $metric) {
                if (!$metric instanceof \WHMCS\UsageBilling\Contracts\Metrics\MetricInterface) {
                    throw new ContractViolation("$where: tenant '$tenant' has " . self::describe($metric) . ', not a MetricInterface');
                }
                $name = $metric->systemName();
                if (!isset($known[$name])) {
                    throw new ContractViolation("$where: tenant '$tenant' reports metric '$name', which metrics() does not list");
                }
                $u = $metric->usage();
                if ($u === null) {
                    continue;
                }
                if (!$u instanceof \WHMCS\UsageBilling\Contracts\Metrics\UsageInterface) {
                    throw new ContractViolation("$where: metric '$name' of tenant '$tenant' has usage " . self::describe($u) . ', not a UsageInterface');
                }
                $value = $u->value();
                if (!is_int($value) && !is_float($value)) {
                    throw new ContractViolation("$where: metric '$name' of tenant '$tenant' has a value that is not a number: " . self::describe($value));
                }
                $db->table('emulator_tenants')->insertOrIgnore(['server_id' => $serverId, 'tenant' => (string) $tenant, 'created_at' => $now, 'updated_at' => $now]);
                $tenantId = (int) $db->table('emulator_tenants')->where('server_id', $serverId)->where('tenant', (string) $tenant)->value('id');
                $measured = (float) $u->collectedAt()->format('U.u');
                $type = $metric->type();
                $period = match ($type) {
                    \WHMCS\UsageBilling\Contracts\Metrics\MetricInterface::TYPE_PERIOD_DAY => 'Y-m-d',
                    \WHMCS\UsageBilling\Contracts\Metrics\MetricInterface::TYPE_PERIOD_MONTH => 'Y-m',
                    default => null,
                };
                $row = ['tenant_id' => $tenantId, 'metric' => $name, 'type' => $type, 'value' => (float) $value, 'measured_at' => $measured, 'updated_at' => $now];
                $same = null;
                if ($period !== null) {
                    foreach ($db->table('tbltenant_stats')->where('tenant_id', $tenantId)->where('metric', $name)->get() as $old) {
                        if (date($period, (int) $old->measured_at) === date($period, (int) $measured)) {
                            $same = (int) $old->id;
                        }
                    }
                }
                if ($same !== null) {
                    $db->table('tbltenant_stats')->where('id', $same)->update($row);
                } else {
                    $db->table('tbltenant_stats')->insert($row + ['created_at' => $now]);
                }
                $stored[(string) $tenant][$name] = (float) $value;
            }
        }
        return $stored;
    }

    /** @return array<int, string> enabled servers (or just $serverId) with a module, and with $function if given */
    private function cronServers(?int $serverId, ?string $function): array
    {
        $this->whmcs->activate();
        $query = $this->whmcs->db()->table('tblservers')->where('disabled', 0)->orderBy('name');
        if ($serverId !== null) {
            $query->where('id', $serverId);
        }
        $out = [];
        foreach ($query->get() as $server) {
            $module = (string) $server->type;
            if ($module !== '' && ($function === null || ModuleLoader::functionExists($this->whmcs, $module, $function))) {
                $out[(int) $server->id] = $module;
            }
        }
        return $out;
    }

    private function runUsageUpdate(int $serverId, string $module): string
    {
        $this->whmcs->logActivity('Cron Job: Running Usage Stats Update for Server ID ' . $serverId);
        [$ok, $result] = $this->invoke($module, 'UsageUpdate', $this->serverParams($serverId));
        if (!$ok) {
            return (string) $result;
        }
        if ($result === null || $result === 'success') {
            return 'success';
        }
        return is_string($result) && $result !== '' ? $result : 'UsageUpdate returned ' . self::describe($result);
    }

    /** @return array{success: bool, redirectTo?: string, errorMsg?: string} "Login to panel" on a server (admin area) */
    public function adminSingleSignOn(int $serverId): array
    {
        $module = $this->moduleOfServer($serverId);
        $this->requireFunction($module, 'AdminSingleSignOn');
        return $this->singleSignOn($module, 'AdminSingleSignOn', $this->serverParams($serverId));
    }

    /** @return array{success: bool, redirectTo?: string, errorMsg?: string} the client area "Log in" link */
    public function serviceSingleSignOn(int $serviceId): array
    {
        $module = $this->moduleOfService($serviceId);
        $this->requireFunction($module, 'ServiceSingleSignOn');
        return $this->singleSignOn($module, 'ServiceSingleSignOn', $this->params($serviceId));
    }

    // ---------------------------------------------------------------- declarations

    /** @return array<string, mixed> MetaData(), or [] when the module has none */
    public function metaData(string $module): array
    {
        if (isset($this->metaDataCache[$module])) {
            return $this->metaDataCache[$module];
        }
        if (!ModuleLoader::functionExists($this->whmcs, $module, 'MetaData')) {
            return [];
        }
        $meta = call_user_func(ModuleLoader::functionName($module, 'MetaData'));
        $fn = "{$module}_MetaData";
        if (!is_array($meta)) {
            throw new ContractViolation("$fn must return an array, got " . self::describe($meta));
        }
        $stringKeys = [
            'DisplayName', 'ServiceSingleSignOnLabel', 'AdminSingleSignOnLabel', 'ListAccountsUniqueIdentifierField',
            'ListAccountsUniqueIdentifierDisplayName', 'ListAccountsProductField',
        ];
        foreach ($stringKeys as $key) {
            if (array_key_exists($key, $meta) && !is_string($meta[$key])) {
                throw new ContractViolation("$fn: $key must be a string");
            }
        }
        if (array_key_exists('APIVersion', $meta) && !in_array($meta['APIVersion'], ['1.0', '1.1'], true)) {
            throw new ContractViolation("$fn: APIVersion must be '1.0' or '1.1'");
        }
        if (array_key_exists('RequiresServer', $meta) && !is_bool($meta['RequiresServer'])) {
            throw new ContractViolation("$fn: RequiresServer must be a bool");
        }
        foreach (['DefaultSSLPort', 'DefaultNonSSLPort'] as $key) {
            if (array_key_exists($key, $meta) && !ctype_digit((string) $meta[$key])) {
                throw new ContractViolation("$fn: $key must be a port number");
            }
        }
        if (isset($meta['ListAccountsProductField']) && preg_match('/^configoption([1-9]|1\d|2[0-4])$/', $meta['ListAccountsProductField']) !== 1) {
            throw new ContractViolation("$fn: ListAccountsProductField must name a configoptionN");
        }
        return $this->metaDataCache[$module] = $meta;
    }

    /**
     * The service field MetaData's ListAccountsUniqueIdentifierField names (WHMCS's developer docs: the field the
     * accounts' `uniqueIdentifier` is matched against): `domain` (the default), `username` or `customfield.<name>`.
     *
     * @param array<string, mixed> $meta
     */
    public static function uniqueField(array $meta, string $fn): string
    {
        $field = (string) ($meta['ListAccountsUniqueIdentifierField'] ?? 'domain');
        if (!in_array($field, ['domain', 'username'], true) && preg_match('/^customfield\.\S.*$/', $field) !== 1) {
            throw new ContractViolation("$fn: ListAccountsUniqueIdentifierField " . self::describe($field) . " must be 'domain', 'username' or 'customfield.<name>'");
        }
        return $field;
    }

    /**
     * ConfigOptions(), the only required module function, as a product's Module Settings tab calls it: with that
     * product's params (ParamsBuilder::forProduct; $productId null = a product not saved yet). The names it returns,
     * in order, are what configoption1..24 mean; WHMCS stores the values by position only.
     *
     * @return array<string, array<string, mixed>>
     */
    public function configOptions(string $module, ?int $productId = null): array
    {
        $this->whmcs->activate();
        $fn = "{$module}_ConfigOptions";
        if (!ModuleLoader::functionExists($this->whmcs, $module, 'ConfigOptions')) {
            throw new ContractViolation("$fn is missing: it is the one function every module must define");
        }
        if ($productId !== null && (string) $this->whmcs->productRow($productId)['servertype'] !== $module) {
            throw new \InvalidArgumentException("product $productId is not a product of module $module");
        }
        $options = call_user_func($fn, (new ParamsBuilder($this->whmcs))->forProduct($productId, $module));
        if (!is_array($options)) {
            throw new ContractViolation("$fn must return an array, got " . self::describe($options));
        }
        if (count($options) > 24) {
            throw new ContractViolation("$fn defines " . count($options) . ' options; WHMCS stores at most 24 (configoption1..24)');
        }
        foreach ($options as $name => $option) {
            if (!is_array($option) || !in_array($option['Type'] ?? null, self::CONFIG_OPTION_TYPES, true)) {
                throw new ContractViolation("$fn option '$name' needs a Type among " . implode(', ', self::CONFIG_OPTION_TYPES));
            }
            if (in_array($option['Type'], ['dropdown', 'radio'], true) && !isset($option['Options']) && !isset($option['Loader'])) {
                throw new ContractViolation("$fn option '$name' is a {$option['Type']} without Options or Loader");
            }
            if (isset($option['Options']) && !is_array($option['Options']) && !is_string($option['Options'])) {
                throw new ContractViolation("$fn option '$name': Options must be an array or a comma-separated string");
            }
            if (isset($option['Loader']) && !is_callable($option['Loader'])) {
                throw new ContractViolation("$fn option '$name': Loader " . self::describe($option['Loader']) . ' is not callable');
            }
        }
        return $options;
    }

    /**
     * Runs the Loader of a dynamic config option with the params of a server of the module, as the product's Module
     * Settings tab does. Loaders throw on failure (WHMCS shows the message), so exceptions propagate.
     *
     * @return array<string|int, string>
     */
    public function configOptionLoader(string $module, string $optionName, int $serverId, ?int $productId = null): array
    {
        $options = $this->configOptions($module, $productId);
        $loader = $options[$optionName]['Loader'] ?? throw new \InvalidArgumentException("$module option '$optionName' has no Loader");
        $result = call_user_func($loader, $this->serverParams($serverId));
        if (!is_array($result)) {
            throw new ContractViolation("the Loader of $module option '$optionName' must return an array, got " . self::describe($result));
        }
        return $result;
    }

    /** @return array<string, string> AdminServicesTabFields(): label => HTML */
    public function adminServicesTabFields(int $serviceId): array
    {
        $module = $this->moduleOfService($serviceId);
        if (!ModuleLoader::functionExists($this->whmcs, $module, 'AdminServicesTabFields')) {
            return [];
        }
        [$ok, $result] = $this->invoke($module, 'AdminServicesTabFields', $this->params($serviceId));
        if (!$ok) {
            throw new ContractViolation("{$module}_AdminServicesTabFields threw ($result); it should catch and return []");
        }
        if (!is_array($result)) {
            throw new ContractViolation("{$module}_AdminServicesTabFields must return ['Label' => 'html', ...], got " . self::describe($result));
        }
        foreach ($result as $label => $html) {
            if (!is_string($label) || !is_scalar($html)) {
                throw new ContractViolation("{$module}_AdminServicesTabFields must map string labels to HTML strings");
            }
        }
        return array_map('strval', $result);
    }

    /** @return array<string, string> label => function suffix */
    public function adminCustomButtons(int $serviceId): array
    {
        return $this->buttonArray($this->moduleOfService($serviceId), 'AdminCustomButtonArray');
    }

    /** @return array<string, string> label => function suffix */
    public function clientAreaCustomButtons(int $serviceId): array
    {
        return $this->buttonArray($this->moduleOfService($serviceId), 'ClientAreaCustomButtonArray');
    }

    /**
     * What a client may invoke through modop=custom&a=<suffix>: the ClientAreaCustomButtonArray functions (shown as
     * buttons) and the ClientAreaAllowedFunctions ones ("customers can invoke, but are not shown as buttons": the
     * module's own output links to them). The developer docs' "Supported Functions" list both.
     *
     * @return list<string> function suffixes
     */
    public function clientAreaFunctions(int $serviceId): array
    {
        $module = $this->moduleOfService($serviceId);
        $allowed = array_values($this->clientAreaCustomButtons($serviceId));
        if (ModuleLoader::functionExists($this->whmcs, $module, 'ClientAreaAllowedFunctions')) {
            $list = call_user_func(ModuleLoader::functionName($module, 'ClientAreaAllowedFunctions'));
            if (!is_array($list)) {
                throw new ContractViolation("{$module}_ClientAreaAllowedFunctions must return a list of function suffixes, got " . self::describe($list));
            }
            foreach ($list as $suffix) {
                if (!is_string($suffix) || !function_exists(ModuleLoader::functionName($module, $suffix))) {
                    throw new ContractViolation("{$module}_ClientAreaAllowedFunctions names no function " . ModuleLoader::functionName($module, (string) $suffix));
                }
                $allowed[] = $suffix;
            }
        }
        return array_values(array_unique($allowed));
    }

    /**
     * ClientArea($params), validated: a string (HTML), an array with tabOverviewReplacementTemplate and/or
     * tabOverviewModuleOutputTemplate plus templateVariables, or the older templatefile + vars; null/''/[] show
     * nothing. A module exception is what WHMCS logs and shows as no output; here it is rethrown to be seen.
     *
     * @return string|array<string, mixed>|null
     */
    public function clientArea(int $serviceId): string|array|null
    {
        $module = $this->moduleOfService($serviceId);
        if (!ModuleLoader::functionExists($this->whmcs, $module, 'ClientArea')) {
            return null;
        }
        [$ok, $result] = $this->invoke($module, 'ClientArea', $this->params($serviceId));
        if (!$ok) {
            throw new ContractViolation("{$module}_ClientArea threw: $result", 0, $this->lastException);
        }
        if ($result === null || $result === '' || $result === []) {
            return null;
        }
        if (is_string($result)) {
            return $result;
        }
        $fn = "{$module}_ClientArea";
        if (!is_array($result)) {
            throw new ContractViolation("$fn must return an array or an HTML string, got " . self::describe($result));
        }
        $known = [
            'tabOverviewReplacementTemplate', 'tabOverviewModuleOutputTemplate', 'templateVariables', 'templatefile',
            'vars', 'overrideDisplayTitle', 'overrideBreadcrumb',
        ];
        $unknown = array_diff(array_keys($result), $known);
        if ($unknown !== []) {
            throw new ContractViolation("$fn returned unknown key(s) " . implode(', ', $unknown) . '; WHMCS ignores them');
        }
        $templates = array_intersect_key($result, array_flip(['tabOverviewReplacementTemplate', 'tabOverviewModuleOutputTemplate', 'templatefile']));
        if ($templates === []) {
            throw new ContractViolation("$fn returned an array without a template (tabOverviewReplacementTemplate, tabOverviewModuleOutputTemplate or templatefile)");
        }
        foreach ($templates as $key => $template) {
            if (!is_string($template) || $template === '') {
                throw new ContractViolation("$fn: $key must be a template file name");
            }
        }
        foreach (['templateVariables', 'vars'] as $key) {
            if (array_key_exists($key, $result) && !is_array($result[$key])) {
                throw new ContractViolation("$fn: $key must be an array");
            }
        }
        if (isset($result['templatefile']) && (isset($result['tabOverviewReplacementTemplate']) || isset($result['tabOverviewModuleOutputTemplate']))) {
            throw new ContractViolation("$fn mixes the older templatefile with the tabOverview templates");
        }
        return $result;
    }

    // ---------------------------------------------------------------- internals

    /** @param array<string, mixed> $extra */
    private function serviceAction(string $action, int $serviceId, array $extra = []): string
    {
        $this->whmcs->activate();
        [$function, $logName] = self::SERVICE_ACTIONS[$action];
        $module = $this->moduleOfService($serviceId);
        $params = array_merge($this->params($serviceId), $extra);
        $userId = (int) $params['userid'];

        $result = $this->runPreHooks($action, $params);
        if ($result === null) {
            if (ModuleLoader::functionExists($this->whmcs, $module, $function)) {
                [$ok, $result] = $this->invoke($module, $function, $params);
                if ($ok) {
                    $this->assertActionString($module, $function, $result);
                }
            } else {
                $result = 'Function Not Supported by Module';
            }
        }

        if ($result === 'success') {
            $suspendReason = '';
            if ($action === 'Suspend') {
                $reason = (string) $extra['suspendreason'];
                $suspendReason = $reason !== self::DEFAULT_SUSPEND_REASON ? $reason : '';
            }
            $this->whmcs->logActivity(
                "Module $logName Successful" . ($suspendReason !== '' ? " - Reason: $suspendReason" : '') . " - Service ID: $serviceId",
                $userId
            );
            $update = match ($action) {
                'Create' => ['domainstatus' => 'Active'],
                'Suspend' => ['domainstatus' => 'Suspended', 'suspendreason' => $suspendReason],
                'Unsuspend' => ['domainstatus' => 'Active', 'suspendreason' => ''],
                'Terminate' => ['domainstatus' => 'Terminated', 'termination_date' => date('Y-m-d')],
                default => [],
            };
            if ($update !== []) {
                $this->whmcs->db()->table('tblhosting')->where('id', $serviceId)->update($update);
            }
            $this->whmcs->runHook('AfterModule' . $action, ['params' => $params]);
            return 'success';
        }

        $this->whmcs->logActivity("Module $logName Failed - Service ID: $serviceId - Error: $result", $userId);
        $this->whmcs->runHook('AfterModule' . $action . 'Failed', ['params' => $params, 'failureResponseMessage' => $result]);
        return $result;
    }

    /**
     * PreModule<Action> hooks: ['abortcmd' => true] aborts (returns WHMCS's message); other returned arrays are
     * merged into $params (recursively, like WHMCS's recursiveReplace) until a hook aborts.
     *
     * @param array<string, mixed> $params
     */
    private function runPreHooks(string $action, array &$params): ?string
    {
        $aborted = null;
        foreach ($this->whmcs->runHook('PreModule' . $action, ['params' => $params]) as $hookResult) {
            if (!is_array($hookResult)) {
                continue;
            }
            if (($hookResult['abortcmd'] ?? null) === true) {
                $aborted = 'Function Aborted by Action Hook Code';
            }
            if ($aborted === null) {
                $params = array_replace_recursive($params, $hookResult);
            }
        }
        return $aborted;
    }

    /**
     * Calls <module>_<function>($params). An uncaught exception is what WHMCS reports as the error: [false, message].
     *
     * @param array<string, mixed> $params
     * @return array{0: bool, 1: mixed}
     */
    private function invoke(string $module, string $function, array $params): array
    {
        $this->whmcs->activate();
        ModuleLoader::load($this->whmcs, $module);
        $name = ModuleLoader::functionName($module, $function);
        if (!function_exists($name)) {
            throw new \LogicException("$name is not defined");
        }
        try {
            return [true, $name($params)];
        } catch (\Throwable $e) {
            $this->lastException = $e;
            $message = $e->getMessage();
            return [false, $message !== '' ? $message : get_class($e)];
        }
    }

    private function assertActionString(string $module, string $function, mixed $result): void
    {
        if (!is_string($result)) {
            throw new ContractViolation("{$module}_$function must return 'success' or an error text, got " . self::describe($result));
        }
        if (trim($result) === '') {
            throw new ContractViolation("{$module}_$function returned an empty string: WHMCS would show an empty error");
        }
    }

    /** @param array<string, mixed> $page */
    private function assertCustomPage(string $module, string $suffix, array $page): void
    {
        if (!is_string($page['templatefile'] ?? null) || $page['templatefile'] === '') {
            throw new ContractViolation("{$module}_$suffix returned an array without 'templatefile'");
        }
        if (isset($page['vars']) && !is_array($page['vars'])) {
            throw new ContractViolation("{$module}_$suffix: 'vars' must be an array");
        }
    }

    /**
     * @param array<string, mixed> $params
     * @return array{success: bool, redirectTo?: string, errorMsg?: string}
     */
    private function singleSignOn(string $module, string $function, array $params): array
    {
        [$ok, $result] = $this->invoke($module, $function, $params);
        if (!$ok) {
            return ['success' => false, 'errorMsg' => $result];
        }
        $fn = "{$module}_$function";
        if (!is_array($result) || !is_bool($result['success'] ?? null)) {
            throw new ContractViolation("$fn must return ['success' => bool, ...], got " . self::describe($result));
        }
        if ($result['success']) {
            $url = $result['redirectTo'] ?? null;
            if (!is_string($url) || preg_match('#^https?://[^\s]+$#', $url) !== 1) {
                throw new ContractViolation("$fn returned success without an absolute http(s) URL in 'redirectTo'");
            }
            return ['success' => true, 'redirectTo' => $url];
        }
        if (!is_string($result['errorMsg'] ?? null) || trim($result['errorMsg']) === '') {
            throw new ContractViolation("$fn returned success false without an 'errorMsg' text");
        }
        return ['success' => false, 'errorMsg' => $result['errorMsg']];
    }

    /** @return array<string, string> */
    private function buttonArray(string $module, string $function): array
    {
        $this->whmcs->activate();
        if (!ModuleLoader::functionExists($this->whmcs, $module, $function)) {
            return [];
        }
        $buttons = call_user_func(ModuleLoader::functionName($module, $function));
        if (!is_array($buttons)) {
            throw new ContractViolation("{$module}_$function must return ['Label' => 'functionSuffix'], got " . self::describe($buttons));
        }
        foreach ($buttons as $label => $suffix) {
            if (!is_string($label) || !is_string($suffix) || !function_exists(ModuleLoader::functionName($module, $suffix))) {
                throw new ContractViolation("{$module}_$function: button " . self::describe($label)
                    . ' names no function ' . ModuleLoader::functionName($module, (string) $suffix));
            }
        }
        return $buttons;
    }

    public function moduleOfServer(int $serverId): string
    {
        $this->whmcs->activate();
        $module = (string) $this->whmcs->serverRow($serverId)['type'];
        if ($module === '') {
            throw new \LogicException("server $serverId has no module type");
        }
        return $module;
    }

    private function requireFunction(string $module, string $function): void
    {
        if (!ModuleLoader::functionExists($this->whmcs, $module, $function)) {
            throw new \LogicException("{$module}_$function is not defined (WHMCS hides that feature)");
        }
    }

    /** WHMCS's ServerCreateAccount: an empty username is made from the domain (or the hook), an empty password random. */
    private function fillUsernameAndPassword(int $serviceId): void
    {
        $params = $this->params($serviceId);
        if ($params['username'] === '') {
            $username = '';
            foreach ($this->whmcs->runHook('OverrideModuleUsernameGeneration', $params) as $value) {
                if (is_string($value)) {
                    $username = $value;
                }
            }
            if ($username === '') {
                $username = $this->usernameFromDomain((string) $params['domain']);
            }
            if ($username !== '') {
                $this->whmcs->updateService($serviceId, ['username' => $username]);
            }
        }
        if ($params['password'] === '') {
            $this->whmcs->updateService($serviceId, ['password' => self::randomPassword()]);
        }
    }

    private function usernameFromDomain(string $domain): string
    {
        $random = $this->whmcs->setting('GenerateRandomUsername') !== '';
        if ($domain === '' && !$random) {
            return '';
        }
        $base = $random ? self::randomLetters(8) : substr((string) preg_replace('/[^a-z]/', '', strtolower($domain)), 0, 8);
        if ($base === '') {
            return '';
        }
        $username = $base;
        for ($suffix = 1; $this->whmcs->db()->table('tblhosting')->where('username', $username)->exists(); $suffix++) {
            $username = $random ? self::randomLetters(8) : substr($base, 0, 8 - strlen((string) $suffix)) . $suffix;
        }
        return $username;
    }

    private static function randomLetters(int $length): string
    {
        $out = '';
        for ($i = 0; $i < $length; $i++) {
            $out .= chr(random_int(ord('a'), ord('z')));
        }
        return $out;
    }

    private static function randomPassword(): string
    {
        $pick = static fn (string $set, int $n): array => array_map(
            static fn (): string => $set[random_int(0, strlen($set) - 1)],
            range(1, $n)
        );
        $chars = array_merge($pick('0123456789', 4), $pick('abcdefghijklmnopqrstuvwxyz', 4), $pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 2));
        shuffle($chars);
        return implode('', $chars);
    }

    private static function describe(mixed $value): string
    {
        return is_scalar($value) || $value === null ? var_export($value, true) : get_debug_type($value);
    }
}
