'use strict';
// The JavaScript host keeps the core's deadlines against servers that stall (as tests/php/Transport's hostile
// servers do for the PHP host): a TCP server that accepts and never answers the upgrade, and a WebSocket server that
// upgrades and then never sends the greeting. Both must end as `timeout` within the configured timeout + 1 s, and a
// closed port as `unreachable`.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const path = require('node:path');
const WebSocket = require(require.resolve('ws', { paths: [path.resolve(__dirname, '../..')] }));
const { Connector, ConnectorError } = require('../lib/connector');

async function settingsFor(connector, port, timeout) {
  const { server } = await connector.call({
    op: 'server_settings', hostname: `http://127.0.0.1:${port}`, username: 'admin', password: 'pw',
    accesshash: `timeout=${timeout}`,
  });
  return server;
}

async function expectKind(promise, kind, maxMs) {
  const t0 = Date.now();
  await assert.rejects(promise, (e) => e instanceof ConnectorError && e.kind === kind);
  const ms = Date.now() - t0;
  assert.ok(ms <= maxMs, `ended in ${ms} ms (at most ${maxMs})`);
}

test('a server that accepts TCP and never answers the upgrade times out', async () => {
  const sockets = [];
  const silent = net.createServer((s) => sockets.push(s)).listen(0, '127.0.0.1');
  await new Promise((r) => silent.once('listening', r));
  const connector = Connector.load();
  try {
    const server = await settingsFor(connector, silent.address().port, 1);
    await expectKind(connector.call({ op: 'test_connection', server }), 'timeout', 2000);
  } finally {
    await connector.close();
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('a server that upgrades and then stays silent times out', async () => {
  const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const connector = Connector.load();
  try {
    const server = await settingsFor(connector, wss.address().port, 1);
    await expectKind(connector.call({ op: 'test_connection', server }), 'timeout', 2000);
  } finally {
    await connector.close();
    for (const c of wss.clients) c.terminate();
    wss.close();
  }
});

test('a closed port is unreachable, at once', async () => {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  const connector = Connector.load();
  try {
    const server = await settingsFor(connector, port, 5);
    await expectKind(connector.call({ op: 'test_connection', server }), 'unreachable', 1000);
  } finally {
    await connector.close();
  }
});
