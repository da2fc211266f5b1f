<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * The client area pages a server module takes part in, behaving as WHMCS's clientarea.php does:
 * - login.php?clientid=N: the emulator's stand-in for WHMCS's login form (sets the session's 'uid', as WHMCS does);
 * - clientarea.php?action=productdetails&id=N: the product details page of a service of the logged-in client; a
 *   service of another client is refused with a redirect to the services list (WHMCS never shows it);
 *   &dosinglesignon=1 runs ServiceSingleSignOn: a 302 to redirectTo, or the page with errorMsg shown;
 *   &modop=custom&a=<suffix> (POST with the CSRF token) runs a ClientAreaCustomButtonArray function;
 *   POST modulechangepassword=1 with newpw, confirmpw and the token (the "Change Password" tab, shown when the module
 *   has ChangePassword) runs the module's ChangePassword; its error text is shown to the client as
 *   $modulechangepasswordmessage with $modulechangepwresult 'error' ('success' otherwise);
 * - ?systpl=six|twenty-one switches the theme for the session (WHMCS's own parameter);
 * - ?language=<name> (WHMCS's language chooser) sets the session's language, $_SESSION['Language'], to one of WHMCS's
 *   client-area languages (others are ignored, as WHMCS ignores a name it has no file for); a login sets it to the
 *   client's own language when the client has one. Modules read it in the client area as the visitor's language;
 * - the themes' Bootstrap (Debian's libjs-bootstrap 3.4 for "six", libjs-bootstrap4 for "twenty-one") and jQuery,
 *   and the non-PHP files under modules/ and templates/ (module CSS/JS/images), as a web server would.
 */
final class ClientArea
{
    /** Bootstrap of each parent theme; a child theme gets its parent's (its own css/js files win). */
    private const ASSET_DIRS = [
        'six' => '/usr/share/javascript/bootstrap',
        'twenty-one' => '/usr/share/javascript/bootstrap4',
        'nexus' => '/usr/share/javascript/bootstrap4',
    ];
    private const MIME = [
        'css' => 'text/css', 'js' => 'application/javascript', 'map' => 'application/json', 'png' => 'image/png',
        'jpg' => 'image/jpeg', 'jpeg' => 'image/jpeg', 'gif' => 'image/gif', 'svg' => 'image/svg+xml',
        'ico' => 'image/x-icon', 'woff' => 'font/woff', 'woff2' => 'font/woff2', 'ttf' => 'font/ttf',
        'eot' => 'application/vnd.ms-fontobject', 'json' => 'application/json', 'txt' => 'text/plain',
        'html' => 'text/html', 'webp' => 'image/webp',
    ];

    public function __construct(private readonly Whmcs $whmcs)
    {
    }

    /**
     * Handles one request. $session is the PHP session's array (the router passes $_SESSION); $systemUrl is the
     * installation's base URL ending in '/'. $_GET, $_POST and $_REQUEST are set for the time of the request, because
     * modules read them directly.
     *
     * @param array<string, mixed> $get
     * @param array<string, mixed> $post
     * @param array<string, mixed> $session
     */
    public function handle(string $method, string $path, array $get, array $post, array &$session, string $systemUrl): HttpResponse
    {
        $saved = [$_GET, $_POST, $_REQUEST];
        [$_GET, $_POST, $_REQUEST] = [$get, $post, array_merge($get, $post)];
        try {
            $this->whmcs->activate();
            return $this->route(strtoupper($method), '/' . ltrim($path, '/'), $get, $post, $session, $systemUrl);
        } finally {
            [$_GET, $_POST, $_REQUEST] = $saved;
        }
    }

    /**
     * @param array<string, mixed> $get
     * @param array<string, mixed> $post
     * @param array<string, mixed> $session
     */
    private function route(string $method, string $path, array $get, array $post, array &$session, string $systemUrl): HttpResponse
    {
        if (isset($get['systpl']) && is_string($get['systpl']) && $this->whmcs->themeChain($get['systpl']) !== null) {
            $session['Template'] = $get['systpl'];
        }
        if (isset($get['language']) && is_string($get['language']) && in_array(strtolower($get['language']), Whmcs::CLIENT_LANGUAGES, true)) {
            $session['Language'] = strtolower($get['language']);
        }
        if (!isset($session['tkval'])) {
            $session['tkval'] = bin2hex(random_bytes(16));
        }
        return match (true) {
            $path === '/' || $path === '/index.php' => HttpResponse::redirect('clientarea.php'),
            $path === '/login.php' => $this->login($get, $session, $systemUrl),
            $path === '/logout.php' => $this->logout($session),
            $path === '/clientarea.php' => $this->clientArea($method, $get, $post, $session, $systemUrl),
            default => $this->staticFile($path),
        };
    }

    /**
     * @param array<string, mixed> $get
     * @param array<string, mixed> $session
     */
    private function login(array $get, array &$session, string $systemUrl): HttpResponse
    {
        $clientId = (int) ($get['clientid'] ?? 0);
        if ($clientId > 0 && $this->whmcs->db()->table('tblclients')->where('id', $clientId)->exists()) {
            $session['uid'] = $clientId;
            // WHMCS switches the session to the client's own language at login ('' = keep the current one).
            $language = strtolower((string) $this->whmcs->db()->table('tblclients')->where('id', $clientId)->value('language'));
            if (in_array($language, Whmcs::CLIENT_LANGUAGES, true)) {
                $session['Language'] = $language;
            }
            // A new login gets a new CSRF token.
            $session['tkval'] = bin2hex(random_bytes(16));
            $goto = (string) ($get['goto'] ?? '');
            return HttpResponse::redirect(str_starts_with($goto, 'clientarea.php') ? $goto : 'clientarea.php');
        }
        return $this->page('login.tpl', $session, $systemUrl, ['pagetitle' => 'Login', 'loginfailed' => $clientId > 0], 200);
    }

    /** @param array<string, mixed> $session */
    private function logout(array &$session): HttpResponse
    {
        unset($session['uid']);
        $session['tkval'] = bin2hex(random_bytes(16));
        return HttpResponse::redirect('login.php');
    }

    /**
     * @param array<string, mixed> $get
     * @param array<string, mixed> $post
     * @param array<string, mixed> $session
     */
    private function clientArea(string $method, array $get, array $post, array &$session, string $systemUrl): HttpResponse
    {
        $clientId = (int) ($session['uid'] ?? 0);
        if ($clientId <= 0) {
            $query = http_build_query($get);
            return HttpResponse::redirect('login.php?goto=' . rawurlencode('clientarea.php' . ($query !== '' ? '?' . $query : '')));
        }
        $action = (string) ($get['action'] ?? '');
        if ($action !== 'productdetails') {
            return $this->servicesList($clientId, $session, $systemUrl);
        }
        $serviceId = (int) ($get['id'] ?? $post['id'] ?? 0);
        $owner = $this->whmcs->db()->table('tblhosting')->where('id', $serviceId)->value('userid');
        if ($owner === null || (int) $owner !== $clientId) {
            // WHMCS shows nothing of a service the client does not own: back to the services list.
            return HttpResponse::redirect('clientarea.php?action=products');
        }

        $runner = $this->whmcs->modules();
        $extra = [];
        if (!empty($get['dosinglesignon'])) {
            $sso = $runner->serviceSingleSignOn($serviceId);
            if ($sso['success']) {
                return HttpResponse::redirect($sso['redirectTo']);
            }
            $extra['ssoerror'] = $sso['errorMsg'];
        }
        if (!empty($post['modulechangepassword'])) {
            if ($method !== 'POST' || !hash_equals($this->token($session), (string) ($post['token'] ?? ''))) {
                return HttpResponse::text(403, 'Invalid CSRF Protection Token');
            }
            $newPassword = (string) ($post['newpw'] ?? '');
            if ($newPassword === '' || $newPassword !== (string) ($post['confirmpw'] ?? '')) {
                $extra += ['modulechangepwresult' => 'error', 'modulechangepasswordmessage' => 'The passwords entered do not match'];
            } else {
                $result = $runner->changePassword($serviceId, $newPassword);
                $extra += $result === 'success'
                    ? ['modulechangepwresult' => 'success', 'modulechangepasswordmessage' => '']
                    : ['modulechangepwresult' => 'error', 'modulechangepasswordmessage' => $result];
            }
        }
        if (($get['modop'] ?? $post['modop'] ?? '') === 'custom') {
            $suffix = (string) ($get['a'] ?? $post['a'] ?? '');
            if ($method !== 'POST' || !hash_equals($this->token($session), (string) ($post['token'] ?? ''))) {
                return HttpResponse::text(403, 'Invalid CSRF Protection Token');
            }
            if (!in_array($suffix, $runner->clientAreaFunctions($serviceId), true)) {
                return HttpResponse::text(400, 'Invalid custom action');
            }
            $result = $runner->customButton($serviceId, $suffix, true);
            if (is_array($result)) {
                return $this->customPage($serviceId, $result, $session, $systemUrl);
            }
            $extra['modulecustombuttonresult'] = $result;
        }
        return $this->productDetails($serviceId, $session, $systemUrl, $extra);
    }

    /**
     * @param array<string, mixed> $session
     * @param array<string, mixed> $extra
     */
    private function productDetails(int $serviceId, array &$session, string $systemUrl, array $extra): HttpResponse
    {
        $runner = $this->whmcs->modules();
        $module = $runner->moduleOfService($serviceId);
        $engine = $this->engine($session);
        $params = $runner->params($serviceId);
        $vars = $this->serviceVars($serviceId, $params, $module) + $extra + [
            'modulecustombuttonresult' => '',
            'modulechangepwresult' => '',
            'modulechangepasswordmessage' => '',
            'ssoerror' => '',
            'moduleclientarea' => '',
            'tplOverviewTabOutput' => '',
            'hookOutput' => [],
        ];
        $vars['modulecustombuttons'] = $runner->clientAreaCustomButtons($serviceId);
        $meta = $runner->metaData($module);
        $vars['showChangePassword'] = ModuleLoader::functionExists($this->whmcs, $module, 'ChangePassword');
        $vars['showSingleSignOn'] = ModuleLoader::functionExists($this->whmcs, $module, 'ServiceSingleSignOn');
        $vars['singleSignOnLabel'] = (string) ($meta['ServiceSingleSignOnLabel'] ?? 'Log in to Control Panel');

        // What the themes print (Six, Twenty-One; Nexus alike): {$tplOverviewTabOutput} INSTEAD of the whole
        // overview (status, dates, amounts, billing cycle, payment method, Upgrade/Cancel, the tabs below), or the
        // overview with {$moduleclientarea} in its "Manage" tab (in the domain tab when the service has a domain).
        // Module templates are rendered with the page's variables plus the module's templateVariables.
        $output = $runner->clientArea($serviceId);
        $templateVariables = [];
        $pageVars = fn (array $more): array => $more + $vars + $this->commonVars($session, $systemUrl, $params);
        if (is_string($output)) {
            // A string return is HTML, shown as module output.
            $vars['moduleclientarea'] = $output;
        } elseif (is_array($output)) {
            $templateVariables = $output['templateVariables'] ?? [];
            if (isset($output['overrideDisplayTitle'])) {
                $vars['displayTitle'] = (string) $output['overrideDisplayTitle'];
            }
            if (isset($output['tabOverviewModuleOutputTemplate'])) {
                $vars['moduleclientarea'] = $this->renderModule($engine, $engine->findModuleTemplate($module, $output['tabOverviewModuleOutputTemplate']), $pageVars($templateVariables));
            }
            if (isset($output['tabOverviewReplacementTemplate'])) {
                $vars['tplOverviewTabOutput'] = $this->renderModule($engine, $engine->findModuleTemplate($module, $output['tabOverviewReplacementTemplate']), $pageVars($templateVariables));
            }
            if (isset($output['templatefile'])) {
                // The older form: the template gets the module parameters plus 'vars', shown as module output.
                $vars['moduleclientarea'] = $this->renderModule(
                    $engine,
                    $engine->findModuleTemplate($module, $output['templatefile']),
                    $params + ($output['vars'] ?? []) + $this->commonVars($session, $systemUrl, $params)
                );
            }
        } elseif ($this->hasTemplate($engine, $module, 'clientarea')) {
            // No ClientArea function: WHMCS renders the module's clientarea.tpl with the module parameters.
            $vars['moduleclientarea'] = $this->renderModule(
                $engine,
                $engine->findModuleTemplate($module, 'clientarea'),
                $params + $this->commonVars($session, $systemUrl, $params)
            );
        }
        return $this->page('clientareaproductdetails.tpl', $session, $systemUrl, $templateVariables + $vars, 200, $params);
    }

    /**
     * A custom function that returned a page (templatefile, breadcrumb, pagetitle, vars).
     *
     * @param array<string, mixed> $page
     * @param array<string, mixed> $session
     */
    private function customPage(int $serviceId, array $page, array &$session, string $systemUrl): HttpResponse
    {
        $runner = $this->whmcs->modules();
        $module = $runner->moduleOfService($serviceId);
        $engine = $this->engine($session);
        $params = $runner->params($serviceId);
        $body = $this->renderModule(
            $engine,
            $engine->findModuleTemplate($module, (string) $page['templatefile']),
            ($page['vars'] ?? []) + $this->serviceVars($serviceId, $params, $module) + $this->commonVars($session, $systemUrl, $params)
        );
        return $this->page('clientareamodulepage.tpl', $session, $systemUrl, [
            'pagetitle' => (string) ($page['pagetitle'] ?? ''),
            'modulepage' => $body,
            'serviceid' => $serviceId,
            'id' => $serviceId,
        ], 200, $params);
    }

    /** @param array<string, mixed> $session */
    private function servicesList(int $clientId, array &$session, string $systemUrl): HttpResponse
    {
        $services = [];
        foreach ($this->whmcs->db()->table('tblhosting')->where('userid', $clientId)->orderBy('id')->get() as $s) {
            $services[] = [
                'id' => (int) $s->id,
                'product' => (string) $this->whmcs->db()->table('tblproducts')->where('id', $s->packageid)->value('name'),
                'domain' => (string) $s->domain,
                'status' => (string) $s->domainstatus,
            ];
        }
        return $this->page('clientareaproducts.tpl', $session, $systemUrl, ['services' => $services, 'pagetitle' => 'My Products & Services'], 200);
    }

    /**
     * The product details page's own variables (WHMCS's clientareaproductdetails.tpl names).
     *
     * @param array<string, mixed> $params
     * @return array<string, mixed>
     */
    private function serviceVars(int $serviceId, array $params, string $module): array
    {
        $s = $this->whmcs->serviceRow($serviceId);
        $p = $this->whmcs->productRow((int) $s['packageid']);
        $db = $this->whmcs->db();
        $customFields = [];
        foreach ($db->table('tblcustomfields')->where('type', 'product')->where('relid', $p['id'])->where('adminonly', '')->orderBy('sortorder')->get() as $f) {
            $customFields[] = [
                'id' => (int) $f->id,
                'name' => explode('|', (string) $f->fieldname, 2)[1] ?? (string) $f->fieldname,
                'value' => (string) ($db->table('tblcustomfieldsvalues')->where('fieldid', $f->id)->where('relid', $serviceId)->value('value') ?? ''),
            ];
        }
        return [
            'id' => $serviceId,
            'serviceid' => $serviceId,
            'pid' => (int) $p['id'],
            'product' => (string) $p['name'],
            'displayTitle' => (string) $p['name'],
            'groupname' => (string) ($db->table('tblproductgroups')->where('id', $p['gid'])->value('name') ?? ''),
            'type' => (string) $p['type'],
            'module' => (string) $p['servertype'],
            'domain' => (string) $s['domain'],
            'username' => (string) $s['username'],
            'status' => (string) $s['domainstatus'],
            'rawstatus' => strtolower((string) $s['domainstatus']),
            'suspendreason' => (string) $s['suspendreason'],
            'dedicatedip' => (string) $s['dedicatedip'],
            'assignedips' => (string) $s['assignedips'],
            'diskusage' => (int) $s['diskusage'],
            'disklimit' => (int) $s['disklimit'],
            'bwusage' => (int) $s['bwusage'],
            'bwlimit' => (int) $s['bwlimit'],
            'lastupdate' => (string) ($s['lastupdate'] ?? ''),
            'billingcycle' => (string) $s['billingcycle'],
            // WHMCS formats dates in the client date format (General Settings > Localisation, DD/MM/YYYY by
            // default) and amounts with the client's currency (prefix and suffix).
            'regdate' => self::clientDate((string) $s['regdate']),
            'nextduedate' => self::clientDate((string) $s['nextduedate']),
            'firstpaymentamount' => self::money((float) $s['firstpaymentamount']),
            'recurringamount' => self::money((float) $s['amount']),
            'paymentmethod' => self::GATEWAYS[(string) $s['paymentmethod']] ?? ucfirst((string) $s['paymentmethod']),
            'showcancelbutton' => $this->whmcs->setting('ShowCancellationButton') !== ''
                && in_array((string) $s['domainstatus'], ['Active', 'Suspended'], true),
            'pendingcancellation' => false,
            'packagesupgrade' => false,
            'metricStats' => $this->metricStats((int) $s['server'], $module),
            'productcustomfields' => $customFields,
            'customfields' => $customFields,
            'configurableoptions' => array_map(
                static fn (string $name, int|string $value): array => ['optionname' => $name, 'selectedoption' => $value],
                array_keys($params['configoptions']),
                array_values($params['configoptions'])
            ),
        ];
    }

    private const GATEWAYS = ['mailin' => 'Mail In Payment', 'banktransfer' => 'Bank Transfer', 'paypal' => 'PayPal', 'stripe' => 'Credit Card'];

    private static function clientDate(string $ymd): string
    {
        $t = $ymd !== '' && $ymd !== '0000-00-00' ? strtotime($ymd) : false;
        return $t === false ? '-' : date('d/m/Y', $t);
    }

    private static function money(float $amount): string
    {
        return '$' . number_format($amount, 2) . ' USD';
    }

    /**
     * The usage-billing tab's rows (Twenty-One and Nexus print them from $metricStats): the metrics of the module's
     * MetricProvider, when it has one.
     *
     * @return list<array{systemName: string, displayName: string, currentValue: string}>
     */
    private function metricStats(int $serverId, string $module): array
    {
        if ($serverId <= 0 || !ModuleLoader::functionExists($this->whmcs, $module, 'MetricProvider')) {
            return [];
        }
        $rows = [];
        foreach ($this->whmcs->modules()->metricProvider($serverId)->metrics() as $metric) {
            $rows[] = ['systemName' => (string) $metric->systemName(), 'displayName' => (string) $metric->displayName(), 'currentValue' => '-'];
        }
        return $rows;
    }

    /**
     * Variables WHMCS gives every client-area template.
     *
     * @param array<string, mixed> $session
     * @param array<string, mixed>|null $params
     * @return array<string, mixed>
     */
    private function commonVars(array $session, string $systemUrl, ?array $params): array
    {
        $_LANG = [];
        require dirname(__DIR__) . '/lang/english.php';
        $clientsDetails = [];
        if (isset($session['uid'])) {
            $clientsDetails = $params['clientsdetails'] ?? (array) ($this->whmcs->db()->table('tblclients')->where('id', $session['uid'])->first() ?? []);
            unset($clientsDetails['password']);
        }
        return [
            'template' => $this->theme($session),
            'token' => $this->token($session),
            'WEB_ROOT' => rtrim((string) parse_url($systemUrl, PHP_URL_PATH), '/'),
            'systemurl' => $systemUrl,
            'LANG' => $_LANG,
            'language' => 'english',
            'charset' => 'utf-8',
            'companyname' => $this->whmcs->setting('CompanyName'),
            'loggedin' => isset($session['uid']),
            'clientsdetails' => $clientsDetails,
            'filename' => 'clientarea',
        ];
    }

    /**
     * @param array<string, mixed> $session
     * @param array<string, mixed> $vars
     * @param array<string, mixed>|null $params
     */
    private function page(string $template, array &$session, string $systemUrl, array $vars, int $status, ?array $params = null): HttpResponse
    {
        $engine = $this->engine($session);
        $html = $engine->render($template, $vars + $this->commonVars($session, $systemUrl, $params));
        return new HttpResponse($status, $html);
    }

    /** @param array<string, mixed> $vars */
    private function renderModule(TemplateEngine $engine, string $file, array $vars): string
    {
        return $engine->render($file, $vars);
    }

    private function hasTemplate(TemplateEngine $engine, string $module, string $name): bool
    {
        try {
            $engine->findModuleTemplate($module, $name);
            return true;
        } catch (ContractViolation) {
            return false;
        }
    }

    /** @param array<string, mixed> $session */
    private function engine(array $session): TemplateEngine
    {
        return new TemplateEngine($this->whmcs, $this->theme($session));
    }

    /** @param array<string, mixed> $session */
    private function theme(array $session): string
    {
        $theme = (string) ($session['Template'] ?? $this->whmcs->setting('Template'));
        return $this->whmcs->themeChain($theme) !== null ? $theme : Whmcs::DEFAULT_THEME;
    }

    /**
     * The CSRF token templates print as {$token} and POST forms send back as 'token'.
     *
     * @param array<string, mixed> $session
     */
    private function token(array $session): string
    {
        return sha1('whmcs-token' . (string) ($session['tkval'] ?? ''));
    }

    private function staticFile(string $path): HttpResponse
    {
        $path = rawurldecode($path);
        $parts = explode('/', ltrim($path, '/'));
        if (in_array('..', $parts, true) || in_array('', $parts, true)) {
            return HttpResponse::text(404, 'Not Found');
        }
        $file = null;
        $chain = count($parts) === 4 && $parts[0] === 'templates' ? $this->whmcs->themeChain($parts[1]) : null;
        if ($chain !== null && !is_file($this->whmcs->root() . $path) && in_array($parts[2], ['css', 'js', 'fonts'], true)) {
            // A theme's own files first (theme.css of the emulator's Nexus, a child theme's custom.css), else the
            // Bootstrap of the parent theme it descends from.
            foreach ($chain as $theme) {
                if (is_file($this->whmcs->root() . "/templates/$theme/{$parts[2]}/{$parts[3]}")) {
                    $file = $this->whmcs->root() . "/templates/$theme/{$parts[2]}/{$parts[3]}";
                    break;
                }
            }
            $file ??= self::ASSET_DIRS[$chain[count($chain) - 1]] . '/' . $parts[2] . '/' . $parts[3];
        } elseif ($parts === ['assets', 'js', 'jquery.min.js']) {
            $file = '/usr/share/javascript/jquery/jquery.min.js';
        } elseif (in_array($parts[0], ['modules', 'templates'], true)) {
            $file = $this->whmcs->root() . $path;
        }
        $ext = strtolower(pathinfo($path, PATHINFO_EXTENSION));
        $hidden = array_filter($parts, static fn (string $p): bool => str_starts_with($p, '.')) !== [];
        if ($file === null || $hidden || !isset(self::MIME[$ext]) || !is_file($file)) {
            // PHP and .tpl files are never served as files (WHMCS's module files die outside WHMCS anyway).
            return HttpResponse::text(404, 'Not Found');
        }
        return new HttpResponse(200, (string) file_get_contents($file), ['Content-Type' => self::MIME[$ext]]);
    }
}
