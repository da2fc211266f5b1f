//! One authenticated control-channel session (`control.ashx`) driven through the `Host` transport.
//!
//! The session never touches a socket itself: it asks the host to open/send/receive with a deadline, and interprets
//! what comes back. MeshCentral pushes `serverinfo` and `userinfo` right after a successful login and answers a failed
//! one with `{"action":"close","cause":"noauth"}` (keeping TCP open ~30 s), so "logged in" means "saw both".

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::config::{ServerConfig, MAX_MESSAGE_BYTES};
use crate::cookie;
use crate::error::{Error, Result};
use crate::host::{ConnId, Host, LogLevel, OpenSpec, TransportError};

/// How the session logs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// `x-meshauth: base64(user),base64(password)` header.
    Password,
    /// `?auth=<cookie>` minted with the login token key.
    LoginToken,
}

impl AuthMethod {
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::Password => "password",
            AuthMethod::LoginToken => "login token key",
        }
    }
}

pub struct Session<'h, H: Host> {
    host: &'h mut H,
    conn: ConnId,
    url: String,
    timeout_ms: u32,
    pub serverinfo: Map<String, Value>,
    pub userinfo: Map<String, Value>,
    next_tag: u64,
    closed: bool,
}

impl<'h, H: Host> Session<'h, H> {
    /// Connects and logs in; returns once the server has pushed `serverinfo` and `userinfo`.
    pub fn open(host: &'h mut H, cfg: &ServerConfig, method: AuthMethod) -> Result<Self> {
        let mut url = cfg.control_url.clone();
        let mut headers = Vec::new();
        match method {
            AuthMethod::Password => {
                let pass = cfg
                    .password
                    .as_deref()
                    .ok_or_else(|| Error::InvalidInput("no password set".into()))?;
                let b64 = base64::engine::general_purpose::STANDARD;
                headers.push((
                    "x-meshauth".to_string(),
                    format!("{},{}", b64.encode(&cfg.username), b64.encode(pass)),
                ));
            }
            AuthMethod::LoginToken => {
                let key = cfg
                    .login_token_key
                    .as_deref()
                    .ok_or_else(|| Error::InvalidInput("no login token key set".into()))?;
                let now = host.now_ms() / 1000;
                let payload = json!({"u": cfg.user_id(), "a": 3, "time": now});
                let token = seal_with_host_iv(host, key, &payload)?;
                url.query_pairs_mut().append_pair("auth", &token);
            }
        }
        let spec = OpenSpec {
            url: url.to_string(),
            headers,
            tls: cfg.tls.clone(),
            connect_timeout_ms: cfg.timeout_ms,
            max_message_bytes: MAX_MESSAGE_BYTES,
        };
        let public_url = cfg.control_url.to_string();
        let conn = host
            .ws_open(&spec)
            .map_err(|e| map_open_error(&public_url, e, cfg.timeout_ms))?;
        let mut session = Session {
            host,
            conn,
            url: public_url,
            timeout_ms: cfg.timeout_ms,
            serverinfo: Map::new(),
            userinfo: Map::new(),
            next_tag: 1,
            closed: false,
        };
        session.host.log(
            LogLevel::Debug,
            &format!("connected to {} ({})", session.url, method.name()),
        );
        match session.await_login(&cfg.username, method) {
            Ok(()) => Ok(session),
            Err(e) => {
                session.close();
                Err(e)
            }
        }
    }

    /// Logs in with the login token key when one is set (MeshCentral checks a cookie with one AES-GCM decryption, a
    /// password with 12,000 rounds of PBKDF2: this is on every client-area page), else with the password. A login token
    /// user (`~t:`) has no cookie identity and always uses its password.
    pub fn open_preferred(host: &'h mut H, cfg: &ServerConfig) -> Result<Self> {
        let method = if cfg.login_token_key.is_some() && !cfg.is_login_token_user() {
            AuthMethod::LoginToken
        } else {
            AuthMethod::Password
        };
        Self::open(host, cfg, method)
    }

    /// Sends one request built from `action` and `fields` and waits for its reply (see `request`).
    pub fn call(&mut self, action: &str, fields: Value) -> Result<Map<String, Value>> {
        self.request(message(action, fields))
    }

    fn await_login(&mut self, user: &str, method: AuthMethod) -> Result<()> {
        let deadline = self.host.now_ms() + i64::from(self.timeout_ms);
        while self.serverinfo.is_empty() || self.userinfo.is_empty() {
            let msg = match self.recv_until(deadline, "login") {
                Ok(m) => m,
                // A peer that closes before saying anything at all did not speak MeshCentral's protocol.
                Err(Error::ConnectionLost(d)) => {
                    return Err(Error::NotMeshCentral {
                        url: self.url.clone(),
                        detail: format!("closed the connection ({d})"),
                    })
                }
                Err(e) => return Err(e),
            };
            match msg.get("action").and_then(Value::as_str) {
                Some("close") => {
                    let cause = msg.get("cause").and_then(Value::as_str).unwrap_or("");
                    let detail = msg.get("msg").and_then(Value::as_str).unwrap_or("");
                    return Err(match cause {
                        "noauth" => Error::AuthRejected {
                            user: user.to_string(),
                            method: method.name().to_string(),
                        },
                        // The password was right, but the account may not use tools (site right NOMESHCMD, which
                        // the connector gives every customer account).
                        "notools" => Error::InsufficientRights {
                            user: user.to_string(),
                            missing: "control-channel logins (the account has site right NOMESHCMD, 'no tools')".into(),
                        },
                        _ => Error::Remote {
                            action: "login".into(),
                            message: format!("{cause} {detail}").trim().to_string(),
                        },
                    });
                }
                Some("serverinfo") => self.serverinfo = object(msg.get("serverinfo")),
                Some("userinfo") => self.userinfo = object(msg.get("userinfo")),
                _ => {}
            }
        }
        Ok(())
    }

    /// Receives the next JSON object before `deadline` (ms since epoch).
    fn recv_until(&mut self, deadline: i64, what: &str) -> Result<Map<String, Value>> {
        let text = self.recv_text_until(deadline, what)?;
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(self.not_an_object()),
        }
    }

    /// Receives the next message's text before `deadline`, unparsed.
    fn recv_text_until(&mut self, deadline: i64, what: &str) -> Result<String> {
        let now = self.host.now_ms();
        let left = (deadline - now).max(0);
        if left == 0 {
            return Err(Error::Timeout {
                what: what.to_string(),
                ms: u64::from(self.timeout_ms),
            });
        }
        self.host
            .ws_recv(self.conn, left.min(i64::from(u32::MAX)) as u32)
            .map_err(|e| match e {
                TransportError::TimedOut => Error::Timeout {
                    what: what.to_string(),
                    ms: u64::from(self.timeout_ms),
                },
                TransportError::Closed(r) => {
                    Error::ConnectionLost(if r.is_empty() { "closed by the server".into() } else { r })
                }
                TransportError::TooLarge => Error::ConnectionLost("a message exceeded the size limit".into()),
                TransportError::BadHandle => Error::Host("the connection handle is no longer valid".into()),
                TransportError::Failed { kind, message } => Error::ConnectionLost(format!("{kind}: {message}")),
            })
    }

    fn not_an_object(&self) -> Error {
        Error::NotMeshCentral {
            url: self.url.clone(),
            detail: "it sent a message that is not a JSON object".into(),
        }
    }

    /// Sends one request and waits for its reply. `action` is the request's action; the reply is recognised by the
    /// same action and, when the server echoes one, the same `responseid`/`tag` (MeshCentral echoes inconsistently).
    pub fn request(&mut self, body: Map<String, Value>) -> Result<Map<String, Value>> {
        let text = self.request_text(body)?;
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(self.not_an_object()),
        }
    }

    /// Like `call`, but returns the reply's text for a typed parse: large replies (`nodes`, `lastconnects`) are read
    /// into the few fields an operation needs instead of a whole `serde_json::Value` tree, which costs most of the
    /// time and memory writes of a device list (it matters most on the translated backend).
    pub fn call_text(&mut self, action: &str, fields: Value) -> Result<String> {
        self.request_text(message(action, fields))
    }

    fn request_text(&mut self, mut body: Map<String, Value>) -> Result<String> {
        let action = body.get("action").and_then(Value::as_str).unwrap_or("").to_string();
        if action.is_empty() {
            return Err(Error::InvalidInput("a request without an action".into()));
        }
        let tag = format!("mcc{}", self.next_tag);
        self.next_tag += 1;
        body.insert("responseid".into(), Value::String(tag.clone()));
        body.insert("tag".into(), Value::String(tag.clone()));
        self.send(&Value::Object(body))?;
        let deadline = self.host.now_ms() + i64::from(self.timeout_ms);
        loop {
            let text = self.recv_text_until(deadline, &action)?;
            // Only the routing fields are read here; the rest of the message is skipped without being built.
            let envelope: Envelope = serde_json::from_str(&text).map_err(|_| self.not_an_object())?;
            if envelope.action.as_ref().and_then(Value::as_str) == Some("close") {
                return Err(Error::ConnectionLost(format!(
                    "the server ended the session ({})",
                    envelope.cause.as_ref().and_then(Value::as_str).unwrap_or("no cause")
                )));
            }
            if envelope_matches(&envelope, &action, &tag) {
                return Ok(text);
            }
        }
    }

    /// Sends a request MeshCentral never answers (e.g. `uninstallagent`, `changeuserpass`); confirm its effect some
    /// other way.
    pub fn send_only(&mut self, action: &str, fields: Value) -> Result<()> {
        self.send(&Value::Object(message(action, fields)))
    }

    /// Waits for the first pushed message `accept` recognises (e.g. the `event` confirming an unanswered request).
    pub fn wait_for(&mut self, what: &str, accept: impl Fn(&Map<String, Value>) -> bool) -> Result<Map<String, Value>> {
        let deadline = self.host.now_ms() + i64::from(self.timeout_ms);
        loop {
            let msg = self.recv_until(deadline, what)?;
            if accept(&msg) {
                return Ok(msg);
            }
        }
    }

    pub fn log(&mut self, level: LogLevel, message: &str) {
        self.host.log(level, message);
    }

    /// The logged-in account's user id (`user/<domain>/<name>`), from `userinfo`.
    pub fn own_user_id(&self) -> String {
        self.userinfo
            .get("_id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }

    fn send(&mut self, v: &Value) -> Result<()> {
        // Only JSON objects ever go on the wire: MeshCentral 1.1.55 crashes on a bare `null`.
        debug_assert!(v.is_object());
        let text = serde_json::to_string(v).map_err(|e| Error::Host(e.to_string()))?;
        self.host
            .ws_send(self.conn, &text)
            .map_err(|e| Error::ConnectionLost(format!("{e:?}")))
    }

    pub fn close(&mut self) {
        if !self.closed {
            self.closed = true;
            self.host.ws_close(self.conn);
        }
    }
}

impl<H: Host> Drop for Session<'_, H> {
    fn drop(&mut self) {
        self.close();
    }
}

/// Turns a mutation's `result` text into an error unless it is `ok` (MeshCentral answers errors as plain texts).
pub fn expect_ok(reply: &Map<String, Value>, action: &str) -> Result<()> {
    match reply.get("result").and_then(Value::as_str) {
        Some("ok") => Ok(()),
        Some(text) => Err(Error::Remote {
            action: action.to_string(),
            message: text.to_string(),
        }),
        None => Err(Error::Remote {
            action: action.to_string(),
            message: "no result in the reply".into(),
        }),
    }
}

/// A request object: `fields` (an object; anything else counts as no fields) plus `action`.
fn message(action: &str, fields: Value) -> Map<String, Value> {
    let mut body = match fields {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    body.insert("action".into(), Value::String(action.to_string()));
    body
}

/// The fields of a control-channel message that route it; everything else is skipped by serde unparsed.
#[derive(Deserialize)]
struct Envelope {
    // `Value`, not `String`: a message whose fields have odd types is skipped, never a parse failure.
    action: Option<Value>,
    responseid: Option<Value>,
    tag: Option<Value>,
    cause: Option<Value>,
}

/// Is `msg` the reply to our request `action` tagged `tag`? Events pushed by the server carry `action: "event"`, so
/// an action match plus "our tag, or no tag at all" is unambiguous while only one request is in flight.
pub fn reply_matches(msg: &Map<String, Value>, action: &str, tag: &str) -> bool {
    let envelope = Envelope {
        action: msg.get("action").cloned(),
        responseid: msg.get("responseid").cloned(),
        tag: msg.get("tag").cloned(),
        cause: None,
    };
    envelope_matches(&envelope, action, tag)
}

fn envelope_matches(msg: &Envelope, action: &str, tag: &str) -> bool {
    let reply_action = match (action, msg.action.as_ref().and_then(Value::as_str)) {
        ("ping", Some("pong")) => return true,
        (_, Some(a)) => a,
        _ => return false,
    };
    if !reply_action.eq_ignore_ascii_case(action) {
        return false;
    }
    let echoed = [msg.responseid.as_ref(), msg.tag.as_ref()];
    let any_echo = echoed.iter().any(|v| v.is_some());
    !any_echo || echoed.iter().any(|v| v.and_then(Value::as_str) == Some(tag))
}

fn object(v: Option<&Value>) -> Map<String, Value> {
    match v {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    }
}

fn map_open_error(url: &str, e: TransportError, timeout_ms: u32) -> Error {
    let url = url.to_string();
    match e {
        TransportError::TimedOut => Error::Timeout {
            what: "connect".into(),
            ms: u64::from(timeout_ms),
        },
        TransportError::Failed { kind, message } => match kind.as_str() {
            "connect" => Error::Unreachable { url, detail: message },
            "tls" => Error::Tls { url, detail: message },
            "timeout" => Error::Timeout {
                what: "connect".into(),
                ms: u64::from(timeout_ms),
            },
            "handshake" | "protocol" => Error::NotMeshCentral { url, detail: message },
            _ => Error::Unreachable {
                url,
                detail: format!("{kind}: {message}"),
            },
        },
        TransportError::Closed(r) => Error::NotMeshCentral {
            url,
            detail: format!("closed during the handshake {r}"),
        },
        TransportError::TooLarge => Error::NotMeshCentral {
            url,
            detail: "oversized handshake".into(),
        },
        TransportError::BadHandle => Error::Host("bad handle".into()),
    }
}

/// Mints a cookie with a random IV from the host.
pub fn seal_with_host_iv<H: Host>(host: &mut H, key: &[u8], payload: &Value) -> Result<String> {
    let mut iv = [0u8; 12];
    host.random_fill(&mut iv)
        .map_err(|_| Error::Host("no secure random source".into()))?;
    cookie::seal(key, iv, payload.to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn matching_follows_meshcentral_echo_rules() {
        // mutations echo responseid, meshes echo tag only, some echo nothing
        assert!(reply_matches(
            &m(json!({"action":"createmesh","responseid":"mcc1","result":"ok"})),
            "createmesh",
            "mcc1"
        ));
        assert!(!reply_matches(
            &m(json!({"action":"createmesh","responseid":"mcc0"})),
            "createmesh",
            "mcc1"
        ));
        assert!(reply_matches(
            &m(json!({"action":"meshes","tag":"mcc2","meshes":[]})),
            "meshes",
            "mcc2"
        ));
        assert!(reply_matches(
            &m(json!({"action":"createLoginToken"})),
            "createLoginToken",
            "mcc3"
        ));
        assert!(reply_matches(&m(json!({"action":"pong"})), "ping", "mcc3"));
        assert!(!reply_matches(
            &m(json!({"action":"event","event":{"action":"createmesh"}})),
            "createmesh",
            "x"
        ));
    }
}
