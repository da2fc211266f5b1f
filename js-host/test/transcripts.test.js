'use strict';
// The Rust transcript tests (tests/ops_transcripts.rs, tests/session_transcripts.rs) run again through the JavaScript
// build (build/js, wasm-bindgen): the same recorded MeshCentral 1.1.55 sessions replayed by a host written in JS
// (the twin of tests/common/mod.rs), the same requests and results, errors as ConnectorError with the core's kind.
// Synchronous host, so no worker is needed here: this proves the JS boundary and the core, lib/ the threads.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const core = require(process.env.MESHCONNECTOR_JS_CORE || path.join(root, 'build/js/meshcentral_connector.js'));

const transcript = (name) => JSON.parse(fs.readFileSync(path.join(root, 'tests/transcripts', `${name}.json`), 'utf8'));
const frames = (list) => list.map((f) => [f.dir, f.text]);

/** Replays one recorded session per wsOpen; checks that each send has the recorded action. */
class ReplayHost {
  constructor(sessions) {
    this.sessions = sessions;
    this.current = [];
    this.opened = [];
    this.sent = [];
    this.clock = 1_795_000_000_000;
  }

  wsOpen(spec) {
    this.opened.push(spec);
    assert.ok(this.sessions.length > 0, 'a recorded session for each connection');
    this.current = this.sessions.shift();
    return { status: 'ok', handle: this.opened.length };
  }

  wsSend(_handle, text) {
    const v = JSON.parse(text);
    assert.equal(typeof v, 'object', 'only objects go on the wire');
    // As in tests/common: our send may come before frames the server pushed on its own.
    const at = this.current.findIndex(([d]) => d === 'send');
    assert.ok(at >= 0, `unexpected send ${text}: none recorded`);
    const [, recorded] = this.current.splice(at, 1)[0];
    assert.equal(v.action, JSON.parse(recorded).action, 'the core sent another request than recorded');
    this.sent.push(text);
    return { status: 'ok' };
  }

  wsRecv() {
    const head = this.current[0];
    if (head && head[0] === 'recv') return { status: 'ok', text: this.current.shift()[1] };
    if (head && head[0] === 'closed') return { status: 'closed', reason: this.current.shift()[1] };
    return { status: 'timed_out' };
  }

  wsClose() {
    return { status: 'ok' };
  }

  nowMs() {
    this.clock += 1;
    return this.clock;
  }

  randomFill(buf) {
    buf.fill(0x42);
    return true;
  }

  log() {}
}

const SERVER = { url: 'https://127.0.0.1:4430', username: 'connector-admin', password: 'Capture-Pass-1', timeout_ms: 3000 };

/** Runs a transcript document's request; returns {ok, value} | {ok: false, error} and the host. */
function run(doc, edit = (r) => r) {
  const host = new ReplayHost(doc.sessions.map(frames));
  const request = edit({ ...doc.request, server: SERVER });
  try {
    return [{ ok: true, value: core.call(host, request) }, host];
  } catch (e) {
    assert.equal(e.name, 'ConnectorError', `a typed error: ${e.stack}`);
    assert.ok(e instanceof Error);
    return [{ ok: false, error: { kind: e.kind, message: e.message } }, host];
  }
}

function replay(name) {
  const doc = transcript(`op-${name}`);
  const [out, host] = run(doc);
  const expected = 'ok' in doc.result ? { ok: true, value: doc.result.ok } : { ok: false, error: doc.result.error };
  assert.deepEqual(out, expected, `${name}: same answers, same result`);
  return [doc, host];
}

const actions = (host) => host.sent.map((s) => JSON.parse(s).action);
const nodeSkips = (host) =>
  host.sent.map((s) => JSON.parse(s)).filter((v) => v.action === 'nodes').map((v) => {
    assert.equal(v.limit, 1000);
    return v.skip;
  });
const nodeReplies = (doc) =>
  doc.sessions[0].map((f, i) => [f, i]).filter(([f]) => f.dir === 'recv' && f.text.startsWith('{"action":"nodes"')).map(([, i]) => i);

// tests/session_transcripts.rs

test('password login reads serverinfo, userinfo and version', () => {
  const host = new ReplayHost([frames(transcript('login-password-ok').frames)]);
  const report = core.call(host, { op: 'test_connection', server: { ...SERVER, timeout_ms: 2000 } });
  assert.equal(report.server_name, '127.0.0.1');
  assert.equal(report.server_version, '1.1.55');
  assert.equal(report.user_id, 'user//connector-admin');
  assert.deepEqual(report.auth_methods, ['password']);
  assert.ok(report.rights.full_site_admin && report.rights.manage_all_device_groups && report.rights.ok);
  const spec = host.opened[0];
  assert.equal(spec.url, 'wss://127.0.0.1:4430/control.ashx');
  assert.equal(spec.tls.verify, true, 'TLS verification is on by default');
  assert.deepEqual(spec.headers[0], ['x-meshauth', 'Y29ubmVjdG9yLWFkbWlu,Q2FwdHVyZS1QYXNzLTE=']);
});

test('a refused password is an auth refusal', () => {
  const host = new ReplayHost([frames(transcript('login-password-refused').frames)]);
  assert.throws(
    () => core.call(host, { op: 'test_connection', server: { ...SERVER, timeout_ms: 2000 } }),
    (e) => e.name === 'ConnectorError' && e.kind === 'auth_rejected' && e.message.includes('by password'),
  );
  assert.equal(host.sent.length, 0, 'nothing is sent after a refused login');
});

// tests/ops_transcripts.rs

test('provision creates group, then user, then link', () => {
  const [, host] = replay('provision');
  assert.deepEqual(actions(host), ['meshes', 'users', 'createmesh', 'adduser', 'addmeshuser']);
  assert.equal(JSON.parse(host.sent[3]).siteadmin, 1216);
  assert.ok(JSON.parse(host.sent[2]).desc.endsWith('[meshcentral-connector service=capture-1 user=mc-capture-1]'));
});

test('a provision re-run only reads', () => {
  const [, host] = replay('provision-again');
  assert.deepEqual(actions(host), ['meshes', 'users']);
});

test('provision refuses an account it did not make before creating anything', () => {
  const [doc, host] = replay('provision-taken');
  assert.equal(doc.result.error.kind, 'not_owned');
  assert.deepEqual(actions(host), ['meshes', 'users']);
});

test('suspend sets the locked bit', () => {
  const [, host] = replay('suspend');
  assert.deepEqual(actions(host), ['meshes', 'users', 'edituser']);
  assert.equal(JSON.parse(host.sent[2]).siteadmin, 1216 | 32);
});

test("change password waits for the server's confirmation event", () => {
  const [, host] = replay('change-password');
  assert.deepEqual(actions(host), ['meshes', 'users', 'changeuserpass']);
});

test('list accounts reads three lists in one session', () => {
  const [doc, host] = replay('list-accounts');
  assert.deepEqual(actions(host), ['meshes', 'users', 'nodes']);
  const first = doc.result.ok[0];
  assert.equal(first.locked, true);
  const meshes = doc.sessions[0].filter((f) => f.dir === 'recv').map((f) => JSON.parse(f.text)).find((m) => m.action === 'meshes');
  assert.equal(first.created_ms, meshes.meshes.find((m) => m._id === first.mesh_id).creation);
  assert.equal(first.email, 'c@example.com');
});

test("list accounts filtered by username keeps only that service's group", () => {
  const doc = transcript('op-list-accounts');
  for (const [wanted, count] of [['MC-Capture-1', 1], ['mc-someone-else', 0]]) {
    const [out] = run(doc, (r) => ({ ...r, username: wanted }));
    assert.equal(out.value.length, count, wanted);
  }
});

test('terminate deletes the user, then the group, and a re-run finds nothing', () => {
  let [, host] = replay('terminate');
  assert.deepEqual(actions(host), ['meshes', 'users', 'deleteuser', 'nodes', 'deletemesh']);
  let doc;
  [doc, host] = replay('terminate-again');
  assert.deepEqual(actions(host), ['meshes', 'users']);
  assert.equal(doc.result.ok.deleted_group, false);
});

test('an unknown group is an error for invites and for devices', () => {
  for (const name of ['invite-unknown-group', 'devices-unknown-group']) {
    const [doc, host] = replay(name);
    assert.deepEqual(actions(host), ['meshes'], name);
    assert.equal(doc.result.error.kind, 'not_found', name);
  }
});

test('a paged device list reads every page and its last connections', () => {
  const [doc, host] = replay('paging-devices');
  const expected = ['meshes'];
  for (let i = 0; i < 5; i++) expected.push('nodes', 'lastconnects');
  assert.deepEqual(actions(host), expected);
  assert.deepEqual(nodeSkips(host), [0, 5, 10, 15, 20]);
  assert.equal(new Set(doc.result.ok.map((d) => d.id)).size, 23);
  assert.ok(doc.result.ok.every((d) => Number.isInteger(d.last_seen_ms)));
});

test('paged usage and server sync count every page of the all-groups list', () => {
  let [doc, host] = replay('paging-usage');
  assert.deepEqual(actions(host), ['meshes', 'nodes', 'nodes', 'nodes', 'nodes', 'nodes', 'nodes']);
  assert.deepEqual(nodeSkips(host), [0, 5, 10, 15, 20, 25]);
  const counts = Object.values(doc.result.ok).map((c) => c.devices);
  assert.equal(counts.reduce((a, b) => a + b, 0), 30);
  assert.ok(counts.includes(23) && counts.includes(7));
  [doc, host] = replay('paging-list-accounts');
  assert.deepEqual(nodeSkips(host), [0, 5, 10, 15, 20, 25]);
  assert.deepEqual(doc.result.ok.map((a) => a.devices), [23, 7]);
});

test('a page that does not echo the skip asked for is an error', () => {
  const doc = transcript('op-paging-usage');
  const second = nodeReplies(doc)[1];
  doc.sessions[0][second].text = doc.sessions[0][second].text.replace('"skip":5', '"skip":0');
  const [out] = run(doc);
  assert.equal(out.error.kind, 'remote');
  assert.match(out.error.message, /paging not honoured/);
});

test('paged terminate re-reads the first page until the group is empty', () => {
  const [doc, host] = replay('paging-terminate');
  assert.deepEqual(nodeSkips(host), [0, 0, 0, 0, 0, 0]);
  const sent = actions(host);
  assert.equal(sent.filter((a) => a === 'changeDeviceMesh').length, 23);
  assert.deepEqual(sent.slice(-2), ['nodes', 'deletemesh']);
  assert.equal(doc.result.ok.retired_devices, 23);
});

test('terminate stops before deleting when a moved device is still listed', () => {
  const doc = transcript('op-paging-terminate');
  const replies = nodeReplies(doc);
  const text = (i) => doc.sessions[0][replies[i]].text;
  const tag = (t) => JSON.parse(t).responseid;
  const [first, second] = [text(0), text(1)];
  doc.sessions[0][replies[1]].text = first.replace(`"${tag(first)}"`, `"${tag(second)}"`);
  const [out, host] = run(doc);
  assert.equal(out.error.kind, 'remote');
  assert.match(out.error.message, /after MeshCentral reported it moved/);
  assert.ok(!actions(host).includes('deletemesh'), 'the group is not deleted');
});

test('audit reads groups and accounts once and finds the captured service clean', () => {
  const doc = transcript('op-list-accounts');
  const host = new ReplayHost(doc.sessions.map(frames));
  const audit = core.call(host, { op: 'audit', server: SERVER, key_prefix: 'capture-' });
  assert.deepEqual(actions(host), ['meshes', 'users']);
  assert.deepEqual(audit.findings, []);
  assert.equal(audit.services[0].service_key, doc.result.ok[0].service_key);
  assert.equal(audit.services[0].locked, true);
  assert.equal(audit.services[0].ok, true);
});

// The JS boundary itself.

test('requests are JS values: a malformed one is invalid_input, never a trap', () => {
  for (const request of [{ op: 'nope' }, { op: 'version', extra: 1 }, 42, null]) {
    assert.throws(() => core.call(new ReplayHost([]), request), (e) => e.name === 'ConnectorError' && e.kind === 'invalid_input');
  }
  const v = core.call(new ReplayHost([]), { op: 'version' });
  assert.equal(v.abi, core.abiVersion());
});

test('a host that throws is a typed error, and the core stays usable', () => {
  const host = new ReplayHost([]);
  host.wsOpen = () => {
    throw new Error('boom');
  };
  assert.throws(() => core.call(host, { op: 'test_connection', server: SERVER }), (e) => e.name === 'ConnectorError');
  assert.equal(core.call(host, { op: 'version' }).abi, core.abiVersion());
});
