//! One authenticated control-channel session (`control.ashx`) driven through the `Host` transport: log in, send a
//! request, wait for its reply within the deadlines, close; detach/attach to try a second login on the same host.
//!
//! The session never touches a socket itself: it asks the host to open/send/receive with a deadline, and interprets
//! what comes back. What the messages mean is `messages`' (the greeting, reply routing, request texts); a transport
//! failure becomes an error in one place (`transport_error`). MeshCentral pushes `serverinfo` and `userinfo` right
//! after a successful login, so "logged in" means "saw both".

use base64::Engine;
use serde_json::{Map, Value};

use crate::config::{ServerConfig, MAX_MESSAGE_BYTES};
use crate::cookie;
use crate::error::{Error, Result};
use crate::host::{ConnId, Host, LogLevel, OpenSpec, TransportError};
use crate::messages::greeting::{self, Greeting, ServerInfo, UserInfo};
use crate::messages::reply;
use crate::messages::route::{route, Route, Routed};

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
            transport_error(&public_url, e, Stage::Connect { what, ms: connect_ms })
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
            match greeting::read(&text).map_err(|_| self.not_an_object())? {
                Greeting::Close { cause, detail } => {
                    return Err(greeting::refusal(&cause, &detail, user, method.name()))
                }
                Greeting::ServerInfo(info) => serverinfo = Some(info),
                Greeting::UserInfo(info) => userinfo = Some(info),
                Greeting::Other => {}
            }
        }
        self.serverinfo = serverinfo.unwrap_or_default();
        self.userinfo = userinfo.unwrap_or_default();
        Ok(())
    }

    /// Receives the next JSON object before `deadline` (ms since epoch).
    fn recv_until(&mut self, deadline: i64, what: &str) -> Result<Map<String, Value>> {
        let text = self.recv_text_until(deadline, what)?;
        self.object(&text)
    }

    /// Receives the next message's text before `deadline`, unparsed.
    fn recv_text_until(&mut self, deadline: i64, what: &str) -> Result<String> {
        let now = self.host.now_ms();
        let left = (deadline - now).max(0);
        if left == 0 {
            return Err(self.timed_out(deadline, what, 0));
        }
        let granted = left.min(i64::from(u32::MAX));
        self.host.ws_recv(self.conn, granted as u32).map_err(|e| {
            let timed_out = self.timed_out(deadline, what, granted);
            transport_error(&self.url, e, Stage::Receive { timed_out })
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

    fn object(&self, text: &str) -> Result<Map<String, Value>> {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(self.not_an_object()),
        }
    }

    /// Sends one request built from `action` and `fields` and waits for its reply, parsed. The reply is recognised
    /// by the same action and, when the server echoes one, the same `responseid`/`tag` (`messages::route`).
    pub fn call(&mut self, action: &str, fields: Value) -> Result<Map<String, Value>> {
        let text = self.call_text(action, fields)?;
        self.object(&text)
    }

    /// Like `call`, but returns the reply's text for a typed parse: large replies (`nodes`, `lastconnects`) are read
    /// into the few fields an operation needs instead of a whole `serde_json::Value` tree, which costs most of the
    /// time and memory writes of a device list (it matters most on the translated backend).
    pub fn call_text(&mut self, action: &str, fields: Value) -> Result<String> {
        let (tag, deadline) = self.send_request(action, fields)?;
        loop {
            let text = self.recv_text_until(deadline, action)?;
            // Only the routing fields are read, and only until they decide; the caller parses the reply it gets.
            match route(&text, action, &tag).map_err(|_| self.not_an_object())? {
                Route::Reply => return Ok(text),
                Route::Close(cause) => return Err(Self::ended(cause.as_deref())),
                Route::Other => {}
            }
        }
    }

    /// Like `call_text`, for a reply `read` routes and reads in one walk (`messages::lists`: the megabyte lists of a
    /// large server, where each extra pass costs about a second on the translated backend). `read` gets each
    /// message and the request's tag and says what the message was.
    pub fn call_routed<T>(
        &mut self,
        action: &str,
        fields: Value,
        mut read: impl FnMut(&Self, &str, &str) -> Result<Routed<T>>,
    ) -> Result<T> {
        let (tag, deadline) = self.send_request(action, fields)?;
        loop {
            let text = self.recv_text_until(deadline, action)?;
            match read(self, &text, &tag)? {
                Routed::Reply(t) => return Ok(t),
                Routed::Close(cause) => return Err(Self::ended(cause.as_deref())),
                Routed::Other => {}
            }
        }
    }

    /// Sends the request tagged with the next tag; returns the tag and when the wait for its reply ends.
    fn send_request(&mut self, action: &str, fields: Value) -> Result<(String, i64)> {
        if action.is_empty() {
            return Err(Error::InvalidInput("a request without an action".into()));
        }
        let tag = format!("mcc{}", self.next_tag);
        self.next_tag += 1;
        let request = reply::request(action, fields, Some(&tag))?;
        let deadline = self.step_deadline();
        if self.overall == Some(deadline) && deadline <= self.host.now_ms() {
            // The budget is spent: a request sent now could act on the server with nobody waiting for its answer.
            return Err(self.timed_out(deadline, action, 0));
        }
        self.send(&request)?;
        Ok((tag, deadline))
    }

    fn ended(cause: Option<&str>) -> Error {
        Error::ConnectionLost(format!(
            "the server ended the session ({})",
            cause.unwrap_or("no cause")
        ))
    }

    /// Sends a request MeshCentral never answers (e.g. `uninstallagent`, `changeuserpass`); confirm its effect some
    /// other way.
    pub fn send_only(&mut self, action: &str, fields: Value) -> Result<()> {
        let request = reply::request(action, fields, None)?;
        self.send(&request)
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

    fn send(&mut self, text: &str) -> Result<()> {
        self.host
            .ws_send(self.conn, text)
            .map_err(|e| transport_error(&self.url, e, Stage::Send))
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

/// Where in a connection's life a transport call failed: the same failure means different things before the server
/// has spoken (a refused connect, a TLS failure, a peer that is no WebSocket) and after (a lost connection).
enum Stage<'a> {
    /// `ws-open`: the connect, TLS and the HTTP upgrade; `what` and `ms` describe its timeout.
    Connect { what: &'a str, ms: u32 },
    /// `ws-send` on an open connection: any failure loses it.
    Send,
    /// `ws-recv`: `timed_out` is the typed timeout of this wait.
    Receive { timed_out: Error },
}

/// The one mapping from what the host's transport reports (its kinds: `wit/connector.wit`) to the core's errors.
fn transport_error(url: &str, e: TransportError, stage: Stage<'_>) -> Error {
    let url = url.to_string();
    match stage {
        Stage::Connect { what, ms } => {
            let timeout = || Error::Timeout {
                what: what.into(),
                ms: u64::from(ms),
            };
            match e {
                TransportError::TimedOut => timeout(),
                TransportError::Failed { kind, message } => match kind.as_str() {
                    "connect" => Error::Unreachable { url, detail: message },
                    "tls" => Error::Tls { url, detail: message },
                    "timeout" => timeout(),
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
        // A send that fails leaves the connection unusable whatever the reason: every case is `connection_lost`.
        Stage::Send => match e {
            TransportError::TimedOut => Error::ConnectionLost("sending timed out".into()),
            TransportError::BadHandle => Error::ConnectionLost("the connection handle is no longer valid".into()),
            other => lost(other),
        },
        Stage::Receive { timed_out } => match e {
            TransportError::TimedOut => timed_out,
            TransportError::BadHandle => Error::Host("the connection handle is no longer valid".into()),
            other => lost(other),
        },
    }
}

/// A connection that was open and is not any more.
fn lost(e: TransportError) -> Error {
    Error::ConnectionLost(match e {
        TransportError::Closed(r) if r.is_empty() => "closed by the server".into(),
        TransportError::Closed(r) => r,
        TransportError::TooLarge => "a message exceeded the size limit".into(),
        TransportError::Failed { kind, message } => format!("{kind}: {message}"),
        TransportError::TimedOut => "timed out".into(),
        TransportError::BadHandle => "the connection handle is no longer valid".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn one_mapping_reads_a_failure_by_where_it_happened() {
        let url = "wss://127.0.0.1:4430/control.ashx";
        let failed = |kind: &str| TransportError::Failed {
            kind: kind.into(),
            message: "m".into(),
        };
        let connect = || Stage::Connect { what: "connect", ms: 5 };
        let kind = |e: TransportError, stage| transport_error(url, e, stage).kind();
        assert_eq!(kind(failed("connect"), connect()), "unreachable");
        assert_eq!(kind(failed("tls"), connect()), "tls");
        assert_eq!(kind(failed("timeout"), connect()), "timeout");
        assert_eq!(kind(failed("handshake"), connect()), "not_meshcentral");
        assert_eq!(kind(failed("protocol"), connect()), "not_meshcentral");
        assert_eq!(kind(TransportError::TimedOut, connect()), "timeout");
        let receive = || Stage::Receive {
            timed_out: Error::Timeout {
                what: "x".into(),
                ms: 1,
            },
        };
        assert_eq!(kind(failed("protocol"), receive()), "connection_lost");
        assert_eq!(kind(TransportError::TimedOut, receive()), "timeout");
        assert_eq!(
            transport_error(url, TransportError::Closed(String::new()), receive()).to_string(),
            "connection to MeshCentral lost: closed by the server"
        );
        assert_eq!(kind(TransportError::BadHandle, receive()), "host");
        for e in [
            TransportError::TimedOut,
            TransportError::BadHandle,
            failed("protocol"),
            TransportError::TooLarge,
        ] {
            assert_eq!(kind(e, Stage::Send), "connection_lost");
        }
    }
}
