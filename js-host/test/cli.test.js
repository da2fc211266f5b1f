'use strict';
// meshconnector against a real MeshCentral 1.1.55 on 127.0.0.1 (started by scripts/meshcentral-server.php, as the
// PHP tests and the demo start it): TLS verified with the server's CA file, services provisioned by the core through
// the JavaScript host (lib/connector.js: worker thread + ws), then damaged with MeshCentral's own meshctrl (a
// wrong-rights link, a user deleted by hand) and given planted accounts (one with rights on a customer's group, a
// look-alike customer account), all found by `audit`; `repair --apply` fixes what provisioning fixes, a person the
// rest (the planted accounts removed), and a second audit is clean.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync, spawn } = require('node:child_process');
const { Connector } = require('../lib/connector');

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'js-host/bin/meshconnector');
const PREFIX = `e2e${process.pid}`;
const keys = { a: `${PREFIX}-a`, b: `${PREFIX}-b`, c: `${PREFIX}-c` };

let server;
let dir;
let config;

function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root, timeout: 120_000, ...options });
  if (r.error) throw r.error;
  return r;
}

/** Runs the command (asynchronously: the event loop stays free) and resolves {code, stdout, stderr}. */
function cli(...args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, MESHCONNECTOR_PASSWORD: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function meshctrl(...args) {
  const r = sh(process.execPath, [path.join(root, 'node_modules/meshcentral/meshctrl.js'), ...args,
    '--url', server.url, '--loginuser', server.adminUser, '--loginpass', server.adminPassword]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const noSecrets = (r) => {
  for (const s of [server.adminPassword, server.loginTokenKey]) {
    assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), 'secrets are never printed');
  }
};

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshconnector-e2e-'));
  const started = sh('php', [path.join(root, 'scripts/meshcentral-server.php'), 'start', '--data', path.join(dir, 'mc')]);
  assert.equal(started.status, 0, started.stderr);
  server = JSON.parse(started.stdout);
  config = path.join(dir, 'settings.json');
  fs.writeFileSync(config, JSON.stringify({
    hostname: server.httpsUrl,
    username: server.adminUser,
    password: server.adminPassword,
    accesshash: `${server.loginTokenKey}\nca_file=${server.caFile}`,
    key_prefix: PREFIX,
  }), { mode: 0o600 });
  const connector = Connector.load();
  try {
    const { server: s } = await connector.call({
      op: 'server_settings', hostname: server.httpsUrl, username: server.adminUser, password: server.adminPassword,
      accesshash: `${server.loginTokenKey}\nca_file=${server.caFile}`,
    });
    for (const key of Object.values(keys)) {
      const p = await connector.call({
        op: 'provision', server: s, service: { key }, group_name_template: `E2E {service_id}`,
        vars: { service_id: key }, preset: 'full',
      });
      assert.equal(p.created_group, true);
    }
  } finally {
    await connector.close();
  }
});

test.after(() => {
  if (server) sh('php', [path.join(root, 'scripts/meshcentral-server.php'), 'stop', '--data', server.dataDir]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('test reports the server, the account and its rights, TLS verified with the CA file', async () => {
  const r = await cli('test', '--config', config);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /MeshCentral 1\.1\.55/);
  assert.match(r.stdout, /rights: ok/);
  noSecrets(r);
  const j = await cli('test', '--config', config, '--json');
  assert.equal(JSON.parse(j.stdout).rights.ok, true);
});

test('TLS is verified by default, errors have the core kinds and hide the secrets', async () => {
  const noCa = path.join(dir, 'no-ca.json');
  fs.writeFileSync(noCa, JSON.stringify({ hostname: server.httpsUrl, username: server.adminUser, password: server.adminPassword }));
  const r = await cli('test', '--config', noCa, '--json');
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.stdout).error.kind, 'tls', r.stdout);
  const wrongPin = path.join(dir, 'pin.json');
  fs.writeFileSync(wrongPin, JSON.stringify({ hostname: server.httpsUrl, username: server.adminUser,
    password: server.adminPassword, accesshash: `pin_sha384=${'ab'.repeat(48)}` }));
  const p = await cli('test', '--config', wrongPin, '--json');
  assert.equal(JSON.parse(p.stdout).error.kind, 'tls', p.stdout);
  const pinned = path.join(dir, 'pinned.json');
  fs.writeFileSync(pinned, JSON.stringify({ hostname: server.httpsUrl, username: server.adminUser,
    password: server.adminPassword, accesshash: `pin_sha384=${server.webCertSha384}` }));
  assert.equal((await cli('test', '--config', pinned)).code, 0, 'the right pin replaces chain validation');
  const pw = path.join(dir, 'pw');
  fs.writeFileSync(pw, 'not-the-password\n');
  fs.writeFileSync(path.join(dir, 'ca'), `ca_file=${server.caFile}\n`);
  const refused = await cli('test', '--config', config, '--password-file', pw, '--accesshash-file', path.join(dir, 'ca'), '--json');
  assert.equal(refused.code, 2);
  assert.equal(JSON.parse(refused.stdout).error.kind, 'auth_rejected', refused.stdout);
  assert.ok(!refused.stdout.includes('not-the-password') && !refused.stderr.includes('not-the-password'));
});

test('list shows the services as server sync sees them', async () => {
  const r = await cli('list', '--config', config, '--json');
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout);
  assert.deepEqual(list.map((s) => s.service_key), Object.values(keys));
  assert.ok(list.every((s) => s.preset === 'full' && s.user_exists));
});

test('audit finds planted accounts, a wrong-rights link and a deleted user; repair fixes its part; a second audit is clean', async () => {
  const clean = await cli('audit', '--config', config);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /all clean/);

  const list = JSON.parse((await cli('list', '--config', config, '--json')).stdout);
  const group = (key) => list.find((s) => s.service_key === key).mesh_id;
  // Full rights (EDITMESH, MANAGEUSERS, ...) for A's customer on its own group; B's customer deleted by hand; a
  // planted account with rights on C's group; a planted look-alike customer account that no group names.
  meshctrl('addusertodevicegroup', '--id', group(keys.a), '--userid', `mc-${keys.a}`, '--fullrights');
  meshctrl('removeuser', '--userid', `user//mc-${keys.b}`);
  const mallory = `mallory${process.pid}`;
  const lookalike = `mc-${PREFIX}-planted`;
  meshctrl('adduser', '--user', mallory, '--pass', `Planted-${process.pid}-Pass!x`);
  meshctrl('addusertodevicegroup', '--id', group(keys.c), '--userid', mallory, '--remotecontrol');
  meshctrl('adduser', '--user', lookalike, '--pass', `Planted-${process.pid}-Pass!y`, '--rights', '1216');

  const dirty = await cli('audit', '--config', config, '--json');
  assert.equal(dirty.code, 1, 'non-zero when anything is wrong');
  const kinds = (r) => JSON.parse(r.stdout).findings.map((f) => [f.kind, f.service_key ?? f.username, f.fix]).sort();
  assert.deepEqual(kinds(dirty), [
    ['extra_link', keys.c, 'manual'],
    ['group_without_user', keys.b, 'repair'],
    ['user_without_group', lookalike, 'manual'],
    ['wrong_rights', keys.a, 'repair'],
  ]);
  const human = await cli('audit', '--config', config);
  assert.match(human.stdout, /wrong_rights/);
  assert.match(human.stdout, /4 finding\(s\), 3 service\(s\) affected/);
  noSecrets(human);

  const dry = await cli('repair', keys.a, '--config', config);
  assert.equal(dry.code, 1);
  assert.match(dry.stdout, /dry run: nothing changed/);
  assert.match(dry.stdout, /relink/);
  assert.equal(JSON.parse((await cli('audit', '--config', config, '--json')).stdout).findings.length, 4,
    'the dry run changed nothing');
  const manual = await cli('repair', keys.c, '--config', config);
  assert.match(manual.stdout, /not fixed by repair/);
  assert.match(manual.stdout, new RegExp(mallory));

  const noPreset = await cli('repair', keys.a, '--config', config, '--apply');
  assert.equal(noPreset.code, 2, 'rights that match no preset need --preset');
  assert.match(noPreset.stderr, /--preset/);

  const a = await cli('repair', keys.a, '--config', config, '--preset', 'full', '--apply');
  assert.equal(a.code, 0, a.stdout + a.stderr);
  assert.match(a.stdout, /is clean/);
  const b = await cli('repair', keys.b, '--config', config, '--preset', 'remote_only', '--apply', '--json');
  assert.equal(b.code, 0, b.stdout + b.stderr);
  const repaired = JSON.parse(b.stdout);
  assert.equal(repaired.provisioned.created_user, true);
  assert.ok(!('generated_password' in repaired.provisioned), 'a generated password is never printed');

  // What repair must not touch is left for a person: here, the planted accounts are removed by hand.
  const left = await cli('audit', '--config', config, '--json');
  assert.deepEqual(kinds(left), [['extra_link', keys.c, 'manual'], ['user_without_group', lookalike, 'manual']]);
  meshctrl('removeuser', '--userid', `user//${mallory}`);
  meshctrl('removeuser', '--userid', `user//${lookalike}`);

  const after = await cli('audit', '--config', config, '--json');
  assert.equal(after.code, 0, after.stdout);
  const services = JSON.parse(after.stdout).services;
  assert.deepEqual(services.map((s) => [s.service_key, s.preset]), [[keys.a, 'full'], [keys.b, 'remote_only'], [keys.c, 'full']]);
});

test('retire is a dry run by default and needs the terminated services', async () => {
  const none = await cli('retire', '--config', config);
  assert.equal(none.code, 2);
  const r = await cli('retire', '--config', config, '--terminated', keys.c);
  // C's group exists and its user too: not a group that came back, so a person decides.
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /terminated_group_exists/);
  const applied = await cli('retire', '--config', config, '--terminated', keys.c, '--apply', '--json');
  const swept = JSON.parse(applied.stdout);
  assert.deepEqual(swept.retired, []);
  assert.equal(swept.left_alone[0].service_key, keys.c);
  assert.equal((await cli('list', '--config', config, '--json')).code, 0, 'nothing was deleted');
});
