'use strict';
// The core's thread. The core's host interface is blocking (ws_recv waits for a message), Node's I/O is not: so the
// core runs here, in a worker thread, and each transport call posts a request to the main thread and sleeps on
// Atomics.wait until the main thread has done the I/O (with its own timers for every deadline) and posted the
// reply on a MessagePort, which this thread then reads synchronously (receiveMessageOnPort). Clock, randomness and
// log need no I/O and are answered here. Ops arrive as ordinary messages while the core is idle.

const crypto = require('node:crypto');
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');

const core = require(workerData.corePath);
const flag = new Int32Array(workerData.flag);
const replies = workerData.replies;

/** Beyond the longest wait the core asks for: the main thread always answers before its own timers expire. */
const SAFETY_MS = 60_000;

function blocking(method, args, waitMs) {
  Atomics.store(flag, 0, 0);
  parentPort.postMessage({ type: 'host', method, args });
  const outcome = Atomics.wait(flag, 0, 0, waitMs + SAFETY_MS);
  let msg = receiveMessageOnPort(replies);
  // The flag is raised after the reply is posted; a reply still in flight is picked up after a short wait.
  for (let i = 0; msg === undefined && i < 100; i++) {
    Atomics.wait(flag, 1, 0, 1);
    msg = receiveMessageOnPort(replies);
  }
  if (msg === undefined) {
    throw new Error(`the main thread did not answer ${method} (${outcome})`);
  }
  return msg.message;
}

const host = {
  wsOpen: (spec) => blocking('open', [spec], spec.connect_timeout_ms | 0),
  wsSend: (handle, text) => blocking('send', [handle, text], 0),
  wsRecv: (handle, timeoutMs) => blocking('recv', [handle, timeoutMs], timeoutMs),
  wsClose: (handle) => blocking('close', [handle], 0),
  nowMs: () => Date.now(),
  randomFill: (buf) => {
    crypto.randomFillSync(buf);
    return true;
  },
  log: (level, message) => parentPort.postMessage({ type: 'log', level, message }),
};

parentPort.on('message', (msg) => {
  if (msg.type !== 'call') return;
  try {
    const value = core.call(host, msg.request);
    parentPort.postMessage({ type: 'result', id: msg.id, ok: true, value });
  } catch (e) {
    // A ConnectorError carries the core's kind; anything else is a bug or a trap of the core.
    const kind = e && e.name === 'ConnectorError' ? e.kind : 'host';
    parentPort.postMessage({ type: 'result', id: msg.id, ok: false, error: { kind, message: String(e && e.message) } });
  }
});
