//! The core driven natively by a host implemented in Rust that replays transcripts captured from a real
//! MeshCentral 1.1.55 (`tests/transcripts/capture.php` recorded them on 127.0.0.1).

use std::collections::VecDeque;

use meshcentral_connector::config::{ServerConfig, ServerInput};
use meshcentral_connector::host::{ConnId, Host, LogLevel, OpenSpec, TransportError};
use meshcentral_connector::ops::test_connection;
use serde_json::Value;

/// Replays one recorded session per `ws_open`; checks that what the core sends has the recorded action.
struct ReplayHost {
    sessions: VecDeque<VecDeque<(String, String)>>,
    current: VecDeque<(String, String)>,
    opened: Vec<OpenSpec>,
    sent: Vec<String>,
    clock: i64,
}

impl ReplayHost {
    fn new(files: &[&str]) -> Self {
        let sessions = files
            .iter()
            .map(|f| {
                let raw = std::fs::read_to_string(format!("{}/tests/transcripts/{f}.json", env!("CARGO_MANIFEST_DIR")))
                    .expect("transcript exists");
                let v: Value = serde_json::from_str(&raw).expect("transcript is JSON");
                v["frames"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|fr| {
                        (
                            fr["dir"].as_str().unwrap().to_string(),
                            fr["text"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect()
            })
            .collect();
        ReplayHost {
            sessions,
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

fn config(password: bool) -> ServerConfig {
    ServerConfig::from_input(ServerInput {
        url: "https://127.0.0.1:4430".into(),
        username: "connector-admin".into(),
        password: password.then(|| "Capture-Pass-1".to_string()),
        login_token_key: None,
        tls: None,
        timeout_ms: Some(2000),
    })
    .unwrap()
}

#[test]
fn password_login_reads_serverinfo_userinfo_and_version() {
    let mut host = ReplayHost::new(&["login-password-ok"]);
    let report = test_connection::run(&mut host, &config(true)).expect("login succeeds");
    assert_eq!(report.server_name, "127.0.0.1");
    assert_eq!(report.server_version.as_deref(), Some("1.1.55"));
    assert_eq!(report.user_id, "user//connector-admin");
    assert_eq!(report.auth_methods, vec!["password"]);
    assert!(report.rights.full_site_admin && report.rights.manage_all_device_groups && report.rights.ok);
    let spec = &host.opened[0];
    assert_eq!(spec.url, "wss://127.0.0.1:4430/control.ashx");
    assert!(spec.tls.verify, "TLS verification is on by default");
    let (name, value) = &spec.headers[0];
    assert_eq!(name, "x-meshauth");
    assert_eq!(value, "Y29ubmVjdG9yLWFkbWlu,Q2FwdHVyZS1QYXNzLTE=");
}

#[test]
fn refused_password_is_an_auth_refusal() {
    let mut host = ReplayHost::new(&["login-password-refused"]);
    let err = test_connection::run(&mut host, &config(true)).unwrap_err();
    assert_eq!(err.kind(), "auth_rejected");
    assert!(err.to_string().contains("by password"), "{err}");
    assert!(host.sent.is_empty(), "nothing is sent after a refused login");
}
