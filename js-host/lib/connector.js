'use strict';
// The core in JavaScript: `Connector.load()` starts the core (the wasm-bindgen build, build/js/) in a worker thread
// (lib/worker.js) and serves its blocking transport calls here with lib/transport.js. `call({op, ...})` resolves the
// op's value (a JS value, as the core's serde-wasm-bindgen boundary produces it) or rejects with a ConnectorError
// whose `kind` is the core's (invalid_input, unreachable, tls, timeout, wrong_password, not_owned, ...).

const fs = require('node:fs');
const path = require('node:path');
const { Worker, MessageChannel } = require('node:worker_threads');
const { Transport } = require('./transport');

const DEFAULT_CORE = path.resolve(__dirname, '../../build/js/meshcentral_connector.js');

class ConnectorError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'ConnectorError';
    this.kind = kind;
  }
}

class Connector {
  /**
   * @param {{corePath?: string, onLog?: (level: number, message: string) => void,
   *          onFrame?: (dir: string, bytes: number, action: string) => void}} options
   */
  static load(options = {}) {
    const corePath = options.corePath || process.env.MESHCONNECTOR_JS_CORE || DEFAULT_CORE;
    if (!fs.existsSync(corePath)) {
      throw new ConnectorError(
        'host',
        `the JavaScript build of the core is missing (${corePath}): run scripts/build-js.sh`,
      );
    }
    return new Connector(corePath, options);
  }

  constructor(corePath, options) {
    this.transport = new Transport({ onFrame: options.onFrame });
    this.onLog = options.onLog || (() => {});
    const flag = new SharedArrayBuffer(8);
    this.flag = new Int32Array(flag);
    const { port1, port2 } = new MessageChannel();
    this.replies = port1;
    this.worker = new Worker(path.join(__dirname, 'worker.js'), {
      workerData: { corePath, flag, replies: port2 },
      transferList: [port2],
    });
    this.pending = new Map();
    this.nextId = 1;
    this.queue = Promise.resolve();
    this.worker.on('message', (msg) => this.onMessage(msg));
    this.worker.on('error', (e) => this.failAll(new ConnectorError('host', `the core's thread failed: ${e.message}`)));
    this.worker.on('exit', (code) => this.failAll(new ConnectorError('host', `the core's thread exited (${code})`)));
  }

  onMessage(msg) {
    if (msg.type === 'host') {
      this.serve(msg.method, msg.args).then((reply) => {
        this.replies.postMessage(reply);
        Atomics.store(this.flag, 0, 1);
        Atomics.notify(this.flag, 0);
      });
    } else if (msg.type === 'log') {
      this.onLog(msg.level, msg.message);
    } else if (msg.type === 'result') {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (!p) return;
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new ConnectorError(msg.error.kind, msg.error.message));
    }
  }

  async serve(method, args) {
    try {
      switch (method) {
        case 'open':
          return await this.transport.open(args[0]);
        case 'send':
          return await this.transport.send(args[0], args[1]);
        case 'recv':
          return await this.transport.recv(args[0], args[1]);
        case 'close':
          return this.transport.close(args[0]);
        default:
          return { status: 'failed', kind: 'host', message: `unknown host call ${method}` };
      }
    } catch (e) {
      return { status: 'failed', kind: 'host', message: String(e && e.message) };
    }
  }

  failAll(error) {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  /** Runs one op; ops run one after another (the core is one blocking thread). */
  call(request) {
    const run = () =>
      new Promise((resolve, reject) => {
        const id = this.nextId++;
        this.pending.set(id, { resolve, reject });
        this.worker.postMessage({ type: 'call', id, request });
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  async close() {
    this.transport.closeAll();
    await this.worker.terminate();
  }
}

module.exports = { Connector, ConnectorError };
