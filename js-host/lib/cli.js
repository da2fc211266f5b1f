'use strict';
// `meshconnector`: the admin command line of the JavaScript host. Every rule is the core's (ops test_connection,
// list_accounts, audit, provision, sweep, server_settings); this file parses flags, calls them and prints.

const fs = require('node:fs');
const { Connector, ConnectorError } = require('./connector');

const USAGE = `usage: meshconnector <command> [options]

commands:
  test                what Test Connection reports (exit 1 when rights are missing)
  list                the connector's services on the server, as server sync sees them
  audit               every connector group and account checked against the ownership and rights rules
                      (exit 1 when anything is wrong)
  repair KEY          re-run provisioning's idempotent steps for one service (dry run; --apply to act)
  retire              retire the groups of terminated services that came back (dry run; --apply to act)

settings (a JSON file and/or flags; flags win). The same fields as WHMCS's server record, read by the core:
  --config FILE             {"hostname", "port", "secure", "username", "password", "accesshash",
                             "key_prefix", "terminated_keys", "retired_mesh_id"}
  --hostname H              e.g. mesh.example.com, https://mesh.example.com:4430/tenant1
  --port N  --no-secure     (plain http only to loopback, as in the module)
  --username U
  --password-file F         (or MESHCONNECTOR_PASSWORD; never a flag: it would show in ps)
  --accesshash-file F       the Access Hash lines (login token key, ca_file=, pin_sha384=, verify_tls=, timeout=)
  --key-prefix P            only services whose key starts with P
  --terminated K1,K2        services WHMCS terminated (or --terminated-file F, one key a line)
  --retired-mesh-id ID      the pinned retired-agents group (retire)
  --preset P                repair: full, remote_only or view_only (default: the preset the link still matches)
  --apply                   repair / retire: act (default: only say what would be done)
  --json                    machine-readable output on stdout
  --quiet                   no progress line`;

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { flags: {}, positional: [] };
  const valued = new Set([
    'config', 'hostname', 'port', 'username', 'password-file', 'accesshash-file', 'key-prefix', 'terminated',
    'terminated-file', 'retired-mesh-id', 'preset',
  ]);
  const bools = new Set(['apply', 'json', 'quiet', 'no-secure', 'help']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      opts.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (bools.has(name) && eq < 0) {
      opts.flags[name] = true;
    } else if (valued.has(name)) {
      const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      opts.flags[name] = value;
    } else if (name === 'password') {
      throw new UsageError('--password is not accepted (it would show in ps): use --password-file or MESHCONNECTOR_PASSWORD');
    } else {
      throw new UsageError(`unknown option ${a}`);
    }
  }
  return opts;
}

function readText(file, what) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the ${what} file ${file}: ${e.code || e.message}`);
  }
}

/** The raw settings (WHMCS's field names) and the CLI's own keys, from the file then the flags. */
function settingsFrom(flags) {
  let file = {};
  if (flags.config) {
    try {
      file = JSON.parse(readText(flags.config, 'settings'));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`the settings file ${flags.config} is not JSON: ${e.message}`);
    }
    if (file === null || typeof file !== 'object' || Array.isArray(file)) {
      throw new UsageError(`the settings file ${flags.config} must hold one JSON object`);
    }
  }
  const known = ['hostname', 'ip', 'port', 'secure', 'username', 'password', 'accesshash', 'key_prefix',
    'terminated_keys', 'retired_mesh_id'];
  for (const k of Object.keys(file)) {
    if (!known.includes(k)) throw new UsageError(`unknown key "${k}" in ${flags.config} (known: ${known.join(', ')})`);
  }
  const raw = {
    hostname: file.hostname ?? '', ip: file.ip ?? '', port: file.port ?? '', secure: file.secure ?? true,
    username: file.username ?? '', password: file.password ?? '', accesshash: file.accesshash ?? '',
  };
  if (flags.hostname !== undefined) raw.hostname = flags.hostname;
  if (flags.port !== undefined) raw.port = flags.port;
  if (flags['no-secure']) raw.secure = false;
  if (flags.username !== undefined) raw.username = flags.username;
  if (process.env.MESHCONNECTOR_PASSWORD) raw.password = process.env.MESHCONNECTOR_PASSWORD;
  if (flags['password-file']) raw.password = readText(flags['password-file'], 'password').replace(/\r?\n$/, '');
  if (flags['accesshash-file']) raw.accesshash = readText(flags['accesshash-file'], 'access hash');
  let terminated = Array.isArray(file.terminated_keys) ? file.terminated_keys.map(String) : [];
  if (flags.terminated !== undefined) terminated = flags.terminated.split(',').map((k) => k.trim()).filter(Boolean);
  if (flags['terminated-file']) {
    terminated = readText(flags['terminated-file'], 'terminated keys').split(/\r?\n/).map((k) => k.trim()).filter(Boolean);
  }
  return {
    raw,
    keyPrefix: flags['key-prefix'] ?? file.key_prefix ?? '',
    terminated,
    retiredMeshId: flags['retired-mesh-id'] ?? file.retired_mesh_id ?? null,
  };
}

/** Prints to stdout/stderr with every secret the core named replaced. */
class Output {
  constructor(json, quiet) {
    this.json = json;
    this.secrets = [];
    this.progressShown = false;
    this.quiet = quiet || !process.stderr.isTTY;
    this.started = Date.now();
    this.lastProgress = 0;
    this.frames = 0;
    this.bytes = 0;
  }

  mask(text) {
    let out = String(text);
    for (const s of this.secrets) if (s) out = out.split(s).join('***');
    return out;
  }

  line(text = '') {
    this.clearProgress();
    process.stdout.write(`${this.mask(text)}\n`);
  }

  err(text) {
    this.clearProgress();
    process.stderr.write(`${this.mask(text)}\n`);
  }

  data(value) {
    this.clearProgress();
    process.stdout.write(`${this.mask(JSON.stringify(value, null, 2))}\n`);
  }

  /** The progress line: frames and bytes so far, on stderr, only on a terminal and only after the first second. */
  frame(dir, bytes, action) {
    this.frames++;
    this.bytes += bytes;
    const now = Date.now();
    if (this.quiet || now - this.started < 1000 || now - this.lastProgress < 200) return;
    this.lastProgress = now;
    const mb = (this.bytes / 1e6).toFixed(1);
    const text = `  ... ${((now - this.started) / 1000).toFixed(1)} s, ${this.frames} messages (${mb} MB)` +
      `${action ? `, last: ${dir} ${action}` : ''}`;
    process.stderr.write(`\r\x1b[K${text}`);
    this.progressShown = true;
  }

  clearProgress() {
    if (this.progressShown) {
      process.stderr.write('\r\x1b[K');
      this.progressShown = false;
    }
  }
}

function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const fmt = (r) => columns.map((c, i) => String(r[c] ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [fmt(Object.fromEntries(columns.map((c) => [c, c]))), ...rows.map(fmt)].join('\n');
}

async function connect(settings, out) {
  const connector = Connector.load({
    onFrame: (dir, bytes, action) => out.frame(dir, bytes, action),
    onLog: (level, message) => {
      if (level <= 1 && !out.json) out.err(`${level === 0 ? 'error' : 'warning'}: ${message}`);
    },
  });
  let parsed;
  try {
    parsed = await connector.call({ op: 'server_settings', ...settings.raw });
  } catch (e) {
    await connector.close();
    throw e;
  }
  out.secrets = parsed.secrets;
  if (!out.json) for (const w of parsed.warnings) out.err(`warning: ${w}`);
  return { connector, server: parsed.server, warnings: parsed.warnings };
}

async function cmdTest(ctx) {
  const report = await ctx.connector.call({ op: 'test_connection', server: ctx.server });
  if (ctx.out.json) {
    ctx.out.data(report);
  } else {
    ctx.out.line(`MeshCentral ${report.server_version ?? '(version not reported)'} at ${report.server_name}` +
      `${report.domain ? ` (domain ${report.domain})` : ''}`);
    ctx.out.line(`logged in as ${report.user_id} by ${report.auth_methods.join(' and ')}`);
    ctx.out.line(report.rights.ok ? 'rights: ok (full site administrator, sees every group)'
      : `rights missing: ${report.rights.missing.join(', ')}`);
    for (const w of report.warnings) ctx.out.line(`warning: ${w}`);
  }
  return report.rights.ok ? 0 : 1;
}

async function cmdList(ctx) {
  const list = await ctx.connector.call({
    op: 'list_accounts', server: ctx.server, key_prefix: ctx.settings.keyPrefix,
    terminated_keys: ctx.settings.terminated,
  });
  if (ctx.out.json) {
    ctx.out.data(list);
    return 0;
  }
  const rows = list.map((a) => ({
    service: a.service_key,
    user: a.user_exists ? a.username : `${a.username} (missing)`,
    group: a.group_name,
    preset: a.preset ?? '(other rights)',
    state: a.came_back ? 'came back' : a.locked ? 'suspended' : 'active',
    devices: `${a.online}/${a.devices} online`,
  }));
  ctx.out.line(table(rows, ['service', 'user', 'group', 'preset', 'state', 'devices']));
  ctx.out.line(`${list.length} service(s)`);
  return 0;
}

function printFindings(out, findings) {
  for (const f of findings) {
    const who = [f.service_key && `service ${f.service_key}`, f.username && `user ${f.username}`,
      f.mesh_id && `group ${f.mesh_id}`].filter(Boolean).join(', ');
    out.line(`${f.kind.padEnd(24)} ${who}: ${f.detail} [fix: ${f.fix}${f.fix === 'repair' && f.service_key ? ` ${f.service_key}` : ''}]`);
  }
}

function audit(ctx) {
  return ctx.connector.call({
    op: 'audit', server: ctx.server, key_prefix: ctx.settings.keyPrefix, terminated_keys: ctx.settings.terminated,
  });
}

async function cmdAudit(ctx) {
  const t0 = Date.now();
  const result = await audit(ctx);
  const ms = Date.now() - t0;
  if (ctx.out.json) {
    ctx.out.data({ ...result, elapsed_ms: ms });
  } else {
    printFindings(ctx.out, result.findings);
    const bad = result.services.filter((s) => !s.ok).length;
    ctx.out.line(`${result.services.length} service group(s), ${result.accounts_checked} account(s) checked in ` +
      `${(ms / 1000).toFixed(1)} s: ${result.findings.length} finding(s)` +
      `${result.findings.length ? `, ${bad} service(s) affected` : ', all clean'}`);
  }
  return result.findings.length ? 1 : 0;
}

/** What provisioning would do for the service, from the audit's view of it. */
function repairPlan(service, findings, preset) {
  const steps = [];
  for (const f of findings) {
    if (f.kind === 'group_without_user') steps.push(`create the user ${service.username} (customer site rights, a random password nobody sees) and link it with ${preset}`);
    else if (f.kind === 'user_not_linked') steps.push(`link ${service.username} to its group with ${preset}`);
    else if (f.kind === 'wrong_rights') steps.push(`relink ${service.username} with ${preset} (now ${f.detail.match(/0x[0-9a-f]+/)?.[0] ?? 'other rights'})`);
  }
  if (service.preset && service.preset !== preset && !steps.length) steps.push(`relink ${service.username} with ${preset} (now ${service.preset})`);
  return steps;
}

async function cmdRepair(ctx, key) {
  if (!key) throw new UsageError('repair needs the service key: meshconnector repair KEY');
  const before = await audit(ctx);
  const services = before.services.filter((s) => s.service_key === key);
  if (services.length !== 1) {
    throw new ConnectorError(services.length ? 'not_owned' : 'not_found', services.length
      ? `${services.length} connector groups carry service '${key}': resolve the duplicates in MeshCentral`
      : `no connector group carries service '${key}': repair only finishes a service that exists (Create it from WHMCS)`);
  }
  const service = services[0];
  const findings = before.findings.filter((f) => f.service_key === key);
  if (service.terminated) throw new ConnectorError('invalid_input', `service '${key}' is terminated: use retire, not repair`);
  if (ctx.flags.preset && !['full', 'remote_only', 'view_only'].includes(ctx.flags.preset)) {
    throw new UsageError(`--preset ${ctx.flags.preset}: choose full, remote_only or view_only`);
  }
  const preset = ctx.flags.preset || service.preset;
  const noPreset = `the rights of ${service.username} match no preset: say which with --preset full|remote_only|view_only`;
  if (!preset && ctx.flags.apply) throw new UsageError(noPreset);
  const steps = repairPlan(service, findings, preset || 'the preset --preset names');
  const manual = findings.filter((f) => f.fix !== 'repair');
  if (!ctx.flags.apply) {
    if (ctx.out.json) {
      ctx.out.data({ service_key: key, apply: false, steps, findings });
    } else {
      ctx.out.line(steps.length ? `repair ${key} would:` : `repair ${key}: provisioning has nothing to do`);
      for (const s of steps) ctx.out.line(`  - ${s}`);
      if (!preset) ctx.out.line(noPreset);
      if (manual.length) ctx.out.line('not fixed by repair (a person decides):');
      printFindings(ctx.out, manual);
      if (steps.length) ctx.out.line('dry run: nothing changed; add --apply to do it');
    }
    return findings.length ? 1 : 0;
  }
  const result = await ctx.connector.call({
    op: 'provision', server: ctx.server,
    service: { key, username: service.username, mesh_id: service.mesh_id },
    group_name_template: service.group_name, preset,
  });
  const after = await audit(ctx);
  const left = after.findings.filter((f) => f.service_key === key);
  const { generated_password: _never, ...shown } = result;
  if (ctx.out.json) {
    ctx.out.data({ service_key: key, apply: true, steps, provisioned: shown, findings: left });
  } else {
    ctx.out.line(`repaired ${key}: group ${result.mesh_id}, user ${result.username}${result.created_user ? ' (created)' : ''}, rights ${preset}`);
    if (result.created_user) ctx.out.line('  the new user has a random password nobody knows: SSO works; set one with WHMCS Change Password');
    printFindings(ctx.out, left);
    ctx.out.line(left.length ? `${left.length} finding(s) left for ${key}` : `${key} is clean`);
  }
  return left.length ? 1 : 0;
}

async function cmdRetire(ctx) {
  if (!ctx.settings.terminated.length) {
    throw new UsageError('retire needs the services WHMCS terminated: --terminated K1,K2 or --terminated-file F');
  }
  if (!ctx.flags.apply) {
    const result = await audit(ctx);
    const back = result.findings.filter((f) => f.kind === 'came_back');
    const other = result.findings.filter((f) => f.kind === 'terminated_group_exists');
    if (ctx.out.json) {
      ctx.out.data({ apply: false, would_retire: back, left_alone: other });
    } else {
      for (const f of back) ctx.out.line(`would retire ${f.service_key}: group ${f.mesh_id} (${f.detail})`);
      printFindings(ctx.out, other);
      ctx.out.line(back.length ? 'dry run: nothing changed; add --apply to do it' : 'no group of a terminated service came back');
    }
    return back.length || other.length ? 1 : 0;
  }
  const swept = await ctx.connector.call({
    op: 'sweep', server: ctx.server, key_prefix: ctx.settings.keyPrefix, terminated_keys: ctx.settings.terminated,
    ...(ctx.settings.retiredMeshId ? { retired_mesh_id: ctx.settings.retiredMeshId } : {}),
  });
  if (ctx.out.json) {
    ctx.out.data({ apply: true, ...swept });
  } else {
    for (const r of swept.retired) ctx.out.line(`retired ${r.service_key}: group ${r.mesh_id}, ${r.retired_devices} device(s) moved`);
    for (const l of swept.left_alone) ctx.out.line(`left alone ${l.service_key}: group ${l.mesh_id}: ${l.reason}`);
    if (swept.retired_group) ctx.out.line(`retired-agents group: ${swept.retired_group} (pin it: --retired-mesh-id)`);
    ctx.out.line(`${swept.retired.length} retired, ${swept.left_alone.length} left alone`);
  }
  return swept.left_alone.length ? 1 : 0;
}

async function main(argv) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`meshconnector: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  const [command, ...rest] = opts.positional;
  if (opts.flags.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || opts.flags.help ? 0 : 2;
  }
  const commands = { test: cmdTest, list: cmdList, audit: cmdAudit, repair: cmdRepair, retire: cmdRetire };
  const out = new Output(Boolean(opts.flags.json), Boolean(opts.flags.quiet));
  if (!commands[command]) {
    out.err(`meshconnector: unknown command ${command}\n${USAGE}`);
    return 2;
  }
  let connector;
  try {
    const settings = settingsFrom(opts.flags);
    const connected = await connect(settings, out);
    connector = connected.connector;
    return await commands[command]({ ...connected, settings, flags: opts.flags, out }, rest[0]);
  } catch (e) {
    if (e instanceof UsageError) {
      out.err(`meshconnector: ${e.message}`);
      return 2;
    }
    const kind = e instanceof ConnectorError ? e.kind : 'host';
    if (out.json) {
      process.stdout.write(`${out.mask(JSON.stringify({ error: { kind, message: e.message } }))}\n`);
    } else {
      out.err(`meshconnector: ${kind}: ${e.message}`);
    }
    return 2;
  } finally {
    out.clearProgress();
    if (connector) await connector.close();
  }
}

module.exports = { main, parseArgs, settingsFrom };
