//! The host interface: the only way the core reaches the world. In Wasm it is backed by the imports declared in
//! `wit/connector.wit` (see `wasm_abi`); natively, tests implement it in Rust (e.g. replaying captured transcripts).

use serde::Serialize;

/// TLS settings handed to the host's WebSocket transport.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TlsSpec {
    pub verify: bool,
    pub ca_file: Option<String>,
    pub pin_sha384: Option<String>,
}

/// Everything the host needs to open one WebSocket (serialized as the `ws-open` spec JSON).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OpenSpec {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub tls: TlsSpec,
    pub connect_timeout_ms: u32,
    pub max_message_bytes: u32,
}

/// Why a transport call failed, as the host reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// Failed with a category ("connect", "tls", "handshake", "timeout", ...) and a message.
    Failed {
        kind: String,
        message: String,
    },
    TimedOut,
    Closed(String),
    BadHandle,
    TooLarge,
}

pub type ConnId = i32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Error = 0,
    Warn = 1,
    Info = 2,
    Debug = 3,
}

pub trait Host {
    fn ws_open(&mut self, spec: &OpenSpec) -> Result<ConnId, TransportError>;
    fn ws_send(&mut self, conn: ConnId, text: &str) -> Result<(), TransportError>;
    fn ws_recv(&mut self, conn: ConnId, timeout_ms: u32) -> Result<String, TransportError>;
    fn ws_close(&mut self, conn: ConnId);
    fn now_ms(&mut self) -> i64;
    fn random_fill(&mut self, buf: &mut [u8]) -> Result<(), TransportError>;
    fn log(&mut self, level: LogLevel, message: &str);
}
