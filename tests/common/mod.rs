//! Shared by the transcript tests: a `Host` that replays control-channel sessions captured from a real MeshCentral.
//! (Each test binary uses a different part of it.)
#![allow(dead_code)]

use std::collections::VecDeque;

use meshcentral_connector::host::{ConnId, Host, LogLevel, OpenSpec, TransportError};
use serde_json::Value;

pub type Frames = VecDeque<(String, String)>;

/// Reads `tests/transcripts/<name>.json`.
pub fn transcript(name: &str) -> Value {
    let raw = std::fs::read_to_string(format!("{}/tests/transcripts/{name}.json", env!("CARGO_MANIFEST_DIR")))
        .expect("transcript exists");
    serde_json::from_str(&raw).expect("transcript is JSON")
}

/// One session's frames (`[{"dir": "send"|"recv"|"closed", "text": ...}]`).
pub fn frames(list: &Value) -> Frames {
    list.as_array()
        .expect("a frame list")
        .iter()
        .map(|fr| {
            (
                fr["dir"].as_str().unwrap().to_string(),
                fr["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Replays one recorded session per `ws_open`; checks that what the core sends has the recorded action.
pub struct ReplayHost {
    sessions: VecDeque<Frames>,
    current: Frames,
    pub opened: Vec<OpenSpec>,
    pub sent: Vec<String>,
    clock: i64,
}

impl ReplayHost {
    /// One recorded session per file, in `frames` (the login transcripts).
    pub fn new(files: &[&str]) -> Self {
        Self::from_sessions(files.iter().map(|f| frames(&transcript(f)["frames"])).collect())
    }

    pub fn from_sessions(sessions: Vec<Frames>) -> Self {
        ReplayHost {
            sessions: sessions.into(),
            current: VecDeque::new(),
            opened: vec![],
            sent: vec![],
            clock: 1_795_000_000_000,
        }
    }
}

impl Host for ReplayHost {
    fn ws_open(&mut self, spec: &OpenSpec) -> Result<ConnId, TransportError> {
        self.opened.push(spec.clone());
        self.current = self
            .sessions
            .pop_front()
            .expect("a recorded session for each connection");
        Ok(self.opened.len() as ConnId)
    }

    fn ws_send(&mut self, _conn: ConnId, text: &str) -> Result<(), TransportError> {
        let v: Value = serde_json::from_str(text).expect("the core sends JSON");
        assert!(v.is_object(), "only objects go on the wire");
        // The server pushes frames on its own (e.g. `traceinfo` after login), so our send may come before frames the
        // recording lists first: match it with the next recorded send and leave the pushed frames to be received.
        let at = self.current.iter().position(|(d, _)| d == "send");
        let Some(at) = at else {
            panic!("unexpected send {text}: none recorded")
        };
        let (_, recorded) = self.current.remove(at).unwrap();
        let r: Value = serde_json::from_str(&recorded).unwrap();
        assert_eq!(v["action"], r["action"], "the core sent another request than recorded");
        self.sent.push(text.to_string());
        Ok(())
    }

    fn ws_recv(&mut self, _conn: ConnId, _timeout_ms: u32) -> Result<String, TransportError> {
        match self.current.front().map(|(d, _)| d.as_str()) {
            Some("recv") => Ok(self.current.pop_front().unwrap().1),
            Some("closed") => Err(TransportError::Closed(self.current.pop_front().unwrap().1)),
            // Nothing more recorded before our next send: the real server stayed quiet.
            _ => Err(TransportError::TimedOut),
        }
    }

    fn ws_close(&mut self, _conn: ConnId) {}

    fn now_ms(&mut self) -> i64 {
        self.clock += 1;
        self.clock
    }

    fn random_fill(&mut self, buf: &mut [u8]) -> Result<(), TransportError> {
        buf.fill(0x42);
        Ok(())
    }

    fn log(&mut self, _level: LogLevel, _message: &str) {}
}
