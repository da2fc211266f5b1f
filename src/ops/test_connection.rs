//! Test connection: log in with every configured method, read `serverinfo`/`userinfo`, and report who we are, what
//! server this is and whether the account has the rights the connector needs.
//!
//! MeshCentral answers a wrong password and an unknown user with the same `noauth`, and a wrong key and an unknown user
//! with the same `noauth` too; trying both methods is what tells them apart (one succeeding proves the account exists).

use serde::Serialize;
use serde_json::{json, Value};

use crate::config::ServerConfig;
use crate::error::{Error, Result};
use crate::host::Host;
use crate::messages::greeting::{ServerInfo, UserInfo};
use crate::session::{AuthMethod, Session};

/// Full site administrator in MeshCentral's `siteadmin` bitmask.
pub const FULL_SITE_ADMIN: u64 = 0xFFFF_FFFF;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Rights {
    pub full_site_admin: bool,
    pub manage_all_device_groups: bool,
    /// Human-readable list of what is missing (empty when `ok`).
    pub missing: Vec<String>,
    pub ok: bool,
}

#[derive(Debug, Serialize)]
pub struct ConnectionReport {
    pub server_name: String,
    pub server_version: Option<String>,
    pub domain: String,
    pub tls_hash: Option<String>,
    pub user_id: String,
    pub user_name: String,
    /// The methods that logged in successfully ("password", "login token key").
    pub auth_methods: Vec<&'static str>,
    pub rights: Rights,
    /// Settings that work but leave the connection open to interception (TLS checks off, plaintext): the host shows
    /// them to the admin even when the test succeeds.
    pub warnings: Vec<String>,
}

pub fn run<H: Host>(host: &mut H, cfg: &ServerConfig) -> Result<ConnectionReport> {
    let mut methods = Vec::new();
    if cfg.password.is_some() {
        methods.push(AuthMethod::Password);
    }
    // A cookie names a real user; a `~t:` login token user has none, so the key is not tested with it.
    if cfg.login_token_key.is_some() && !cfg.is_login_token_user() {
        methods.push(AuthMethod::LoginToken);
    }
    let mut report: Option<ConnectionReport> = None;
    let mut refused: Vec<AuthMethod> = Vec::new();
    let mut succeeded: Vec<&'static str> = Vec::new();
    for method in &methods {
        match Session::open(host, cfg, *method) {
            Ok(mut session) => {
                if report.is_none() {
                    let version = server_version(&mut session);
                    report = Some(describe(cfg, &session.serverinfo, &session.userinfo, version));
                }
                succeeded.push(method.name());
                session.close();
            }
            Err(e) if e.is_auth_refusal() => refused.push(*method),
            // Server down, TLS, timeout, not MeshCentral: the second method would fail the same way.
            Err(e) => return Err(e),
        }
    }
    let user = cfg.username.clone();
    match (report, refused.as_slice()) {
        (Some(mut r), []) => {
            r.auth_methods = succeeded;
            Ok(r)
        }
        (Some(_), [AuthMethod::LoginToken]) => Err(Error::WrongKey(user)),
        (Some(_), _) => Err(Error::WrongPassword(user)),
        (None, [only]) => Err(Error::AuthRejected {
            user,
            method: only.name().to_string(),
        }),
        (None, _) => Err(Error::UnknownUser(user)),
    }
}

/// `serverconsole info` answers a JSON text with `meshVersion` for full administrators; older or restricted servers
/// may not answer, which only costs the version string.
fn server_version<H: Host>(session: &mut Session<'_, H>) -> Option<String> {
    let reply = session.call("serverconsole", json!({"value": "info"})).ok()?;
    let text = reply.get("value")?.as_str()?;
    let info: Value = serde_json::from_str(text).ok()?;
    info.get("meshVersion")
        .and_then(Value::as_str)
        .map(|v| v.trim_start_matches('v').to_string())
}

pub fn describe(
    cfg: &ServerConfig,
    serverinfo: &ServerInfo,
    userinfo: &UserInfo,
    server_version: Option<String>,
) -> ConnectionReport {
    let siteadmin = userinfo.siteadmin;
    let full_site_admin = siteadmin == FULL_SITE_ADMIN;
    let manage_all_device_groups = serverinfo.manage_all_device_groups;
    let mut missing = Vec::new();
    if !full_site_admin {
        missing.push(format!(
            "full site administrator rights (siteadmin is {siteadmin}, needs {FULL_SITE_ADMIN})"
        ));
    }
    if !manage_all_device_groups {
        missing.push(format!(
            "listing in settings.manageAllDeviceGroups of MeshCentral's config.json (add \"{}\")",
            cfg.user_id()
        ));
    }
    ConnectionReport {
        server_name: serverinfo.name.clone().unwrap_or_default(),
        server_version,
        domain: serverinfo.domain.clone().unwrap_or_default(),
        tls_hash: serverinfo.tls_hash.clone(),
        user_id: userinfo.id.clone().unwrap_or_else(|| cfg.user_id()),
        user_name: userinfo.name.clone().unwrap_or_else(|| cfg.username.clone()),
        auth_methods: Vec::new(),
        warnings: cfg.warnings(),
        rights: Rights {
            ok: missing.is_empty(),
            full_site_admin,
            manage_all_device_groups,
            missing,
        },
    }
}
