//! Connection settings, validated before anything is sent.

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::error::{Error, Result};
use crate::host::TlsSpec;
use crate::ids::{user_id, validate_username};

/// Default wait for any single remote step; every remote wait has one.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
/// Largest control-channel message accepted (a big `nodes` reply fits comfortably).
pub const MAX_MESSAGE_BYTES: u32 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TlsInput {
    #[serde(default = "default_true")]
    pub verify: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_sha384: Option<String>,
}

fn default_true() -> bool {
    true
}

/// The server settings as the host passes them: what the `server_settings` operation (src/settings.rs) makes of
/// WHMCS's server record, or written by hand.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServerInput {
    pub url: String,
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_token_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsInput>,
    /// The longest wait for any single remote step (connect, login, each reply); default `DEFAULT_TIMEOUT_MS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u32>,
    /// An overall deadline for the whole operation, as ms since the Unix epoch on the host's clock (`now_ms`): every
    /// wait of every session the operation opens waits at most `min(timeout_ms, time left)`, and a step that would
    /// start after it fails with `timeout` without sending anything. A page sets it so that all its remote work
    /// shares one budget, however many steps (login, replies, a second login as fallback) it takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_ms: Option<i64>,
    /// MeshCentral accounts (user names) besides `username` whose groups count as the connector's: an admin who moves
    /// the connector to a new account lists the old one here, so the groups it created stay recognised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted_creators: Vec<String>,
    /// Plain `http://` / `ws://` to a host that is not loopback: refused unless this is set (Access Hash line
    /// `allow_plaintext=yes`), because the password and the login token key would cross the network readable.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_plaintext: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// `wss://host:port/<domain>/control.ashx`
    pub control_url: Url,
    /// The MeshCentral domain ("" for the default domain), taken from the URL path.
    pub domain: String,
    pub username: String,
    pub password: Option<String>,
    /// The 80-byte login token key.
    pub login_token_key: Option<Vec<u8>>,
    pub tls: TlsSpec,
    pub timeout_ms: u32,
    /// The operation's overall deadline (ms since the epoch, host clock), if the host set one.
    pub deadline_ms: Option<i64>,
    /// User ids (`user/<domain>/<lowercase name>`) of other accounts whose groups count as the connector's.
    pub accepted_creators: Vec<String>,
}

impl ServerConfig {
    /// The same server, for a login as `username` by login token cookie (no password): a customer's own session,
    /// where MeshCentral itself scopes every answer to what that account may see.
    pub fn as_user(&self, username: &str) -> ServerConfig {
        ServerConfig {
            username: username.to_string(),
            password: None,
            ..self.clone()
        }
    }

    pub fn from_input(input: ServerInput) -> Result<Self> {
        let invalid = |m: &str| Error::InvalidInput(m.to_string());
        let BaseUrl { mut url, domain } = parse_base_url(&input.url)?;
        let plaintext = url.scheme() == "http";
        if plaintext && !input.allow_plaintext && !is_loopback(&url) {
            return Err(Error::InvalidInput(format!(
                "plain http:// to {} is refused: without TLS the account's password and the login token key cross the \
                 network readable by anyone on the path. Tick Secure (or write https://), or, behind a TLS-terminating \
                 proxy on a network you trust, add the line allow_plaintext=yes to the Access Hash (plaintext needs no \
                 such line only to 127.0.0.0/8, ::1 and localhost)",
                url.host_str().unwrap_or("")
            )));
        }
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        url.set_scheme(scheme)
            .map_err(|_| invalid("cannot use this URL scheme"))?;
        let path = if domain.is_empty() {
            "/control.ashx".to_string()
        } else {
            format!("/{domain}/control.ashx")
        };
        url.set_path(&path);

        let username = input.username.trim().to_string();
        // A MeshCentral login token ("Login Tokens" in the account menu) is a `~t:<name>` user plus a password that
        // acts as its owner; it only works with the password method.
        let token_user = username.strip_prefix("~t:");
        validate_username(token_user.unwrap_or(&username))?;
        let password = input.password.filter(|p| !p.is_empty());
        let login_token_key = match input
            .login_token_key
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
        {
            None => None,
            Some(k) => Some(parse_login_token_key(&k)?),
        };
        if token_user.is_some() && password.is_none() {
            return Err(invalid("a login token user (~t:...) needs its password"));
        }
        if password.is_none() && login_token_key.is_none() {
            return Err(invalid(
                "set the password of the MeshCentral account or the login token key (or both)",
            ));
        }
        let tls_in = input.tls.unwrap_or(TlsInput {
            verify: true,
            ..Default::default()
        });
        let pin = match tls_in
            .pin_sha384
            .map(|p| p.replace(':', "").trim().to_ascii_lowercase())
            .filter(|p| !p.is_empty())
        {
            None => None,
            Some(p) if p.len() == 96 && p.chars().all(|c| c.is_ascii_hexdigit()) => Some(p),
            Some(_) => {
                return Err(invalid(
                    "the pinned certificate hash must be 96 hex characters (SHA-384)",
                ))
            }
        };
        let mut accepted_creators = Vec::new();
        for name in &input.accepted_creators {
            let name = name.trim();
            validate_username(name)?;
            accepted_creators.push(user_id(&domain, name));
        }
        let timeout_ms = input.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        if !(100..=300_000).contains(&timeout_ms) {
            return Err(invalid("the timeout must be between 100 ms and 300 s"));
        }
        if input.deadline_ms.is_some_and(|d| d <= 0) {
            return Err(invalid(
                "the overall deadline is a time in ms since the Unix epoch (a positive number)",
            ));
        }
        Ok(ServerConfig {
            control_url: url,
            domain,
            username,
            password,
            login_token_key,
            tls: TlsSpec {
                verify: tls_in.verify,
                ca_file: tls_in.ca_file.filter(|f| !f.is_empty()),
                pin_sha384: pin,
            },
            timeout_ms,
            deadline_ms: input.deadline_ms,
            accepted_creators,
        })
    }

    /// Whether the connection runs without TLS (`ws://`).
    pub fn is_plaintext(&self) -> bool {
        self.control_url.scheme() == "ws"
    }

    /// What an admin must hear about although the settings work: every way the TLS checks are off.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.is_plaintext() {
            warnings.push(format!(
                "the connection to MeshCentral is plain http:// (no TLS, {}): the password and the login token key \
                 cross the network unencrypted and the server's identity is not checked",
                if is_loopback(&self.control_url) {
                    "loopback"
                } else {
                    "allowed by allow_plaintext=yes"
                }
            ));
        } else if !self.tls.verify {
            warnings.push(
                "TLS certificate checks are off (verify_tls=no in the Access Hash): anyone on the network path can \
                 pose as MeshCentral and receive the connector's credentials; use ca_file= or pin_sha384= instead"
                    .to_string(),
            );
        }
        warnings
    }

    /// Whether the account is a MeshCentral login token (`~t:<name>` with its password) rather than a user.
    pub fn is_login_token_user(&self) -> bool {
        self.username.starts_with("~t:")
    }

    /// The MeshCentral user id of the configured account (`user/<domain>/<lowercase name>`).
    pub fn user_id(&self) -> String {
        user_id(&self.domain, &self.username)
    }
}

/// A MeshCentral address as an admin types it: `https://host[:port][/<domain>]`.
#[derive(Debug, Clone)]
pub struct BaseUrl {
    /// Normalised to http(s) (`wss://` and `ws://` are accepted as spellings of the same server).
    pub url: Url,
    /// The MeshCentral domain ("" for the default domain), from the path.
    pub domain: String,
}

/// The one validation of a MeshCentral address, shared by every operation that takes one.
pub fn parse_base_url(raw: &str) -> Result<BaseUrl> {
    let invalid = |m: &str| Error::InvalidInput(m.to_string());
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(invalid("the MeshCentral URL is empty"));
    }
    if !raw.is_ascii() {
        // The core is built without Unicode IDNA tables (idna_adapter 1.0, see Cargo.toml): say what to type instead.
        return Err(invalid(
            "the MeshCentral URL must be ASCII: write an international host name in its punycode form (xn--...)",
        ));
    }
    let mut url = Url::parse(raw)
        .map_err(|e| Error::InvalidInput(format!("the MeshCentral URL '{raw}' is not a valid URL ({e})")))?;
    let scheme = match url.scheme() {
        "https" | "wss" => "https",
        "http" | "ws" => "http",
        other => {
            return Err(Error::InvalidInput(format!(
                "the MeshCentral URL must start with https:// (got '{other}://')"
            )))
        }
    };
    if url.host_str().unwrap_or("").is_empty() {
        return Err(invalid("the MeshCentral URL has no host name"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "put credentials in the username/password settings, not in the URL",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("the MeshCentral URL must not have a query or fragment"));
    }
    let domain = url.path().trim_matches('/').to_string();
    if !domain
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::InvalidInput(format!(
            "the URL path '{}' is not a MeshCentral domain name",
            url.path()
        )));
    }
    url.set_scheme(scheme)
        .map_err(|_| invalid("cannot use this URL scheme"))?;
    Ok(BaseUrl { url, domain })
}

/// 127.0.0.0/8, ::1 and `localhost`: the only hosts plain http:// may reach without `allow_plaintext`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.eq_ignore_ascii_case("localhost."),
        Some(Host::Ipv4(a)) => a.is_loopback(),
        Some(Host::Ipv6(a)) => a.is_loopback(),
        None => false,
    }
}

/// The login token key is 80 bytes written as 160 hex characters (MeshCentral's `loginCookieEncryptionKey`).
pub fn parse_login_token_key(hex: &str) -> Result<Vec<u8>> {
    if hex.len() != 160 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::InvalidInput(
            "the login token key must be 160 hex characters (MeshCentral's loginCookieEncryptionKey)".into(),
        ));
    }
    Ok((0..80)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("checked hex"))
        .collect())
}

/// A configuration for unit tests: the account `connector` with a password on a local https server.
#[cfg(test)]
pub(crate) fn test_config() -> ServerConfig {
    let mut input = test_input("https://127.0.0.1:4430");
    input.username = "connector".into();
    ServerConfig::from_input(input).expect("valid test settings")
}

/// Settings for unit tests: `admin` with a password at `url`.
#[cfg(test)]
pub(crate) fn test_input(url: &str) -> ServerInput {
    ServerInput {
        url: url.into(),
        username: "admin".into(),
        password: Some("pw".into()),
        login_token_key: None,
        tls: None,
        timeout_ms: None,
        deadline_ms: None,
        accepted_creators: Vec::new(),
        allow_plaintext: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_input as input;

    #[test]
    fn https_url_becomes_control_channel() {
        let c = ServerConfig::from_input(input("https://127.0.0.1:4430")).unwrap();
        assert_eq!(c.control_url.as_str(), "wss://127.0.0.1:4430/control.ashx");
        assert_eq!(c.domain, "");
        assert!(c.tls.verify);
        let c = ServerConfig::from_input(input("https://mc.example.com/tenant1/")).unwrap();
        assert_eq!(c.control_url.as_str(), "wss://mc.example.com/tenant1/control.ashx");
        assert_eq!(c.user_id(), "user/tenant1/admin");
    }

    #[test]
    fn bad_settings_are_refused_with_a_reason() {
        for (url, needle) in [
            ("", "empty"),
            ("ftp://x", "https://"),
            ("https://u:p@x", "credentials"),
            ("https://x/?a=1", "query"),
            ("https://x/a/b", "domain"),
            ("not a url", "not a valid URL"),
            ("https://bücher.example", "punycode"),
        ] {
            let e = ServerConfig::from_input(input(url)).unwrap_err();
            assert_eq!(e.kind(), "invalid_input");
            assert!(e.to_string().contains(needle), "{url}: {e}");
        }
        let mut i = input("https://x");
        i.password = None;
        assert!(ServerConfig::from_input(i)
            .unwrap_err()
            .to_string()
            .contains("password"));
        let mut i = input("https://x");
        i.login_token_key = Some("abcd".into());
        assert!(ServerConfig::from_input(i).unwrap_err().to_string().contains("160 hex"));
        let mut i = input("https://x");
        i.username = "a b".into();
        assert!(ServerConfig::from_input(i).is_err());
        // The punycode form of an international name works.
        assert!(ServerConfig::from_input(input("https://xn--bcher-kva.example")).is_ok());
    }
}
