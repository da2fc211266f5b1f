// The WHMCS client area of a MeshCentral service in a real browser (Debian's chromium, driven by playwright-core),
// then single sign-on into MeshCentral's own web app. Run by tests/php/Browser/ClientAreaBrowserTest.php.
//
//   node tests/browser/client-area.mjs '<json config>'     (or the JSON on stdin)
//
// Config: {
//   chromium: "/usr/bin/chromium", whmcsUrl: "http://127.0.0.1:N/", meshcentralUrl: "https://127.0.0.1:M",
//   spki: "<base64 sha256 of MeshCentral's certificate SPKI>", clientId, serviceId, otherClientId, otherServiceId,
//   themes: ["six", "twenty-one", "nexus"], artifactsDir, timeoutMs (whole run), stepTimeoutMs (one navigation or wait)
// }
// Prints one JSON object on stdout and nothing else: {ok, error?, themes: {<theme>: {...}}, sso: {...},
// otherClient: {...}, wrongPin: {...}, dialogs: [...], pageErrors: [...], totalMs}. It observes and reports; the PHP test asserts.
// The exit code is 0 whenever that JSON was printed (also with ok: false), 2 when the whole run hit timeoutMs.

import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const started = Date.now();
const result = { ok: false, themes: {}, sso: null, otherClient: null, dialogs: [], pageErrors: [], totalMs: 0 };
let printed = false;

function print(code) {
  if (printed) return;
  printed = true;
  result.totalMs = Date.now() - started;
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(code));
}

function readConfig() {
  const raw = process.argv[2] !== undefined ? process.argv[2] : readFileSync(0, 'utf8');
  const config = JSON.parse(raw);
  for (const key of ['whmcsUrl', 'meshcentralUrl', 'spki', 'clientId', 'serviceId', 'otherClientId', 'artifactsDir']) {
    if (config[key] === undefined || config[key] === '') throw new Error('config.' + key + ' is missing');
  }
  return {
    chromium: '/usr/bin/chromium',
    themes: ['six', 'twenty-one', 'nexus'],
    timeoutMs: 150000,
    stepTimeoutMs: 45000,
    ...config,
  };
}

/** Every page of a context reports its dialogs (dismissed, so nothing blocks) and uncaught errors. */
function watch(context, label) {
  context.on('page', (page) => {
    page.on('dialog', async (dialog) => {
      result.dialogs.push({ context: label, url: page.url(), type: dialog.type(), message: dialog.message() });
      await dialog.dismiss().catch(() => {});
    });
    page.on('pageerror', (error) => {
      result.pageErrors.push({ context: label, url: page.url(), message: String(error && error.message || error) });
    });
  });
}

/** Navigation start to the load event, from the page's own Navigation Timing entry. */
async function loadTiming(page) {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    if (!nav) return null;
    return {
      loadMs: Math.round(nav.loadEventEnd - nav.startTime),
      responseStartMs: Math.round(nav.responseStart - nav.startTime),
      domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd - nav.startTime),
    };
  });
}

async function clientAreaPage(page, config, theme) {
  const url = new URL('clientarea.php?action=productdetails&id=' + config.serviceId + '&systpl=' + theme, config.whmcsUrl).href;
  const t0 = Date.now();
  const response = await page.goto(url, { waitUntil: 'load', timeout: config.stepTimeoutMs });
  const wallMs = Date.now() - t0;
  const timing = await loadTiming(page);
  const facts = await page.evaluate(() => {
    const text = (el) => (el ? el.textContent.trim() : null);
    const table = document.querySelector('#meshcentral-devices');
    const rows = [...document.querySelectorAll('#meshcentral-devices tr.meshcentral-device')].map((tr) => ({
      name: tr.querySelector('.meshcentral-device-name') ? tr.querySelector('.meshcentral-device-name').textContent : null,
      nameChildElements: tr.querySelector('.meshcentral-device-name') ? tr.querySelector('.meshcentral-device-name').children.length : null,
      status: text(tr.children[2]),
      os: text(tr.children[1]),
      lastSeen: text(tr.children[3]),
    }));
    const sso = document.querySelector('#meshcentral-sso');
    return {
      title: document.title,
      theme: document.body ? document.body.dataset.template || null : null,
      hasServiceBlock: document.querySelector('#meshcentral-service') !== null,
      hasOverview: document.querySelector('#overviewNextDueDate') !== null && document.querySelector('#overviewPaymentMethod') !== null,
      blockInModuleArea: document.querySelector('#moduleClientArea #meshcentral-service') !== null,
      family: document.querySelector('#meshcentral-service') ? document.querySelector('#meshcentral-service').dataset.themeFamily || null : null,
      connectButtons: document.querySelectorAll('#meshcentral-devices .meshcentral-connect button').length,
      error: text(document.querySelector('#meshcentral-error')),
      deviceTable: table !== null,
      imgInDeviceTable: table ? table.querySelectorAll('img').length : null,
      imgWithSrcX: document.querySelectorAll('img[src="x"]').length,
      rows,
      counts: text(document.querySelector('#meshcentral-counts')),
      installers: [...document.querySelectorAll('#meshcentral-installers a.meshcentral-installer')].map((a) => ({
        href: a.href, platform: a.dataset.platform || null, label: a.textContent.trim(),
      })),
      sso: sso ? { href: sso.href, rawHref: sso.getAttribute('href'), target: sso.target, text: sso.textContent.trim(), tag: sso.tagName } : null,
    };
  });
  const screenshot = join(config.artifactsDir, 'client-area-' + theme + '.png');
  await page.screenshot({ path: screenshot, fullPage: true, timeout: config.stepTimeoutMs });
  const ssoVisible = facts.sso ? await page.locator('#meshcentral-sso').isVisible() : false;
  return { url: page.url(), status: response ? response.status() : null, wallMs, ...timing, ...facts, ssoVisible, screenshot };
}

/** Clicks the SSO button (target=_blank: a new page of the same context) and follows it into MeshCentral. */
async function singleSignOn(context, page, config) {
  const out = { clicked: false };
  const redirects = [];
  let landing = null;
  const onResponse = (response) => {
    if (landing === null && response.url().startsWith(config.meshcentralUrl + '/?login=')) {
      landing = response.securityDetails().catch((e) => ({ error: String(e.message) }));
    }
    if (response.url().includes('dosinglesignon=1')) {
      const location = response.headers().location ?? null;
      redirects.push({ from: redact(response.url()), status: response.status(), to: location === null ? null : redact(location) });
    }
  };
  context.on('response', onResponse);
  const t0 = Date.now();
  const [popup] = await Promise.all([
    context.waitForEvent('page', { timeout: config.stepTimeoutMs }),
    page.click('#meshcentral-sso', { timeout: config.stepTimeoutMs }),
  ]);
  out.clicked = true;
  await popup.waitForLoadState('load', { timeout: config.stepTimeoutMs });
  out.landedMs = Date.now() - t0;
  out.url = redact(popup.url());
  out.origin = new URL(popup.url()).origin;
  out.title = await popup.title();
  // The popup's document came through clientarea.php...&dosinglesignon=1 (302) to MeshCentral's /?login=<cookie>.
  // Only the shape is reported: the cookie is a credential (single use, short-lived, but still).
  out.tls = landing ? await landing : null;
  out.chain = redirects.map((r) => ({ from: r.from, status: r.status, to: r.to }));
  // The web app opens its control channel, then receives the visible groups in a 'meshes' message. Its global
  // `meshes` (views/default.handlebars) holds them by id. Wait, with a deadline, until it is filled.
  out.meshesFilled = true;
  try {
    await popup.waitForFunction(
      () => typeof meshes === 'object' && meshes !== null && Object.keys(meshes).length > 0, // eslint-disable-line no-undef
      null,
      { timeout: config.stepTimeoutMs, polling: 200 },
    );
  } catch (e) {
    out.meshesFilled = false;
    out.meshesError = String(e.message).split('\n')[0];
  }
  const state = await popup.evaluate(() => ({
    // eslint-disable-next-line no-undef
    meshes: typeof meshes === 'object' && meshes !== null ? Object.keys(meshes) : null,
    // eslint-disable-next-line no-undef
    user: typeof userinfo === 'object' && userinfo !== null ? { id: userinfo._id, name: userinfo.name, siteadmin: userinfo.siteadmin || 0 } : null,
    title: document.title,
    loginForm: document.querySelector('#loginpanel') !== null && getComputedStyle(document.querySelector('#loginpanel')).display !== 'none',
  }));
  Object.assign(out, state);
  out.meshesMs = Date.now() - t0;
  out.screenshot = join(config.artifactsDir, 'meshcentral-after-sso.png');
  await popup.screenshot({ path: out.screenshot, fullPage: true, timeout: config.stepTimeoutMs });
  await popup.close();
  context.off('response', onResponse);
  return out;
}

/** Another client, logged in, asks for the first client's service (page and SSO) and sees its own list instead. */
async function otherClient(browser, config) {
  const context = await browser.newContext();
  watch(context, 'other-client');
  const out = {};
  try {
    const page = await context.newPage();
    await page.goto(new URL('login.php?clientid=' + config.otherClientId, config.whmcsUrl).href, { timeout: config.stepTimeoutMs });
    out.afterLogin = page.url();
    for (const [key, extra] of [['details', ''], ['sso', '&dosinglesignon=1']]) {
      const url = new URL('clientarea.php?action=productdetails&id=' + config.serviceId + extra, config.whmcsUrl).href;
      const response = await page.goto(url, { waitUntil: 'load', timeout: config.stepTimeoutMs });
      const first = response ? firstRequest(response.request()) : null;
      out[key] = {
        requested: url,
        finalUrl: page.url(),
        firstStatus: first ? (await first.response())?.status() ?? null : null,
        firstLocation: first ? (await first.response())?.headers().location ?? null : null,
        finalStatus: response ? response.status() : null,
        hasServiceBlock: (await page.locator('#meshcentral-service').count()) > 0,
        productLinks: await page.$$eval('a[href*="action=productdetails"]', (as) => as.map((a) => a.getAttribute('href'))),
        mentionsDeviceName: (await page.content()).includes('onerror=alert(1)'),
      };
    }
  } finally {
    await context.close();
  }
  return out;
}

/** A URL without the values of sensitive query parameters (MeshCentral's login cookie). */
function redact(url) {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) {
      if (key === 'login' || key === 'auth') u.searchParams.set(key, '<redacted>');
    }
    return u.href;
  } catch {
    return '<unparsable>';
  }
}

/**
 * Negative control for the certificate pin: a browser pinned to some other key must refuse MeshCentral's certificate,
 * which shows that the pin (not a blanket exception) is what makes the TLS connection acceptable above.
 */
async function withoutThePin(config) {
  const otherKey = Buffer.alloc(32, 0x5a).toString('base64');
  const browser = await chromium.launch({
    executablePath: config.chromium,
    headless: true,
    timeout: config.stepTimeoutMs,
    args: ['--no-sandbox', '--ignore-certificate-errors-spki-list=' + otherKey, '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    try {
      const response = await page.goto(config.meshcentralUrl + '/', { timeout: config.stepTimeoutMs });
      return { loaded: true, status: response ? response.status() : null };
    } catch (e) {
      return { loaded: false, error: String(e.message).split('\n')[0] };
    }
  } finally {
    await browser.close().catch(() => {});
  }
}

function firstRequest(request) {
  let r = request;
  while (r.redirectedFrom()) r = r.redirectedFrom();
  return r;
}

async function main() {
  const config = readConfig();
  mkdirSync(config.artifactsDir, { recursive: true });
  const watchdog = setTimeout(() => {
    result.error = 'timed out after ' + config.timeoutMs + ' ms';
    print(2);
  }, config.timeoutMs);
  const browser = await chromium.launch({
    executablePath: config.chromium,
    headless: true,
    timeout: config.stepTimeoutMs,
    args: [
      '--no-sandbox', // we run as root
      // Trust MeshCentral's certificate by its public key only (its own CA is not in chromium's store); TLS is
      // still checked, and any other certificate is still refused.
      '--ignore-certificate-errors-spki-list=' + config.spki,
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-extensions',
      '--no-first-run',
    ],
  });
  result.browserVersion = browser.version();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    watch(context, 'client');
    const page = await context.newPage();
    const login = await page.goto(new URL('login.php?clientid=' + config.clientId, config.whmcsUrl).href, { timeout: config.stepTimeoutMs });
    result.login = { url: page.url(), status: login ? login.status() : null };
    for (const theme of config.themes) {
      result.themes[theme] = await clientAreaPage(page, config, theme);
    }
    result.sso = await singleSignOn(context, page, config);
    await context.close();
    result.otherClient = await otherClient(browser, config);
  } finally {
    await browser.close().catch(() => {});
  }
  try {
    result.wrongPin = await withoutThePin(config);
    result.ok = true;
  } finally {
    clearTimeout(watchdog);
  }
}

main().then(
  () => print(0),
  (error) => {
    result.ok = false;
    result.error = String(error && error.stack || error);
    print(0);
  },
);
