//! The Wasm boundary: the imports and exports declared in `wit/connector.wit`, and a `Host` backed by the imports.
//! Only compiled for wasm32; everything else in the crate is plain Rust that tests drive natively.

use crate::host::{ConnId, Host, LogLevel, OpenSpec, TransportError};

#[link(wasm_import_module = "host")]
extern "C" {
    #[link_name = "ws-open"]
    fn ws_open(spec_ptr: *const u8, spec_len: u32) -> i32;
    #[link_name = "ws-send"]
    fn ws_send(handle: i32, msg_ptr: *const u8, msg_len: u32) -> i32;
    #[link_name = "ws-recv"]
    fn ws_recv(handle: i32, timeout_ms: u32) -> i32;
    #[link_name = "ws-close"]
    fn ws_close(handle: i32) -> i32;
    #[link_name = "result-read"]
    fn result_read(ptr: *mut u8, len: u32) -> i32;
    #[link_name = "clock-now-ms"]
    fn clock_now_ms() -> i64;
    #[link_name = "random-fill"]
    fn random_fill(ptr: *mut u8, len: u32) -> i32;
    #[link_name = "log"]
    fn log(level: u32, msg_ptr: *const u8, msg_len: u32);
}

const FAILED: i32 = -1;
const TIMED_OUT: i32 = -2;
const CLOSED: i32 = -3;
const BAD_HANDLE: i32 = -4;
const TOO_LARGE: i32 = -5;

struct ImportHost;

/// Copies `len` bytes of the host's result slot into a new buffer.
fn take_result(len: i32) -> Vec<u8> {
    let mut buf = vec![0u8; len.max(0) as usize];
    // SAFETY: the host writes at most `buf.len()` bytes into the buffer we own.
    let n = unsafe { result_read(buf.as_mut_ptr(), buf.len() as u32) };
    buf.truncate(n.clamp(0, len.max(0)) as usize);
    buf
}

fn status_error(status: i32) -> TransportError {
    match status {
        TIMED_OUT => TransportError::TimedOut,
        CLOSED => TransportError::Closed(String::new()),
        BAD_HANDLE => TransportError::BadHandle,
        TOO_LARGE => TransportError::TooLarge,
        _ => TransportError::Failed {
            kind: "host".into(),
            message: format!("status {status}"),
        },
    }
}

/// Reads the `{"kind","message"}` detail the host leaves in the result slot after `FAILED`.
fn failure_detail() -> TransportError {
    // The slot length is unknown here; 4 KiB is ample for an error message and result-read truncates safely.
    let raw = take_result(4096);
    let v: serde_json::Value = serde_json::from_slice(&raw).unwrap_or_default();
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    TransportError::Failed {
        kind: s("kind"),
        message: s("message"),
    }
}

impl Host for ImportHost {
    fn ws_open(&mut self, spec: &OpenSpec) -> Result<ConnId, TransportError> {
        let json = serde_json::to_vec(spec).expect("spec serializes");
        // SAFETY: pointer and length describe a live buffer for the duration of the call.
        let r = unsafe { ws_open(json.as_ptr(), json.len() as u32) };
        match r {
            h if h >= 0 => Ok(h),
            FAILED => Err(failure_detail()),
            s => Err(status_error(s)),
        }
    }

    fn ws_send(&mut self, conn: ConnId, text: &str) -> Result<(), TransportError> {
        // SAFETY: as above.
        match unsafe { ws_send(conn, text.as_ptr(), text.len() as u32) } {
            0 => Ok(()),
            FAILED => Err(failure_detail()),
            s => Err(status_error(s)),
        }
    }

    fn ws_recv(&mut self, conn: ConnId, timeout_ms: u32) -> Result<String, TransportError> {
        // SAFETY: no pointers.
        match unsafe { ws_recv(conn, timeout_ms) } {
            n if n >= 0 => String::from_utf8(take_result(n)).map_err(|_| TransportError::Failed {
                kind: "protocol".into(),
                message: "message is not UTF-8".into(),
            }),
            CLOSED => Err(TransportError::Closed(
                String::from_utf8_lossy(&take_result(1024)).into_owned(),
            )),
            FAILED => Err(failure_detail()),
            s => Err(status_error(s)),
        }
    }

    fn ws_close(&mut self, conn: ConnId) {
        // SAFETY: no pointers.
        unsafe { ws_close(conn) };
    }

    fn now_ms(&mut self) -> i64 {
        // SAFETY: no pointers.
        unsafe { clock_now_ms() }
    }

    fn random_fill(&mut self, buf: &mut [u8]) -> Result<(), TransportError> {
        // SAFETY: the host writes exactly `buf.len()` bytes into the buffer we own.
        match unsafe { random_fill(buf.as_mut_ptr(), buf.len() as u32) } {
            0 => Ok(()),
            s => Err(status_error(s)),
        }
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        // SAFETY: pointer and length describe a live buffer.
        unsafe { log(level as u32, message.as_ptr(), message.len() as u32) }
    }
}

static mut RESULT: Vec<u8> = Vec::new();

#[export_name = "alloc"]
pub extern "C" fn alloc(len: u32) -> u32 {
    let mut v = Vec::<u8>::with_capacity(len.max(1) as usize);
    let ptr = v.as_mut_ptr();
    core::mem::forget(v);
    ptr as u32
}

/// # Safety
/// `ptr`/`len` must come from `alloc` and not have been passed to `call`.
#[export_name = "dealloc"]
pub unsafe extern "C" fn dealloc(ptr: u32, len: u32) {
    drop(Vec::from_raw_parts(ptr as *mut u8, 0, len.max(1) as usize));
}

/// # Safety
/// `ptr`/`len` must be a buffer from `alloc(len)` that the host filled.
#[export_name = "call"]
pub unsafe extern "C" fn call(ptr: u32, len: u32) -> u32 {
    let input = Vec::from_raw_parts(ptr as *mut u8, len as usize, len.max(1) as usize);
    let out = crate::dispatch::handle(&mut ImportHost, &input);
    drop(input);
    let n = out.len() as u32;
    // SAFETY: the module is single-threaded; RESULT is only touched by call/result-ptr.
    *core::ptr::addr_of_mut!(RESULT) = out;
    n
}

#[export_name = "result-ptr"]
pub extern "C" fn result_ptr() -> u32 {
    // SAFETY: single-threaded, see `call`.
    unsafe { (*core::ptr::addr_of!(RESULT)).as_ptr() as u32 }
}

#[export_name = "abi-version"]
pub extern "C" fn abi_version() -> u32 {
    crate::ABI_VERSION
}
