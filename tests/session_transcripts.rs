//! The core driven natively by a host implemented in Rust that replays transcripts captured from a real
//! MeshCentral 1.1.55 (`tests/transcripts/capture.php` recorded them on 127.0.0.1).

mod common;

use common::ReplayHost;
use meshcentral_connector::config::{ServerConfig, ServerInput};
use meshcentral_connector::ops::test_connection;

fn config(password: bool) -> ServerConfig {
    ServerConfig::from_input(ServerInput {
        url: "https://127.0.0.1:4430".into(),
        username: "connector-admin".into(),
        password: password.then(|| "Capture-Pass-1".to_string()),
        login_token_key: None,
        tls: None,
        timeout_ms: Some(2000),
        deadline_ms: None,
        accepted_creators: Vec::new(),
        allow_plaintext: false,
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
