//! The `server_settings` operation: WHMCS's server record (and the first release's product override) turned into the
//! `server` object every other operation takes. Every rule about what an admin may type lives here; the PHP module
//! passes the raw fields and keeps no copy of them.
//!
//! Rules (README "Installing in a real WHMCS", step 4):
//! - Hostname (or, when it is empty, the IP address field) may be a bare host (`mesh.example.com`), `host:port`, an
//!   IPv6 literal bare (`::1`) or in brackets (`[::1]:4430`), or a URL `https://host[:port][/domain][/]` (also
//!   `http://`, `wss://`, `ws://`). A bare host takes its scheme from Secure; a URL's scheme wins over Secure.
//! - Port: a port written in the Hostname wins. The Port field counts only when it is not WHMCS's default for the
//!   Secure box (WHMCS fills 443 when ticked, 80 when not, unless "Override with Custom Port" is used); when both the
//!   Hostname and a counting Port field give a port and they differ, that is an error (the admin must keep one).
//! - Access Hash: one item per line: the login token key (160 hex, bare or `login_token_key=`), `ca_file=`,
//!   `pin_sha384=`, `verify_tls=`, `allow_plaintext=`, `accepted_creators=name1,name2`, `timeout=<seconds>` (per
//!   step, lifecycle and cron), `page_timeout=<seconds>` (a whole page-time call). Flags take yes/no (true/false,
//!   on/off, 1/0); anything else, an unknown key, a repeated key or a line that is none of these is an error naming
//!   the line number, never a silent default.
//! - Plain http:// only to loopback or with `allow_plaintext=yes` (checked by `ServerConfig::from_input`, which this
//!   operation runs, so the result is known to be accepted by every other operation).
//! - Errors never quote a secret: lines that may hold one are named by number only.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::config::{parse_base_url, parse_login_token_key, ServerConfig, ServerInput, TlsInput};
use crate::error::{Error, Result};
use crate::ids::validate_username;

/// What to type, appended to every refusal of a Hostname.
const HOST_FORMS: &str = "type a host name (host.example), host:port, an IP address (IPv6 bare or in [brackets]) \
                          or a URL https://host[:port][/domain]";
/// The Access Hash keys, for messages.
const KEYS: &str = "login_token_key=, ca_file=, pin_sha384=, verify_tls=, allow_plaintext=, accepted_creators=, \
                    timeout=, page_timeout=";

/// The time budget of a page-time call (client area, admin services tab, Connect) unless the Access Hash says
/// `page_timeout=`: the whole call, every step together, so a hung MeshCentral costs a page about this much.
pub const DEFAULT_PAGE_BUDGET_MS: u32 = 2_000;
/// `timeout=<seconds>`: the wait for each step of lifecycle actions and the cron (default 15 s).
const TIMEOUT_RANGE_S: (u32, u32) = (1, 300);
/// `page_timeout=<seconds>`: the overall budget of a page-time call.
const PAGE_TIMEOUT_RANGE_S: (u32, u32) = (1, 30);

/// The raw WHMCS fields (`serverhostname`, `serverip`, `serverport`, `serversecure`, `serverusername`,
/// `serverpassword`, `serveraccesshash`) and product settings 7/8, as WHMCS hands them over.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    #[serde(default, deserialize_with = "text")]
    pub hostname: String,
    #[serde(default, deserialize_with = "text")]
    pub ip: String,
    /// An integer, a numeric string, `""` or null (WHMCS sends a string).
    #[serde(default)]
    pub port: Value,
    /// A bool, `"on"`, `"1"`, `""`, ... (WHMCS versions differ); missing or null means ticked.
    #[serde(default)]
    pub secure: Value,
    #[serde(default, deserialize_with = "text")]
    pub username: String,
    #[serde(default, deserialize_with = "text")]
    pub password: String,
    #[serde(default, deserialize_with = "text")]
    pub accesshash: String,
    /// Product setting 7 (`ServerURL`): replaces the server record's address.
    #[serde(default, deserialize_with = "text")]
    pub legacy_server_url: String,
    /// Product setting 8 (`APIKey`): the login token key, `user:password` or `~t:token:password`.
    #[serde(default, deserialize_with = "text")]
    pub legacy_api_key: String,
}

/// The operation's value.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Settings {
    /// The `server` object of the other operations.
    pub server: ServerInput,
    /// The base URL (`https://host[:port][/domain]`) for locally built links (SSO, installers).
    pub base_url: String,
    /// Settings that work but weaken the connection (TLS checks off, plaintext).
    pub warnings: Vec<String>,
    /// Values the host must mask wherever it logs (password, key, the APIKey product setting).
    pub secrets: Vec<String>,
    /// The overall budget of a page-time call (ms): the host sets `server.deadline_ms` to now + this for them.
    pub page_budget_ms: u32,
}

/// Strings as WHMCS may hand them: a string, a number or null (empty).
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!("expected a string, got {other}"))),
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidInput(message)
}

pub fn run(input: SettingsInput) -> Result<Settings> {
    let secure = parse_secure(&input.secure)?;
    let port_field = parse_port_field(&input.port, secure)?;
    let hash = parse_access_hash(&input.accesshash)?;

    let mut username = input.username.trim().to_string();
    let mut password = input.password.clone();
    let mut key = hash.login_token_key.clone();
    let mut secrets = Vec::new();

    let (field, raw_host) = if !input.hostname.trim().is_empty() {
        ("Hostname", input.hostname.trim())
    } else {
        ("IP Address", input.ip.trim())
    };
    let mut url = if raw_host.is_empty() {
        None
    } else {
        Some(host_url(raw_host, field, secure, port_field)?)
    };

    // The first release's setup: product settings ServerURL and APIKey override the server record.
    let legacy_url = input.legacy_server_url.trim();
    if !legacy_url.is_empty() {
        url = Some(host_url(legacy_url, "ServerURL product setting", true, None)?);
    }
    let api_key = input.legacy_api_key.trim();
    if !api_key.is_empty() {
        secrets.push(api_key.to_string());
        if is_hex(api_key) && api_key.len() == 160 {
            key = Some(api_key.to_string());
        } else if let Some((user, pass)) = split_user_password(api_key) {
            username = user.to_string();
            password = pass.to_string();
        } else {
            return Err(invalid(
                "the APIKey product setting must be the 160-hex login token key, user:password, or \
                 ~t:token:password"
                    .into(),
            ));
        }
    }

    let url =
        url.ok_or_else(|| invalid("set the MeshCentral server's Hostname (or the ServerURL product setting)".into()))?;
    if username.is_empty() {
        // The first release's default, kept for servers set up with it.
        username = "admin".into();
    }
    let password = (!password.is_empty()).then_some(password);
    if password.is_none() && key.is_none() {
        return Err(invalid(
            "set the MeshCentral account's password (server Password) or the login token key (Access Hash), or both"
                .into(),
        ));
    }
    secrets.extend(password.iter().cloned());
    secrets.extend(key.iter().cloned());
    secrets.dedup();

    let tls = (hash.verify_tls.is_some() || hash.ca_file.is_some() || hash.pin_sha384.is_some()).then(|| TlsInput {
        verify: hash.verify_tls.unwrap_or(true),
        ca_file: hash.ca_file.clone(),
        pin_sha384: hash.pin_sha384.clone(),
    });
    let server = ServerInput {
        url: url.clone(),
        username,
        password,
        login_token_key: key,
        tls,
        timeout_ms: hash.timeout_s.map(|s| s * 1000),
        deadline_ms: None,
        accepted_creators: hash.accepted_creators.unwrap_or_default(),
        allow_plaintext: hash.allow_plaintext.unwrap_or(false),
    };
    // The same validation every operation runs: what this returns is accepted by all of them.
    let cfg = ServerConfig::from_input(server.clone())?;
    Ok(Settings {
        server,
        base_url: url,
        warnings: cfg.warnings(),
        secrets,
        page_budget_ms: hash.page_timeout_s.map_or(DEFAULT_PAGE_BUDGET_MS, |s| s * 1000),
    })
}

/// `user:password` or `~t:token:password` (the password may hold `:`); None for anything else.
fn split_user_password(raw: &str) -> Option<(&str, &str)> {
    let split = |from: usize| {
        let colon = from + raw[from..].find(':')?;
        let (user, pass) = (&raw[..colon], &raw[colon + 1..]);
        let name = &user[from..];
        (!name.is_empty() && !name.chars().any(char::is_whitespace) && !pass.is_empty()).then_some((user, pass))
    };
    if raw.starts_with("~t:") {
        if let Some(found) = split(3) {
            return Some(found);
        }
    }
    split(0)
}

/// WHMCS's Secure box: missing/null means ticked (the safe reading); the spellings WHMCS versions use are known.
pub fn parse_secure(v: &Value) -> Result<bool> {
    match v {
        Value::Null => Ok(true),
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Ok(true),
            Some(0) => Ok(false),
            _ => Err(invalid(format!(
                "the Secure field arrived as {n}, which is neither ticked nor unticked"
            ))),
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "on" | "yes" | "true" => Ok(true),
            "" | "0" | "off" | "no" | "false" => Ok(false),
            _ => Err(invalid(format!(
                "the Secure field arrived as '{s}', which is neither ticked nor unticked"
            ))),
        },
        other => Err(invalid(format!(
            "the Secure field arrived as {other}, which is neither ticked nor unticked"
        ))),
    }
}

/// The Port field, or None when it is empty or WHMCS's default for the Secure box (443 ticked, 80 unticked): WHMCS
/// fills that default in unless the admin overrides the port, so it says nothing about what the admin wants.
pub fn parse_port_field(v: &Value, secure: bool) -> Result<Option<u16>> {
    let bad = |shown: String| invalid(format!("the Port field must be a number from 1 to 65535 (got {shown})"));
    let port: u64 = match v {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_u64().ok_or_else(|| bad(n.to_string()))?,
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => {
            let t = s.trim();
            if !t.bytes().all(|b| b.is_ascii_digit()) || t.len() > 5 {
                return Err(bad(format!("'{s}'")));
            }
            t.parse().map_err(|_| bad(format!("'{s}'")))?
        }
        other => return Err(bad(other.to_string())),
    };
    match port {
        0 => Ok(None),
        443 if secure => Ok(None),
        80 if !secure => Ok(None),
        p if p <= 65535 => Ok(Some(p as u16)),
        p => Err(bad(p.to_string())),
    }
}

/// One address field (Hostname, IP Address, ServerURL) as a base URL `scheme://host[:port][/domain]`.
pub fn host_url(raw: &str, field: &str, secure: bool, port_field: Option<u16>) -> Result<String> {
    let refuse = |why: &str| invalid(format!("the {field} '{raw}' {why}: {HOST_FORMS}"));
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse("contains a space"));
    }
    let candidate = if raw.contains("://") {
        raw.to_string()
    } else {
        let scheme = if secure { "https" } else { "http" };
        // A bare IPv6 literal (two or more colons, no brackets, no path) cannot carry a port: bracket it whole.
        if raw.matches(':').count() >= 2 && !raw.contains('[') && !raw.contains('/') {
            format!("{scheme}://[{raw}]")
        } else {
            format!("{scheme}://{raw}")
        }
    };
    let written_port = authority_has_port(&candidate);
    let base = parse_base_url(&candidate).map_err(|e| match e {
        Error::InvalidInput(m) => refuse(&format!(
            "is not accepted ({})",
            m.trim_start_matches("the MeshCentral URL ")
        )),
        other => other,
    })?;
    let mut url = base.url;
    if written_port {
        let port = url.port_or_known_default().unwrap_or(0);
        if let Some(p) = port_field.filter(|p| *p != port) {
            return Err(invalid(format!(
                "the {field} '{raw}' gives port {port} and the Port field {p}: keep one (clear the Port override, \
                 or remove ':{port}' from the {field})"
            )));
        }
    } else if let Some(p) = port_field {
        url.set_port(Some(p)).map_err(|_| refuse("cannot take a port"))?;
    }
    url.set_path(&base.domain);
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// Whether the URL text writes a port in its authority (`host:port`, `[v6]:port`); the URL type forgets a written
/// default port, which must still count for the conflict rule.
fn authority_has_port(url: &str) -> bool {
    let after = url.split_once("://").map_or(url, |(_, a)| a);
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match host_port.rfind(']') {
        Some(close) => host_port[close..].starts_with("]:"),
        None => host_port.contains(':'),
    }
}

/// The Access Hash, parsed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AccessHash {
    pub login_token_key: Option<String>,
    pub ca_file: Option<String>,
    pub pin_sha384: Option<String>,
    pub verify_tls: Option<bool>,
    pub allow_plaintext: Option<bool>,
    pub accepted_creators: Option<Vec<String>>,
    /// `timeout=`: seconds per remote step of lifecycle actions and the cron.
    pub timeout_s: Option<u32>,
    /// `page_timeout=`: seconds for a whole page-time call.
    pub page_timeout_s: Option<u32>,
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn parse_access_hash(raw: &str) -> Result<AccessHash> {
    let mut hash = AccessHash::default();
    // The line each key was first seen on, so a repeat names both.
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (index, line) in raw.lines().enumerate() {
        let n = index + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (name, value) = match line.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None if is_hex(line) && line.len() == 160 => ("login_token_key", line),
            None if is_hex(line) => {
                return Err(invalid(format!(
                    "Access Hash line {n} looks like the login token key but has {} characters; the key is 160 hex \
                     characters (MeshCentral's loginCookieEncryptionKey)",
                    line.len()
                )))
            }
            // May be a pasted secret: named by its number only.
            None => {
                return Err(invalid(format!(
                    "Access Hash line {n} is neither the login token key (160 hex characters) nor a setting \
                     ({KEYS})"
                )))
            }
        };
        let known = [
            "login_token_key",
            "ca_file",
            "pin_sha384",
            "verify_tls",
            "allow_plaintext",
            "accepted_creators",
            "timeout",
            "page_timeout",
        ];
        let Some(name) = known.into_iter().find(|k| *k == name) else {
            // Quote the key only when it looks like one (a secret containing '=' must not be echoed).
            let shown = if !name.is_empty()
                && name.len() <= 32
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                format!("has the unknown setting '{name}'")
            } else {
                "is not a setting".to_string()
            };
            return Err(invalid(format!(
                "Access Hash line {n} {shown}; the settings are {KEYS}"
            )));
        };
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == name) {
            return Err(invalid(format!(
                "Access Hash line {n} repeats {name} (first on line {first}): keep one"
            )));
        }
        seen.push((name, n));
        if value.is_empty() {
            return Err(invalid(format!("Access Hash line {n}: {name}= has no value")));
        }
        match name {
            "login_token_key" => {
                parse_login_token_key(value)
                    .map_err(|_| invalid(format!("Access Hash line {n}: the login token key must be 160 hex characters (MeshCentral's loginCookieEncryptionKey)")))?;
                hash.login_token_key = Some(value.to_string());
            }
            "ca_file" => hash.ca_file = Some(value.to_string()),
            "timeout" => hash.timeout_s = Some(seconds(n, name, value, TIMEOUT_RANGE_S)?),
            "page_timeout" => hash.page_timeout_s = Some(seconds(n, name, value, PAGE_TIMEOUT_RANGE_S)?),
            "pin_sha384" => hash.pin_sha384 = Some(value.to_string()),
            "verify_tls" => {
                hash.verify_tls = Some(flag(
                    n,
                    name,
                    value,
                    "TLS certificates stay verified unless it says verify_tls=no",
                )?)
            }
            "allow_plaintext" => {
                hash.allow_plaintext = Some(flag(
                    n,
                    name,
                    value,
                    "plain http:// stays refused unless it says allow_plaintext=yes",
                )?)
            }
            _ => {
                let mut names = Vec::new();
                for part in value.split(',') {
                    let part = part.trim();
                    if part.is_empty() {
                        return Err(invalid(format!(
                            "Access Hash line {n}: accepted_creators has an empty name (write name1,name2)"
                        )));
                    }
                    validate_username(part).map_err(|e| {
                        invalid(format!(
                            "Access Hash line {n}: {}",
                            e.to_string().trim_start_matches("invalid setting: ")
                        ))
                    })?;
                    if !names.iter().any(|x: &String| x.eq_ignore_ascii_case(part)) {
                        names.push(part.to_string());
                    }
                }
                hash.accepted_creators = Some(names);
            }
        }
    }
    if hash.verify_tls == Some(false) && (hash.ca_file.is_some() || hash.pin_sha384.is_some()) {
        return Err(invalid(
            "the Access Hash says verify_tls=no and also ca_file= or pin_sha384=, which only work with verification \
             on: remove verify_tls=no"
                .into(),
        ));
    }
    Ok(hash)
}

/// Whole seconds within `range`; anything else is an error naming the line (these lines hold no secret).
fn seconds(n: usize, name: &str, value: &str, (min, max): (u32, u32)) -> Result<u32> {
    match value.parse::<u32>() {
        Ok(s) if (min..=max).contains(&s) && value.bytes().all(|b| b.is_ascii_digit()) => Ok(s),
        _ => Err(invalid(format!(
            "Access Hash line {n}: {name} must be a whole number of seconds from {min} to {max}, not '{value}'"
        ))),
    }
}

/// A yes/no flag; an unknown word is an error, never a default.
fn flag(n: usize, name: &str, value: &str, stays: &str) -> Result<bool> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Ok(true),
        "no" | "false" | "off" | "0" => Ok(false),
        _ => Err(invalid(format!(
            "Access Hash line {n}: {name} must be yes or no (also true/false, on/off, 1/0), not '{value}'; {stays}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\
                       0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn settings(fields: Value) -> Result<Settings> {
        let mut base = json!({"hostname": "", "port": "443", "secure": true, "username": "admin", "password": "pw"});
        for (k, v) in fields.as_object().unwrap() {
            base[k] = v.clone();
        }
        run(serde_json::from_value(base).expect("input shape"))
    }

    fn url_of(fields: Value) -> String {
        settings(fields).unwrap().server.url
    }

    #[test]
    fn accepted_address_forms() {
        for (hostname, port, secure, expected) in [
            ("127.0.0.1", json!("443"), json!(true), "https://127.0.0.1"),
            ("127.0.0.1", json!("4430"), json!(true), "https://127.0.0.1:4430"),
            ("127.0.0.1:4430", json!("443"), json!(true), "https://127.0.0.1:4430"),
            ("127.0.0.1:4430", json!("4430"), json!("on"), "https://127.0.0.1:4430"),
            (
                "https://127.0.0.1:4430/",
                json!("443"),
                json!(true),
                "https://127.0.0.1:4430",
            ),
            ("https://127.0.0.1/", json!(""), json!(true), "https://127.0.0.1"),
            (
                "https://127.0.0.1",
                json!("4430"),
                json!(true),
                "https://127.0.0.1:4430",
            ),
            (
                "https://mesh.example.invalid/tenant1/",
                json!("443"),
                json!(true),
                "https://mesh.example.invalid/tenant1",
            ),
            (
                "mesh.example.invalid/tenant1",
                json!(443),
                json!("1"),
                "https://mesh.example.invalid/tenant1",
            ),
            (
                "wss://mesh.example.invalid:4430",
                json!("443"),
                json!(true),
                "https://mesh.example.invalid:4430",
            ),
            (
                "MESH.Example.Invalid",
                json!(null),
                json!(null),
                "https://mesh.example.invalid",
            ),
            ("::1", json!("443"), json!(true), "https://[::1]"),
            ("::1", json!("4430"), json!(true), "https://[::1]:4430"),
            ("[::1]:4430", json!("443"), json!(true), "https://[::1]:4430"),
            (
                "https://[::1]:4430/tenant1",
                json!("443"),
                json!(true),
                "https://[::1]:4430/tenant1",
            ),
            // A URL's scheme wins over Secure; Port 80 is WHMCS's default when Secure is unticked.
            (
                "https://127.0.0.1:4430",
                json!("80"),
                json!(""),
                "https://127.0.0.1:4430",
            ),
            (
                "https://mesh.example.invalid",
                json!("80"),
                json!(false),
                "https://mesh.example.invalid",
            ),
            ("127.0.0.1", json!("8080"), json!(""), "http://127.0.0.1:8080"),
            ("localhost", json!("80"), json!("0"), "http://localhost"),
            (
                "http://127.0.0.1:8080/",
                json!("443"),
                json!(true),
                "http://127.0.0.1:8080",
            ),
            ("ws://[::1]:8080", json!("443"), json!(true), "http://[::1]:8080"),
            (
                "xn--bcher-kva.example.invalid",
                json!("443"),
                json!(true),
                "https://xn--bcher-kva.example.invalid",
            ),
            // A written default port conflicts with nothing when the Port field is WHMCS's default.
            ("https://127.0.0.1:443", json!("443"), json!(true), "https://127.0.0.1"),
        ] {
            let got = settings(json!({"hostname": hostname, "port": port, "secure": secure}));
            assert_eq!(
                got.map(|s| s.server.url).as_deref(),
                Ok(expected),
                "{hostname} port={port} secure={secure}"
            );
        }
        // The IP address field when Hostname is empty.
        assert_eq!(url_of(json!({"hostname": " ", "ip": "127.0.0.1"})), "https://127.0.0.1");
    }

    #[test]
    fn refused_address_forms_say_what_to_type() {
        for (hostname, port, secure, needle) in [
            (
                "https://[https://mesh.example.invalid/]:443",
                json!("443"),
                json!(true),
                "URL https://host",
            ),
            ("ftp://mesh.example.invalid", json!("443"), json!(true), "https://"),
            ("mesh example.invalid", json!("443"), json!(true), "contains a space"),
            ("https://mesh.example.invalid/a/b", json!("443"), json!(true), "domain"),
            (
                "https://u:p@mesh.example.invalid",
                json!("443"),
                json!(true),
                "credentials",
            ),
            ("https://mesh.example.invalid/?x=1", json!("443"), json!(true), "query"),
            ("mesh.example.invalid:99999", json!("443"), json!(true), "host:port"),
            ("mesh.example.invalid:abc", json!("443"), json!(true), "host:port"),
            ("bücher.example.invalid", json!("443"), json!(true), "punycode"),
            ("127.0.0.1:4430", json!("8443"), json!(true), "keep one"),
            ("https://127.0.0.1:4430", json!("8443"), json!(true), "keep one"),
            ("127.0.0.1", json!("https"), json!(true), "Port field"),
            ("127.0.0.1", json!("70000"), json!(true), "Port field"),
            ("127.0.0.1", json!("443"), json!("maybe"), "Secure field"),
            ("", json!("443"), json!(true), "Hostname"),
            // Plaintext to a name that is not loopback, by Secure unticked or by an http:// URL.
            ("mesh.example.invalid", json!("80"), json!(""), "allow_plaintext=yes"),
            (
                "http://mesh.example.invalid:8080",
                json!("443"),
                json!(true),
                "allow_plaintext=yes",
            ),
            (
                "ws://localhost.example.invalid",
                json!("443"),
                json!(true),
                "allow_plaintext=yes",
            ),
        ] {
            let e = settings(json!({"hostname": hostname, "port": port, "secure": secure})).unwrap_err();
            assert_eq!(e.kind(), "invalid_input");
            assert!(e.to_string().contains(needle), "{hostname}: {e}");
        }
    }

    #[test]
    fn access_hash_lines() {
        let ok = |raw: &str| parse_access_hash(raw).unwrap();
        assert_eq!(ok(""), AccessHash::default());
        assert_eq!(ok(KEY).login_token_key.as_deref(), Some(KEY));
        let h = ok(&format!(
            "\r\n {KEY} \r\nca_file = /etc/mc/ca.pem\r\npin_sha384=ab:CD\nverify_tls=YES\naccepted_creators=old-admin, Other\n"
        ));
        assert_eq!(h.login_token_key.as_deref(), Some(KEY));
        assert_eq!(h.ca_file.as_deref(), Some("/etc/mc/ca.pem"));
        assert_eq!(h.pin_sha384.as_deref(), Some("ab:CD"));
        assert_eq!(h.verify_tls, Some(true));
        assert_eq!(
            h.accepted_creators,
            Some(vec!["old-admin".to_string(), "Other".to_string()])
        );
        assert_eq!(
            ok(&format!("login_token_key={KEY}")).login_token_key.as_deref(),
            Some(KEY)
        );
        for (word, value) in [
            ("no", false),
            ("false", false),
            ("off", false),
            ("0", false),
            ("on", true),
            ("1", true),
            ("True", true),
        ] {
            assert_eq!(ok(&format!("verify_tls={word}")).verify_tls, Some(value), "{word}");
            assert_eq!(
                ok(&format!("allow_plaintext={word}")).allow_plaintext,
                Some(value),
                "{word}"
            );
        }
    }

    #[test]
    fn timeouts_from_the_access_hash() {
        let s = settings(json!({"hostname": "127.0.0.1"})).unwrap();
        assert_eq!(s.server.timeout_ms, None, "the core's default (15 s) per step");
        assert_eq!(s.page_budget_ms, DEFAULT_PAGE_BUDGET_MS);
        let s = settings(json!({"hostname": "127.0.0.1", "accesshash": "timeout=40\npage_timeout=3"})).unwrap();
        assert_eq!(s.server.timeout_ms, Some(40_000));
        assert_eq!(s.page_budget_ms, 3_000);
        for (raw, needle) in [
            (
                "timeout=0",
                "line 1: timeout must be a whole number of seconds from 1 to 300, not '0'",
            ),
            ("timeout=301", "from 1 to 300"),
            ("timeout=2.5", "not '2.5'"),
            ("timeout=+5", "not '+5'"),
            (
                "page_timeout=31",
                "page_timeout must be a whole number of seconds from 1 to 30",
            ),
            ("timeout=5\ntimeout=6", "repeats timeout"),
        ] {
            let m = parse_access_hash(raw).unwrap_err().to_string();
            assert!(m.contains(needle), "{raw}: {m}");
        }
    }

    #[test]
    fn access_hash_refusals_name_the_line_and_never_a_secret() {
        let secret = "s3cret-Value";
        for (raw, needle) in [
            ("verify_tls=maybe".to_string(), "line 1: verify_tls must be yes or no"),
            (format!("{KEY}\nverify_tls="), "line 2: verify_tls= has no value"),
            ("allow_plaintext=sure".to_string(), "not 'sure'"),
            ("verify=no".to_string(), "unknown setting 'verify'"),
            (format!("\n\n{secret}"), "line 3 is neither"),
            (format!("password={secret}"), "unknown setting 'password'"),
            (format!("x y {secret}=1"), "line 1 is not a setting"),
            ("abc123".to_string(), "has 6 characters"),
            (
                format!("login_token_key=abc{secret}"),
                "line 1: the login token key must be 160 hex",
            ),
            (
                format!("{KEY}\nlogin_token_key={KEY}"),
                "line 2 repeats login_token_key (first on line 1)",
            ),
            ("ca_file=/a\nca_file=/b".to_string(), "repeats ca_file"),
            ("verify_tls=no\nca_file=/a".to_string(), "remove verify_tls=no"),
            ("accepted_creators=a,,b".to_string(), "empty name"),
            (
                "accepted_creators=a b".to_string(),
                "line 1: the MeshCentral username 'a b'",
            ),
        ] {
            let e = parse_access_hash(&raw).unwrap_err();
            assert_eq!(e.kind(), "invalid_input");
            let m = e.to_string();
            assert!(m.contains(needle), "{raw}: {m}");
            assert!(!m.contains(secret) && !m.contains(KEY), "{raw}: a secret in {m}");
        }
    }

    #[test]
    fn the_result_is_the_server_object_with_secrets_and_warnings() {
        let s = settings(json!({
            "hostname": "https://127.0.0.1:4430/",
            "username": " connector ",
            "password": "pw",
            "accesshash": format!("{KEY}\nca_file=/ca.pem\naccepted_creators=old-admin"),
        }))
        .unwrap();
        assert_eq!(s.base_url, "https://127.0.0.1:4430");
        assert_eq!(s.server.username, "connector");
        assert_eq!(s.server.login_token_key.as_deref(), Some(KEY));
        assert_eq!(s.server.accepted_creators, vec!["old-admin"]);
        assert_eq!(s.secrets, vec!["pw".to_string(), KEY.to_string()]);
        assert!(s.warnings.is_empty());
        assert_eq!(
            serde_json::to_value(&s.server).unwrap(),
            json!({"url": "https://127.0.0.1:4430", "username": "connector", "password": "pw", "login_token_key": KEY,
                   "tls": {"verify": true, "ca_file": "/ca.pem"}, "accepted_creators": ["old-admin"]})
        );

        let off = settings(json!({"hostname": "127.0.0.1", "accesshash": "verify_tls=no"})).unwrap();
        assert_eq!(off.warnings.len(), 1);
        assert!(off.warnings[0].contains("verify_tls=no"));
        let plain = settings(json!({"hostname": "127.0.0.1", "secure": false, "port": "8080"})).unwrap();
        assert!(plain.warnings[0].contains("plain http://"), "{:?}", plain.warnings);
        let allowed =
            settings(json!({"hostname": "http://mesh.example.invalid", "accesshash": "allow_plaintext=yes"})).unwrap();
        assert!(allowed.server.allow_plaintext);
        assert!(allowed.warnings[0].contains("allow_plaintext=yes"));
    }

    #[test]
    fn credentials_rules_and_the_first_releases_product_override() {
        // Blank username: the first release's default.
        assert_eq!(
            settings(json!({"hostname": "127.0.0.1", "username": ""}))
                .unwrap()
                .server
                .username,
            "admin"
        );
        let e = settings(json!({"hostname": "127.0.0.1", "password": ""})).unwrap_err();
        assert!(e.to_string().contains("password"), "{e}");

        let legacy = |url: &str, key: &str| {
            settings(
                json!({"hostname": "", "username": "", "password": "", "accesshash": "ca_file=/ca.pem",
                            "legacy_server_url": url, "legacy_api_key": key}),
            )
        };
        let s = legacy("https://127.0.0.1:4430/", "connector:pa:ss").unwrap();
        assert_eq!(s.server.url, "https://127.0.0.1:4430");
        assert_eq!(
            (s.server.username.as_str(), s.server.password.as_deref()),
            ("connector", Some("pa:ss"))
        );
        assert_eq!(s.secrets, vec!["connector:pa:ss".to_string(), "pa:ss".to_string()]);
        let s = legacy("https://127.0.0.1:4430", "~t:tok1:pw").unwrap();
        assert_eq!(
            (s.server.username.as_str(), s.server.password.as_deref()),
            ("~t:tok1", Some("pw"))
        );
        let s = legacy("https://127.0.0.1:4430", KEY).unwrap();
        assert_eq!(
            (s.server.username.as_str(), s.server.login_token_key.as_deref()),
            ("admin", Some(KEY))
        );
        // The override wins over the server record's address.
        let s = settings(json!({"hostname": "localhost", "legacy_server_url": "https://127.0.0.1:4430"})).unwrap();
        assert_eq!(s.server.url, "https://127.0.0.1:4430");
        for key in ["nocolon-q", "a b:pw-q", "qq-user:", "abcd"] {
            let e = legacy("https://127.0.0.1:4430", key).unwrap_err();
            assert!(e.to_string().contains("APIKey product setting"), "{key}: {e}");
            assert!(!e.to_string().contains(key), "{key} echoed");
        }
        assert!(legacy("", "connector:pw")
            .unwrap_err()
            .to_string()
            .contains("ServerURL"));
        // Unknown request fields and wrong types are refused, not ignored.
        assert!(serde_json::from_value::<SettingsInput>(json!({"hostname": "x", "verify": false})).is_err());
        assert!(serde_json::from_value::<SettingsInput>(json!({"hostname": true})).is_err());
    }
}
