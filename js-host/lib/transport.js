'use strict';
// The WebSocket transport of the JavaScript host, on the main thread: the `ws` package MeshCentral itself ships, over a
// TCP or TLS socket this file connects and checks first. Every call answers one of the statuses of wit/connector.wit
// as a value ({status: 'ok' | 'failed' | 'timed_out' | 'closed' | 'bad_handle' | 'too_large', ...}); it never throws
// and never waits longer than the deadline the core gave (connect_timeout_ms for the open, timeout_ms for a receive).
//
// TLS: verified by default against Node's CA list, or only against `ca_file` when set (as PHP's `cafile`), with the
// host name checked; a `pin_sha384` replaces chain validation by the certificate's SHA-384 (over the DER, as
// `openssl x509 -fingerprint -sha384` shows), checked BEFORE the upgrade request (which carries the password) is
// written; `verify: false` checks nothing (the core allows it only when the admin said so).

const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');
const path = require('node:path');

// The repository's pinned copy (package-lock.json), else the one of the MeshCentral installation on this host.
const WebSocket = require(require.resolve('ws', {
  paths: [path.resolve(__dirname, '../..'), path.join(process.env.MESHCENTRAL_DIR || '/opt/meshcentral', 'node_modules')],
}));

/** Grace for a closing handshake before the socket is destroyed (as the PHP transport's close). */
const CLOSE_GRACE_MS = 1000;

function failed(kind, message) {
  return { status: 'failed', kind, message };
}

/** Connects TCP (and TLS) within `ms`; resolves the checked socket or a failure reply. */
function connectSocket(url, spec, ms) {
  return new Promise((resolve) => {
    const secure = url.protocol === 'wss:';
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port) || (secure ? 443 : 80);
    const peer = `${host}:${port}`;
    let socket;
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (value.status !== undefined && socket) socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(
      () => finish(failed('timeout', `timed out after ${ms} ms connecting to ${peer}`)),
      ms,
    );
    let connected = false;
    const onError = (e) => {
      if (!connected) {
        finish(failed('connect', `cannot connect to ${peer}: ${e.code || e.message}`));
      } else {
        finish(failed('tls', `TLS handshake with ${peer} failed: ${e.code ? `${e.code}: ` : ''}${e.message}`));
      }
    };
    if (!secure) {
      socket = net.connect({ host, port });
      socket.once('connect', () => finish(socket));
      socket.once('error', onError);
      return;
    }
    const t = spec.tls || { verify: true };
    const pin = t.pin_sha384 ? String(t.pin_sha384).replace(/[:\s]/g, '').toLowerCase() : null;
    const options = {
      host,
      port,
      // SNI only for names (RFC 6066 forbids IP literals); the identity check covers IP addresses too.
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: t.verify !== false && pin === null,
      ALPNProtocols: ['http/1.1'],
    };
    if (t.ca_file) {
      try {
        options.ca = fs.readFileSync(t.ca_file);
      } catch (e) {
        finish(failed('tls', `cannot read the CA file ${t.ca_file}: ${e.code || e.message}`));
        return;
      }
    }
    socket = tls.connect(options);
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      if (pin !== null) {
        const cert = socket.getPeerCertificate();
        const actual = cert && cert.raw ? crypto.createHash('sha384').update(cert.raw).digest('hex') : null;
        if (actual !== pin) {
          finish(failed('tls', `TLS certificate of ${peer} does not match the pinned SHA-384 hash`));
          return;
        }
      }
      finish(socket);
    });
  });
}

class Transport {
  constructor({ onFrame } = {}) {
    this.conns = new Map();
    this.next = 1;
    // Called with (direction, text length, action) for the progress line; never with the text itself.
    this.onFrame = onFrame || (() => {});
  }

  async open(spec) {
    let url;
    try {
      url = new URL(spec.url);
    } catch {
      return failed('connect', 'invalid URL');
    }
    if (url.protocol !== 'wss:' && url.protocol !== 'ws:') return failed('connect', `unsupported scheme ${url.protocol}`);
    const started = Date.now();
    const ms = Math.max(1, spec.connect_timeout_ms | 0);
    const socket = await connectSocket(url, spec, ms);
    if (socket.status !== undefined) return socket;
    const left = Math.max(1, ms - (Date.now() - started));
    return new Promise((resolve) => {
      let settled = false;
      // A send is bounded by the step timeout the open had (the PHP transport bounds its writes the same way): a
      // server that stops reading must not hold the core past its deadline.
      const conn = { ws: null, queue: [], closed: null, tooLarge: false, waiter: null, stepMs: ms };
      const settle = (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        socket.destroy();
        if (conn.ws) conn.ws.terminate();
        settle(failed('timeout', `timed out after ${ms} ms during the WebSocket upgrade`));
      }, left);
      const ws = new WebSocket(url, {
        createConnection: () => socket,
        headers: Object.fromEntries(spec.headers || []),
        maxPayload: spec.max_message_bytes || 16 * 1024 * 1024,
        perMessageDeflate: false,
        followRedirects: false,
      });
      conn.ws = ws;
      ws.on('unexpected-response', (_req, res) => {
        settle(failed('handshake', `the server answered the WebSocket upgrade with HTTP ${res.statusCode}`));
        res.resume();
        ws.terminate();
      });
      ws.on('open', () => {
        const handle = this.next++;
        this.conns.set(handle, conn);
        settle({ status: 'ok', handle });
      });
      ws.on('message', (data, isBinary) => {
        const text = isBinary ? null : data.toString('utf8');
        if (text === null) {
          conn.closed = conn.closed ?? 'binary frame';
        } else {
          conn.queue.push(text);
          this.onFrame('recv', text.length, text.slice(0, 60).match(/"action":"([^"]*)"/)?.[1] ?? '');
        }
        this.wake(conn);
      });
      ws.on('error', (e) => {
        if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') conn.tooLarge = true;
        settle(failed('handshake', `WebSocket upgrade failed: ${e.message}`));
        conn.closed = conn.closed ?? e.message;
        this.wake(conn);
      });
      ws.on('close', (code, reason) => {
        settle(failed('handshake', `the server closed the connection during the upgrade (${code})`));
        conn.closed = conn.closed ?? reason.toString('utf8');
        this.wake(conn);
      });
    });
  }

  wake(conn) {
    if (conn.waiter) {
      const w = conn.waiter;
      conn.waiter = null;
      w();
    }
  }

  send(handle, text) {
    const conn = this.conns.get(handle);
    if (!conn) return Promise.resolve({ status: 'bad_handle' });
    if (conn.closed !== null || conn.ws.readyState !== WebSocket.OPEN) {
      return Promise.resolve({ status: 'closed', reason: conn.closed || '' });
    }
    this.onFrame('send', text.length, text.slice(0, 60).match(/"action":"([^"]*)"/)?.[1] ?? '');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        conn.closed = conn.closed ?? 'send timed out';
        conn.ws.terminate();
        resolve(failed('timeout', `the server did not take a ${text.length}-byte message within ${conn.stepMs} ms`));
      }, conn.stepMs);
      conn.ws.send(text, (err) => {
        clearTimeout(timer);
        resolve(err ? failed('connect', err.message) : { status: 'ok' });
      });
    });
  }

  recv(handle, timeoutMs) {
    const conn = this.conns.get(handle);
    if (!conn) return Promise.resolve({ status: 'bad_handle' });
    const take = () => {
      if (conn.queue.length > 0) return { status: 'ok', text: conn.queue.shift() };
      if (conn.tooLarge) return { status: 'too_large' };
      if (conn.closed !== null) return { status: 'closed', reason: conn.closed };
      return null;
    };
    const now = take();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        conn.waiter = null;
        resolve({ status: 'timed_out' });
      }, Math.max(0, timeoutMs));
      conn.waiter = () => {
        clearTimeout(timer);
        resolve(take() || { status: 'timed_out' });
      };
    });
  }

  close(handle) {
    const conn = this.conns.get(handle);
    if (!conn) return { status: 'bad_handle' };
    this.conns.delete(handle);
    try {
      conn.ws.close(1000);
    } catch {
      conn.ws.terminate();
    }
    setTimeout(() => conn.ws.terminate(), CLOSE_GRACE_MS).unref();
    return { status: 'ok' };
  }

  closeAll() {
    for (const handle of [...this.conns.keys()]) this.close(handle);
  }
}

module.exports = { Transport };
