//! Single sign-on: a `?login=` URL that logs a browser into MeshCentral as one user, with no password.
//!
//! The cookie is MeshCentral's login token (see `cookie`): `{"u": user id, "a": 3, "time": now, "expire": minutes,
//! "once": nonce}`. `expire` bounds its life (MeshCentral accepts fractional minutes), `once` makes the server refuse a
//! second use (remembered in the server's RAM until the cookie would have expired anyway).

use serde::{Deserialize, Serialize};

use crate::config::{parse_base_url, parse_login_token_key, BaseUrl};
use crate::cookie;
use crate::error::{Error, Result};
use crate::host::Host;
use crate::ids::{user_id, validate_username};

pub const MIN_LIFETIME_S: u32 = 10;
pub const MAX_LIFETIME_S: u32 = 3600;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginUrlInput {
    /// The MeshCentral address as the client's browser reaches it, e.g. `https://mc.example.com` (or `/<domain>`).
    pub base_url: String,
    pub login_token_key: String,
    /// The MeshCentral user name to log in as.
    pub user: String,
    pub lifetime_seconds: u32,
    /// Optional deep link to one device (`node//...` or the bare id) ...
    #[serde(default)]
    pub node_id: Option<String>,
    /// ... opened in view 11 (desktop), 12 (terminal) or 13 (files).
    #[serde(default)]
    pub view_mode: Option<u8>,
}

#[derive(Debug, Serialize)]
pub struct LoginUrl {
    pub url: String,
    /// When the link stops working, in ms since the epoch.
    pub expires_at_ms: i64,
}

pub fn run<H: Host>(host: &mut H, input: LoginUrlInput) -> Result<LoginUrl> {
    let BaseUrl { mut url, domain } = parse_base_url(&input.base_url)?;
    validate_username(&input.user)?;
    let key = parse_login_token_key(input.login_token_key.trim())?;
    if !(MIN_LIFETIME_S..=MAX_LIFETIME_S).contains(&input.lifetime_seconds) {
        return Err(Error::InvalidInput(format!(
            "the single sign-on lifetime must be {MIN_LIFETIME_S} to {MAX_LIFETIME_S} seconds"
        )));
    }
    let node = match input.node_id.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => None,
        Some(n) => {
            let bare = n.strip_prefix("node//").unwrap_or(n);
            if bare.is_empty() || !bare.chars().all(|c| c.is_ascii_alphanumeric() || "@$+/=_-".contains(c)) {
                return Err(Error::InvalidInput("the device id is not a MeshCentral node id".into()));
            }
            Some(bare.to_string())
        }
    };
    if let Some(v) = input.view_mode {
        if !(11..=13).contains(&v) {
            return Err(Error::InvalidInput(
                "view mode must be 11 (desktop), 12 (terminal) or 13 (files)".into(),
            ));
        }
    }

    let now_ms = host.now_ms();
    let token = cookie::mint_login(host, &key, &user_id(&domain, &input.user), input.lifetime_seconds)?;

    url.set_path(&if domain.is_empty() {
        "/".to_string()
    } else {
        format!("/{domain}/")
    });
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("login", &token);
        if let Some(n) = &node {
            q.append_pair("gotonode", n);
            q.append_pair("viewmode", &input.view_mode.unwrap_or(11).to_string());
        }
    }
    Ok(LoginUrl {
        url: url.to_string(),
        expires_at_ms: (now_ms / 1000) * 1000 + i64::from(input.lifetime_seconds) * 1000,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{ConnId, LogLevel, OpenSpec, TransportError};
    use url::Url;

    /// A host with a fixed clock and counter-based "randomness"; it has no network.
    struct Offline(u8);
    impl Host for Offline {
        fn ws_open(&mut self, _: &OpenSpec) -> std::result::Result<ConnId, TransportError> {
            unreachable!("login_url does no I/O")
        }
        fn ws_send(&mut self, _: ConnId, _: &str) -> std::result::Result<(), TransportError> {
            unreachable!()
        }
        fn ws_recv(&mut self, _: ConnId, _: u32) -> std::result::Result<String, TransportError> {
            unreachable!()
        }
        fn ws_close(&mut self, _: ConnId) {}
        fn now_ms(&mut self) -> i64 {
            1_700_000_000_500
        }
        fn random_fill(&mut self, buf: &mut [u8]) -> std::result::Result<(), TransportError> {
            self.0 = self.0.wrapping_add(1);
            buf.fill(self.0);
            Ok(())
        }
        fn log(&mut self, _: LogLevel, _: &str) {}
    }

    fn input(base: &str) -> LoginUrlInput {
        LoginUrlInput {
            base_url: base.into(),
            login_token_key: "0f".repeat(80),
            user: "Alice".into(),
            lifetime_seconds: 90,
            node_id: None,
            view_mode: None,
        }
    }

    #[test]
    fn cookie_carries_user_time_expiry_and_a_fresh_nonce() {
        let mut host = Offline(0);
        let a = run(&mut host, input("https://mc.example.test/tenant")).unwrap();
        let b = run(&mut host, input("https://mc.example.test/tenant")).unwrap();
        assert_ne!(a.url, b.url, "every URL has its own IV and nonce");
        assert_eq!(a.expires_at_ms, 1_700_000_090_000);
        let parsed = Url::parse(&a.url).unwrap();
        assert_eq!(parsed.path(), "/tenant/");
        let token = parsed.query_pairs().find(|(k, _)| k == "login").unwrap().1.to_string();
        let plain = cookie::open(&[0x0f; 80], &token).expect("decrypts with the key");
        let v: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(v["u"], "user/tenant/alice");
        assert_eq!(v["a"], 3);
        assert_eq!(v["time"], 1_700_000_000);
        assert_eq!(v["expire"], 1.5);
        assert_eq!(v["once"].as_str().unwrap().len(), 32);
    }

    #[test]
    fn bad_node_id_or_view_mode_is_refused() {
        let mut i = input("https://x");
        i.node_id = Some("node//a b".into());
        assert_eq!(run(&mut Offline(0), i).unwrap_err().kind(), "invalid_input");
        let mut i = input("https://x");
        i.node_id = Some("abc".into());
        i.view_mode = Some(99);
        assert!(run(&mut Offline(0), i).unwrap_err().to_string().contains("view mode"));
    }
}
