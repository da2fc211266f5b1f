//! One authenticated control-channel session (`control.ashx`) driven through the `Host` transport.
//!
//! The session never touches a socket itself: it asks the host to open/send/receive with a deadline, and interprets
//! what comes back. MeshCentral pushes `serverinfo` and `userinfo` right after a successful login and answers a failed
//! one with `{"action":"close","cause":"noauth"}` (keeping TCP open ~30 s), so "logged in" means "saw both".

use std::borrow::Cow;

use base64::Engine;
use serde_json::{Map, Value};

use crate::config::{ServerConfig, MAX_MESSAGE_BYTES};
use crate::cookie;
use crate::error::{Error, Result};
use crate::host::{ConnId, Host, LogLevel, OpenSpec, TransportError};
use crate::skim;

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

/// Life of a control-channel login cookie: it is used once, at connect; two minutes leave room for clock skew
/// between the billing host and MeshCentral (MeshCentral refuses cookies more than 30 s in its future).
pub const CONTROL_COOKIE_LIFETIME_S: u32 = 120;

pub struct Session<'h, H: Host> {
    host: &'h mut H,
    conn: ConnId,
    url: String,
    timeout_ms: u32,
    /// The operation's overall deadline (`ServerConfig::deadline_ms`): no wait outlasts it.
    overall: Option<i64>,
    pub serverinfo: ServerInfo,
    pub userinfo: UserInfo,
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
                // Short-lived and single-use: the URL (and so the cookie) may end up in a proxy's access log.
                let token = cookie::mint_login(host, key, &cfg.user_id(), CONTROL_COOKIE_LIFETIME_S)?;
                url.query_pairs_mut().append_pair("auth", &token);
            }
        }
        // The connect (TCP, TLS, upgrade) gets the step timeout or what is left of the overall deadline, whichever is
        // less; with nothing left, nothing is opened.
        let connect_ms = match cfg.deadline_ms {
            None => cfg.timeout_ms,
            Some(deadline) => {
                let left = deadline - host.now_ms();
                if left <= 0 {
                    return Err(Error::Timeout {
                        what: "connect: the call's overall deadline had passed before it started".into(),
                        ms: 0,
                    });
                }
                left.min(i64::from(cfg.timeout_ms)) as u32
            }
        };
        let spec = OpenSpec {
            url: url.to_string(),
            headers,
            tls: cfg.tls.clone(),
            connect_timeout_ms: connect_ms,
            max_message_bytes: MAX_MESSAGE_BYTES,
        };
        let public_url = cfg.control_url.to_string();
        let conn = host.ws_open(&spec).map_err(|e| {
            let what = if connect_ms < cfg.timeout_ms {
                "connect, within the call's overall deadline"
            } else {
                "connect"
            };
            map_open_error(&public_url, e, what, connect_ms)
        })?;
        let mut session = Session {
            host,
            conn,
            url: public_url,
            timeout_ms: cfg.timeout_ms,
            overall: cfg.deadline_ms,
            serverinfo: ServerInfo::default(),
            userinfo: UserInfo::default(),
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

    /// When the wait that starts now must end: the step timeout from now, or the overall deadline if that is sooner.
    fn step_deadline(&mut self) -> i64 {
        let step = self.host.now_ms() + i64::from(self.timeout_ms);
        self.overall.map_or(step, |overall| step.min(overall))
    }

    fn await_login(&mut self, user: &str, method: AuthMethod) -> Result<()> {
        let deadline = self.step_deadline();
        let (mut serverinfo, mut userinfo) = (None, None);
        while serverinfo.is_none() || userinfo.is_none() {
            let text = match self.recv_text_until(deadline, "login") {
                Ok(t) => t,
                // A peer that closes before saying anything at all did not speak MeshCentral's protocol.
                Err(Error::ConnectionLost(d)) => {
                    return Err(Error::NotMeshCentral {
                        url: self.url.clone(),
                        detail: format!("closed the connection ({d})"),
                    })
                }
                Err(e) => return Err(e),
            };
            // The admin's `userinfo` lists a link per device group (one per service): skimmed, never built.
            let [action, cause, detail, server, account] =
                skim::pick(&text, ["action", "cause", "msg", "serverinfo", "userinfo"])
                    .map_err(|_| self.not_an_object())?;
            match text_of(action).as_ref() {
                "close" => {
                    let cause = text_of(cause);
                    return Err(match cause.as_ref() {
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
                            message: format!("{cause} {}", text_of(detail)).trim().to_string(),
                        },
                    });
                }
                "serverinfo" => serverinfo = Some(ServerInfo::read(server)),
                "userinfo" => userinfo = Some(UserInfo::read(account)),
                _ => {}
            }
        }
        self.serverinfo = serverinfo.unwrap_or_default();
        self.userinfo = userinfo.unwrap_or_default();
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
            return Err(self.timed_out(deadline, what, 0));
        }
        let granted = left.min(i64::from(u32::MAX));
        self.host.ws_recv(self.conn, granted as u32).map_err(|e| match e {
            TransportError::TimedOut => self.timed_out(deadline, what, granted),
            TransportError::Closed(r) => {
                Error::ConnectionLost(if r.is_empty() { "closed by the server".into() } else { r })
            }
            TransportError::TooLarge => Error::ConnectionLost("a message exceeded the size limit".into()),
            TransportError::BadHandle => Error::Host("the connection handle is no longer valid".into()),
            TransportError::Failed { kind, message } => Error::ConnectionLost(format!("{kind}: {message}")),
        })
    }

    /// The typed timeout of a wait that ended at `deadline`: the step's own timeout, or the overall deadline (then
    /// `ms` is what was left of it when the wait began).
    fn timed_out(&self, deadline: i64, what: &str, granted_ms: i64) -> Error {
        match self.overall {
            Some(overall) if deadline >= overall => Error::Timeout {
                what: format!("{what}, within the call's overall deadline"),
                ms: u64::try_from(granted_ms).unwrap_or(0),
            },
            _ => Error::Timeout {
                what: what.to_string(),
                ms: u64::from(self.timeout_ms),
            },
        }
    }

    /// The error for a message that is not a JSON object: the peer is not (or no longer) speaking MeshCentral.
    pub fn not_an_object(&self) -> Error {
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
        let deadline = self.step_deadline();
        if self.overall == Some(deadline) && deadline <= self.host.now_ms() {
            // The budget is spent: a request sent now could act on the server with nobody waiting for its answer.
            return Err(self.timed_out(deadline, &action, 0));
        }
        self.send(&Value::Object(body))?;
        loop {
            let text = self.recv_text_until(deadline, &action)?;
            // Only the routing fields are read, and only until they decide; the caller parses the reply it gets.
            match route(&text, &action, &tag).map_err(|_| self.not_an_object())? {
                Route::Reply => return Ok(text),
                Route::Close(cause) => {
                    return Err(Error::ConnectionLost(format!(
                        "the server ended the session ({})",
                        cause.as_deref().unwrap_or("no cause")
                    )))
                }
                Route::Other => {}
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
        let deadline = self.step_deadline();
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
        self.userinfo.id.clone().unwrap_or_default()
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

/// A logged-in session without its host borrow, so a caller can try one login and fall back to another on the same
/// host (see `ops::objects::open_as`).
pub struct Detached {
    conn: ConnId,
    url: String,
    timeout_ms: u32,
    overall: Option<i64>,
    serverinfo: ServerInfo,
    userinfo: UserInfo,
    next_tag: u64,
}

impl<'h, H: Host> Session<'h, H> {
    pub fn detach(mut self) -> Detached {
        let detached = Detached {
            conn: self.conn,
            url: std::mem::take(&mut self.url),
            timeout_ms: self.timeout_ms,
            overall: self.overall,
            serverinfo: std::mem::take(&mut self.serverinfo),
            userinfo: std::mem::take(&mut self.userinfo),
            next_tag: self.next_tag,
        };
        // The connection lives on in `Detached`: dropping `self` must not close it.
        self.closed = true;
        detached
    }

    pub fn attach(host: &'h mut H, d: Detached) -> Self {
        Session {
            host,
            conn: d.conn,
            url: d.url,
            timeout_ms: d.timeout_ms,
            overall: d.overall,
            serverinfo: d.serverinfo,
            userinfo: d.userinfo,
            next_tag: d.next_tag,
            closed: false,
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

/// What `serverinfo` says about the server (the login greeting); only what the connector reads.
#[derive(Debug, Default, Clone)]
pub struct ServerInfo {
    pub name: Option<String>,
    pub domain: Option<String>,
    pub tls_hash: Option<String>,
    /// Whether the logged-in user is listed in `settings.manageAllDeviceGroups`.
    pub manage_all_device_groups: bool,
}

impl ServerInfo {
    pub(crate) fn read(raw: Option<&str>) -> Self {
        let Some(Ok([name, domain, tls_hash, manage_all])) =
            raw.map(|r| skim::pick(r, ["name", "domain", "tlshash", "manageAllDeviceGroups"]))
        else {
            return Self::default();
        };
        ServerInfo {
            name: name.and_then(skim::owned_string),
            domain: domain.and_then(skim::owned_string),
            tls_hash: tls_hash.and_then(skim::owned_string),
            manage_all_device_groups: manage_all == Some("true"),
        }
    }
}

/// What `userinfo` says about the logged-in account; only what the connector reads (its `links` can be long).
#[derive(Debug, Default, Clone)]
pub struct UserInfo {
    /// `user/<domain>/<name>`
    pub id: Option<String>,
    pub name: Option<String>,
    /// MeshCentral's site rights bitmask (0xFFFFFFFF = full administrator).
    pub siteadmin: u64,
    /// The account's links (group and device ids with rights), read only when they are few: a customer has one; the
    /// connector's administrator has one per group it created, which are skimmed over, never built.
    pub links: Option<Vec<(String, u32)>>,
}

impl UserInfo {
    pub(crate) fn read(raw: Option<&str>) -> Self {
        let Some(Ok([id, name, siteadmin, links])) = raw.map(|r| skim::pick(r, ["_id", "name", "siteadmin", "links"]))
        else {
            return Self::default();
        };
        UserInfo {
            id: id.and_then(skim::owned_string),
            name: name.and_then(skim::owned_string),
            siteadmin: siteadmin
                .and_then(skim::integer)
                .and_then(|v| u64::try_from(v).ok())
                .unwrap_or(0),
            links: match links {
                None => Some(Vec::new()),
                Some(raw) if raw.len() <= SMALL_LINKS_BYTES => read_links(raw),
                Some(_) => None,
            },
        }
    }
}

/// Up to this size a greeting's `links` are read (a customer's one link is ~100 bytes).
const SMALL_LINKS_BYTES: usize = 16 * 1024;

/// `{"<id>": {"rights": N, ...}, ...}` as (id, rights); None when it is not such an object.
fn read_links(raw: &str) -> Option<Vec<(String, u32)>> {
    let map: Map<String, Value> = serde_json::from_str(raw).ok()?;
    Some(
        map.into_iter()
            .map(|(id, link)| {
                let rights = link.get("rights").and_then(Value::as_u64).unwrap_or(0) as u32;
                (id, rights)
            })
            .collect(),
    )
}

/// The text of an optional raw string value; empty when absent or not a string.
fn text_of(raw: Option<&str>) -> Cow<'_, str> {
    raw.and_then(skim::string).unwrap_or_default()
}

/// What a received message is to the request in flight.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    /// The reply to it.
    Reply,
    /// Something else (an event, a reply to nobody): skipped.
    Other,
    /// `{"action":"close","cause":...}`: the server ends the session.
    Close(Option<Cow<'a, str>>),
}

/// Routes a message to the request `action` tagged `tag` by skimming its top-level members only until they decide:
/// MeshCentral writes `action` (and `responseid`) first, so a 60 KB `nodes` reply is routed after a few bytes and its
/// body is read once, by the caller. Events pushed by the server carry `action: "event"`, so an action match plus
/// "our tag, or no tag at all" is unambiguous while only one request is in flight. A routing field of another type
/// than string is present but matches nothing; the first occurrence of a repeated field counts.
pub(crate) fn route<'a>(text: &'a str, action: &str, tag: &str) -> std::result::Result<Route<'a>, skim::SkimError> {
    // None: not seen yet; Some(None): seen, not a string.
    let mut reply_action: Option<Option<Cow<'a, str>>> = None;
    let mut echoes: [Option<Option<Cow<'a, str>>>; 2] = [None, None];
    let mut cause: Option<Option<Cow<'a, str>>> = None;
    let mut decided = None;
    let mut cursor = skim::Cursor::new(text);
    cursor.object(|c, key| {
        let slot = match key.as_ref() {
            "action" => &mut reply_action,
            "responseid" => &mut echoes[0],
            "tag" => &mut echoes[1],
            "cause" => &mut cause,
            _ => return Ok(skim::Flow::Continue(())),
        };
        let raw = c.raw()?;
        if slot.is_none() {
            *slot = Some(skim::string(raw));
        }
        decided = match reply_action.as_ref() {
            None => None,
            Some(None) => Some(Route::Other),
            Some(Some(a)) if a == "close" => cause.take().map(Route::Close),
            Some(Some(a)) if action == "ping" && a == "pong" => Some(Route::Reply),
            Some(Some(a)) if !a.eq_ignore_ascii_case(action) => Some(Route::Other),
            Some(Some(_)) if echoes.iter().any(|e| matches!(e, Some(Some(t)) if t == tag)) => Some(Route::Reply),
            Some(Some(_)) if echoes.iter().all(Option::is_some) => Some(Route::Other),
            Some(Some(_)) => None,
        };
        Ok(if decided.is_some() {
            skim::Flow::Break(())
        } else {
            skim::Flow::Continue(())
        })
    })?;
    if let Some(route) = decided {
        return Ok(route);
    }
    cursor.finish()?;
    Ok(match reply_action {
        Some(Some(a)) if a == "close" => Route::Close(cause.flatten()),
        // The action matched (or it would have decided above) and no echo contradicted it.
        Some(Some(_)) if echoes.iter().all(Option::is_none) => Route::Reply,
        _ => Route::Other,
    })
}

fn map_open_error(url: &str, e: TransportError, what: &str, timeout_ms: u32) -> Error {
    let url = url.to_string();
    match e {
        TransportError::TimedOut => Error::Timeout {
            what: what.into(),
            ms: u64::from(timeout_ms),
        },
        TransportError::Failed { kind, message } => match kind.as_str() {
            "connect" => Error::Unreachable { url, detail: message },
            "tls" => Error::Tls { url, detail: message },
            "timeout" => Error::Timeout {
                what: what.into(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A server that accepts and then never says anything: each wait uses up all the time it is granted.
    struct SilentHost {
        clock: i64,
        opened: Vec<u32>,
        waits: Vec<u32>,
    }

    impl Host for SilentHost {
        fn ws_open(&mut self, spec: &OpenSpec) -> std::result::Result<ConnId, TransportError> {
            self.opened.push(spec.connect_timeout_ms);
            self.clock += 5;
            Ok(1)
        }
        fn ws_send(&mut self, _: ConnId, _: &str) -> std::result::Result<(), TransportError> {
            Ok(())
        }
        fn ws_recv(&mut self, _: ConnId, timeout_ms: u32) -> std::result::Result<String, TransportError> {
            self.waits.push(timeout_ms);
            self.clock += i64::from(timeout_ms);
            Err(TransportError::TimedOut)
        }
        fn ws_close(&mut self, _: ConnId) {}
        fn now_ms(&mut self) -> i64 {
            self.clock
        }
        fn random_fill(&mut self, buf: &mut [u8]) -> std::result::Result<(), TransportError> {
            buf.fill(7);
            Ok(())
        }
        fn log(&mut self, _: LogLevel, _: &str) {}
    }

    fn silent_config(deadline_ms: Option<i64>) -> ServerConfig {
        let mut input = crate::config::test_input("https://127.0.0.1:4430");
        input.deadline_ms = deadline_ms;
        ServerConfig::from_input(input).unwrap()
    }

    #[test]
    fn an_overall_deadline_caps_every_wait_and_ends_in_a_typed_timeout() {
        let mut host = SilentHost {
            clock: 1_000_000,
            opened: vec![],
            waits: vec![],
        };
        let cfg = silent_config(Some(1_002_000));
        let e = Session::open(&mut host, &cfg, AuthMethod::Password).err().unwrap();
        assert_eq!(e.kind(), "timeout");
        assert!(e.to_string().contains("overall deadline"), "{e}");
        assert_eq!(
            host.opened,
            vec![2000],
            "the connect gets the budget, not the 15 s step timeout"
        );
        assert_eq!(host.waits, vec![1995], "the login wait gets what is left");
        assert_eq!(host.clock, 1_002_000);

        // A second session of the same call (a fallback login, an undo) finds the budget spent and opens nothing.
        let e = Session::open(&mut host, &cfg, AuthMethod::Password).err().unwrap();
        assert_eq!(e.kind(), "timeout");
        assert_eq!(host.opened.len(), 1);
    }

    #[test]
    fn without_a_deadline_each_step_waits_its_own_timeout() {
        let mut host = SilentHost {
            clock: 0,
            opened: vec![],
            waits: vec![],
        };
        let e = Session::open(&mut host, &silent_config(None), AuthMethod::Password)
            .err()
            .unwrap();
        assert_eq!(e.to_string(), "MeshCentral did not answer in time (login, 15000 ms)");
        assert_eq!(host.opened, vec![crate::config::DEFAULT_TIMEOUT_MS]);
        assert_eq!(host.waits, vec![crate::config::DEFAULT_TIMEOUT_MS]);
    }

    fn answers(msg: Value, action: &str, tag: &str) -> bool {
        route(&msg.to_string(), action, tag).unwrap() == Route::Reply
    }

    #[test]
    fn matching_follows_meshcentral_echo_rules() {
        // mutations echo responseid, meshes echo tag only, some echo nothing
        assert!(answers(
            json!({"action":"createmesh","responseid":"mcc1","result":"ok"}),
            "createmesh",
            "mcc1"
        ));
        assert!(!answers(
            json!({"action":"createmesh","responseid":"mcc0"}),
            "createmesh",
            "mcc1"
        ));
        assert!(answers(
            json!({"action":"meshes","tag":"mcc2","meshes":[]}),
            "meshes",
            "mcc2"
        ));
        assert!(answers(
            json!({"action":"createLoginToken"}),
            "createLoginToken",
            "mcc3"
        ));
        assert!(
            !answers(json!({"action":"nodes","tag":7}), "nodes", "mcc3"),
            "an odd-typed echo matches nothing"
        );
        assert!(answers(json!({"action":"pong"}), "ping", "mcc3"));
        assert!(!answers(
            json!({"action":"event","event":{"action":"createmesh"}}),
            "createmesh",
            "x"
        ));
    }

    #[test]
    fn routing_reads_only_until_the_fields_decide() {
        fn r(text: &str) -> std::result::Result<Route<'_>, skim::SkimError> {
            route(text, "nodes", "mcc1")
        }
        // Decided by the leading fields: what follows is the caller's to parse (and reject).
        assert_eq!(
            r(r#"{"action":"nodes","responseid":"mcc1","nodes":{"#),
            Ok(Route::Reply)
        );
        assert_eq!(r(r#"{"action":"event","event":[[["#), Ok(Route::Other));
        // Fields in any order; the first of a repeated field counts.
        assert_eq!(r(r#"{"tag":"mcc1","nodes":{},"action":"nodes"}"#), Ok(Route::Reply));
        assert_eq!(
            r(r#"{"action":"nodes","responseid":"mcc0","tag":"mcc1"}"#),
            Ok(Route::Reply)
        );
        assert_eq!(
            r(r#"{"action":"nodes","responseid":"mcc0","tag":"mcc0"}"#),
            Ok(Route::Other)
        );
        assert_eq!(r(r#"{"action":"meshes","action":"nodes"}"#), Ok(Route::Other));
        assert_eq!(
            r(r#"{"action":"NODES"}"#),
            Ok(Route::Reply),
            "no echo at all: the action decides"
        );
        assert_eq!(r(r#"{"action":1}"#), Ok(Route::Other));
        assert_eq!(
            r(r#"{"cause":"noauth","x":[],"action":"close"}"#),
            Ok(Route::Close(Some("noauth".into())))
        );
        assert_eq!(r(r#"{"action":"close"}"#), Ok(Route::Close(None)));
        // Undecided until the end: the whole message must be an object.
        assert!(r(r#"{"nodes":{},"#).is_err());
        assert!(r("[]").is_err());
        assert!(r("not json").is_err());
    }
}
