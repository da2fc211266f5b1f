//! The JavaScript boundary (`--features js`, turned into a Node module by wasm-bindgen; see `js-host/`). The same
//! dispatch as the PHP build's `call`, but requests and results are JS values (serde-wasm-bindgen, no JSON text at
//! the boundary), a failed operation is a thrown JS `Error` named `ConnectorError` whose `kind` is `Error::kind`, and
//! the host is a JS object whose methods block (js-host/lib/worker.js runs the core in a worker thread and waits on
//! `Atomics.wait` while the main thread does the WebSocket I/O).
//!
//! Host method replies are `{status: "ok", handle?, text?}`, `{status: "failed", kind, message}`,
//! `{status: "timed_out"}`, `{status: "closed", reason}`, `{status: "bad_handle"}` or `{status: "too_large"}`: the
//! statuses of `wit/connector.wit`, as values.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::host::{ConnId, Host, LogLevel, OpenSpec, TransportError};

#[wasm_bindgen]
extern "C" {
    /// The host object passed to `call`.
    pub type JsHost;
    #[wasm_bindgen(method, catch, js_name = wsOpen)]
    fn ws_open(this: &JsHost, spec: JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = wsSend)]
    fn ws_send(this: &JsHost, conn: i32, text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = wsRecv)]
    fn ws_recv(this: &JsHost, conn: i32, timeout_ms: u32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = wsClose)]
    fn ws_close(this: &JsHost, conn: i32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = nowMs)]
    fn now_ms(this: &JsHost) -> Result<f64, JsValue>;
    #[wasm_bindgen(method, catch, js_name = randomFill)]
    fn random_fill(this: &JsHost, buf: &mut [u8]) -> Result<bool, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn log(this: &JsHost, level: u32, message: &str) -> Result<(), JsValue>;
}

#[derive(Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum Reply {
    Ok {
        #[serde(default)]
        handle: i32,
        #[serde(default)]
        text: String,
    },
    Failed {
        kind: String,
        message: String,
    },
    TimedOut,
    Closed {
        #[serde(default)]
        reason: String,
    },
    BadHandle,
    TooLarge,
}

/// A thrown JS exception or an unreadable reply: the host broke its side of the contract.
fn host_failure(e: impl std::fmt::Debug) -> TransportError {
    TransportError::Failed {
        kind: "host".into(),
        message: format!("the JavaScript host failed: {e:?}"),
    }
}

fn reply(r: Result<JsValue, JsValue>) -> Result<(i32, String), TransportError> {
    let value = r.map_err(host_failure)?;
    match serde_wasm_bindgen::from_value::<Reply>(value).map_err(host_failure)? {
        Reply::Ok { handle, text } => Ok((handle, text)),
        Reply::Failed { kind, message } => Err(TransportError::Failed { kind, message }),
        Reply::TimedOut => Err(TransportError::TimedOut),
        Reply::Closed { reason } => Err(TransportError::Closed(reason)),
        Reply::BadHandle => Err(TransportError::BadHandle),
        Reply::TooLarge => Err(TransportError::TooLarge),
    }
}

/// Plain JS objects and arrays (maps as objects, `None` as null), as JSON would give them.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}

struct ObjectHost<'a>(&'a JsHost);

impl Host for ObjectHost<'_> {
    fn ws_open(&mut self, spec: &OpenSpec) -> Result<ConnId, TransportError> {
        let spec = to_js(spec).map_err(host_failure)?;
        reply(self.0.ws_open(spec)).map(|(handle, _)| handle)
    }

    fn ws_send(&mut self, conn: ConnId, text: &str) -> Result<(), TransportError> {
        reply(self.0.ws_send(conn, text)).map(|_| ())
    }

    fn ws_recv(&mut self, conn: ConnId, timeout_ms: u32) -> Result<String, TransportError> {
        reply(self.0.ws_recv(conn, timeout_ms)).map(|(_, text)| text)
    }

    fn ws_close(&mut self, conn: ConnId) {
        // Best effort, as in the PHP build: a close that fails leaves nothing to do.
        let _ = self.0.ws_close(conn);
    }

    fn now_ms(&mut self) -> i64 {
        // A host whose clock throws gets 0: every deadline then looks far away, and the host's own timers still
        // bound each wait (ws_recv's timeout).
        self.0.now_ms().map(|ms| ms as i64).unwrap_or(0)
    }

    fn random_fill(&mut self, buf: &mut [u8]) -> Result<(), TransportError> {
        match self.0.random_fill(buf) {
            Ok(true) => Ok(()),
            Ok(false) => Err(TransportError::Failed {
                kind: "host".into(),
                message: "no secure random source".into(),
            }),
            Err(e) => Err(host_failure(e)),
        }
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        let _ = self.0.log(level as u32, message);
    }
}

/// A JS `Error` named `ConnectorError` carrying the core's `kind`.
fn connector_error(kind: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("ConnectorError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("kind"), &JsValue::from_str(kind));
    err.into()
}

/// Runs one request (`{op: "...", ...}` as a JS object) with `host`; returns the op's value as a JS value or throws
/// a `ConnectorError`.
#[wasm_bindgen]
pub fn call(host: &JsHost, request: JsValue) -> Result<JsValue, JsValue> {
    let request: serde_json::Value = serde_wasm_bindgen::from_value(request)
        .map_err(|e| connector_error("invalid_input", &format!("invalid setting: bad request: {e}")))?;
    let answer = crate::dispatch::run_value(&mut ObjectHost(host), request)
        .map_err(|e| connector_error(e.kind(), &e.to_string()))?;
    // The ops serialize into JSON text (the dispatch both builds share); it becomes a JS value here, once.
    let value: serde_json::Value =
        serde_json::from_slice(answer.value()).map_err(|e| connector_error("host", &e.to_string()))?;
    to_js(&value).map_err(|e| connector_error("host", &e.to_string()))
}

/// The contract version, as the PHP build's `abi-version` export reports it.
#[wasm_bindgen(js_name = abiVersion)]
pub fn abi_version() -> u32 {
    crate::ABI_VERSION
}
