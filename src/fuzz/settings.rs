//! The server settings (`settings::run`, the Access Hash, address fields), `parse_base_url`,
//! `ServerConfig::from_input`, and the request entry point (`dispatch::handle`, the one `&[u8]` input) on generated
//! settings: host names, IP literals, ports, URL forms, Access Hash lines with random flags.

use std::net::Ipv6Addr;

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{json, Value};

use super::{bounded, mutated, mutated_bytes, run};
use crate::config::{parse_base_url, ServerConfig, ServerInput};
use crate::dispatch;
use crate::host::{ConnId, Host, LogLevel, OpenSpec, TransportError};
use crate::ids::validate_username;
use crate::settings::{self as s, AccessHash, SettingsInput};

// ---- addresses

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9-]{1,12}(\\.[a-z0-9-]{1,12}){0,3}\\.?",
        2 => any::<[u8; 4]>().prop_map(|a| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        1 => any::<[u16; 8]>().prop_map(|a| Ipv6Addr::from(a).to_string()),
        1 => any::<[u16; 8]>().prop_map(|a| format!("[{}]", Ipv6Addr::from(a))),
        2 => prop::sample::select(vec![
            "localhost", "127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.1", "[::1]", "127.1.2.3", "LOCALHOST.", "xn--bcher-kva.example", "bücher.example", "", "[", "]", "[::1",
            "1.2.3", "0x7f.1", "256.1.1.1", "%41", "[v1.x]", "mesh_host", "-.example",
        ]).prop_map(String::from),
        1 => "[ -~]{0,12}",
    ]
}

/// An address field as an admin may type it: scheme (or none), credentials, host, port, path, query.
fn clean_address() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "", "", "https://", "http://", "wss://", "ws://", "ftp://", "HTTPS://", "//",
    ]);
    let userinfo = prop::sample::select(vec!["", "", "", "", "u:p@", "@"]);
    let port = prop::sample::select(vec![
        "", "", "", ":0", ":1", ":80", ":443", ":4430", ":65535", ":65536", ":99999", ":abc", ":", ":08080",
    ]);
    let path = prop::sample::select(vec![
        "",
        "",
        "/",
        "/tenant1",
        "/tenant1/",
        "/a/b",
        "/?x=1",
        "#f",
        "/%41",
        "/./",
        "/..",
        "//",
        "/t-1_x",
    ]);
    let pad = prop::sample::select(vec!["", "", "", " ", "\t"]);
    (pad.clone(), scheme, userinfo, host(), port, path, pad)
        .prop_map(|(a, s, u, h, p, d, b)| format!("{a}{s}{u}{h}{p}{d}{b}"))
}

/// `clean_address`, mutated half the time.
fn address() -> impl Strategy<Value = String> {
    mutated(clean_address())
}

fn port_field() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        prop::sample::select(vec![
            "", "443", "80", "0", "4430", "65535", "65536", "https", " 8443 ", "-1", "1e3"
        ])
        .prop_map(|s| json!(s)),
        any::<i32>().prop_map(|n| json!(n)),
        Just(json!(4.5)),
        Just(json!(true)),
    ]
}

fn secure_field() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop::sample::select(vec!["", "on", "1", "0", "yes", "No", "maybe", " TRUE "]).prop_map(|s| json!(s)),
        prop::sample::select(vec![0, 1, 2]).prop_map(|n| json!(n)),
    ]
}

fn server_input(url: String, allow_plaintext: bool) -> ServerInput {
    ServerInput {
        url,
        allow_plaintext,
        ..crate::config::test_input("")
    }
}

#[test]
fn address_fields_and_base_urls() {
    let strategy = (address(), any::<bool>(), port_field());
    run("address", 1000, strategy, |(raw, secure, port)| {
        // parse_base_url on anything: no panic; what it accepts has the documented shape.
        if let Ok(base) = bounded("parse_base_url", || parse_base_url(&raw))? {
            prop_assert!(matches!(base.url.scheme(), "http" | "https"), "{raw:?}");
            prop_assert!(base.url.query().is_none() && base.url.fragment().is_none());
            prop_assert!(base
                .domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
            let cfg = ServerConfig::from_input(server_input(raw.clone(), true));
            prop_assert!(
                cfg.is_ok(),
                "from_input refused what parse_base_url took: {raw:?} {cfg:?}"
            );
        }
        let Ok(port) = s::parse_port_field(&port, secure) else {
            return Ok(());
        };
        let got = bounded("host_url", || s::host_url(raw.trim(), "Hostname", secure, port))?;
        if let Ok(url) = got {
            prop_assert!(
                (url.starts_with("https://") || url.starts_with("http://")) && !url.ends_with('/'),
                "{raw:?} -> {url:?}"
            );
            // A base URL read back is itself: what the settings store is what they would read again.
            let again = s::host_url(&url, "Hostname", secure, None);
            prop_assert_eq!(again.as_deref(), Ok(url.as_str()), "{:?}", raw);
            let base = parse_base_url(&url).map_err(|e| TestCaseError::fail(format!("{url}: {e}")))?;
            let cfg = ServerConfig::from_input(server_input(url.clone(), true))
                .map_err(|e| TestCaseError::fail(format!("{url}: {e}")))?;
            prop_assert_eq!(cfg.control_url.host_str(), base.url.host_str());
            prop_assert_eq!(cfg.control_url.port(), base.url.port());
        }
        Ok(())
    });
}

use proptest::test_runner::TestCaseError;

// ---- the Access Hash

const MARK: &str = "Zq7secret";

/// One Access Hash line and what it must do: `Ok(Some(..))` sets a field, `Ok(None)` is blank, `Err(())` refuses.
#[derive(Debug, Clone)]
enum Line {
    Blank(String),
    Flag {
        key: &'static str,
        text: String,
        value: Option<bool>,
    },
    Key {
        text: String,
        key: Option<String>,
    },
    CaFile(String),
    Pin(String),
    Creators {
        text: String,
        names: Option<Vec<String>>,
    },
    /// A pasted secret or an unknown setting: refused, and the secret never echoed.
    Junk {
        text: String,
        secret: String,
    },
    Empty(&'static str),
}

fn flag_word() -> impl Strategy<Value = (String, Option<bool>)> {
    let word = prop::sample::select(vec![
        ("yes", Some(true)),
        ("true", Some(true)),
        ("on", Some(true)),
        ("1", Some(true)),
        ("no", Some(false)),
        ("false", Some(false)),
        ("off", Some(false)),
        ("0", Some(false)),
        ("maybe", None),
        ("y", None),
        ("yes=1", None),
        ("2", None),
    ]);
    (word, vec(any::<bool>(), 5)).prop_map(|((w, v), upper)| {
        let w: String = w
            .chars()
            .zip(upper.iter().cycle())
            .map(|(c, &u)| if u { c.to_ascii_uppercase() } else { c })
            .collect();
        (w, v)
    })
}

fn pad() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "", " ", "\t", "  "])
}

fn line() -> impl Strategy<Value = Line> {
    // Hex from seeds (a regex strategy of 160 characters costs tens of microseconds per line).
    let hex = |n: usize| {
        (any::<[u64; 4]>(), any::<bool>()).prop_map(move |(seed, upper)| {
            let digits = if upper {
                b"0123456789ABCDEF"
            } else {
                b"0123456789abcdef"
            };
            (0..n)
                .map(|i| char::from(digits[((seed[i % 4] >> (i % 16 * 4)) ^ i as u64) as usize % 16]))
                .collect::<String>()
        })
    };
    prop_oneof![
        1 => pad().prop_map(|p| Line::Blank(p.to_string())),
        3 => (prop::sample::select(vec!["verify_tls", "allow_plaintext"]), pad(), pad(), flag_word())
            .prop_map(|(key, a, b, (w, value))| Line::Flag { key, text: format!("{key}{a}={b}{w}"), value }),
        2 => (hex(160), any::<bool>()).prop_map(|(k, bare)| Line::Key {
            text: if bare { k.clone() } else { format!("login_token_key = {k}") },
            key: Some(k),
        }),
        1 => prop::sample::select(vec![159usize, 161, 96, 1]).prop_flat_map(hex).prop_map(|k| Line::Key {
            text: k,
            key: None,
        }),
        1 => "/[a-z/.]{1,20}".prop_map(Line::CaFile),
        1 => prop_oneof!["[0-9a-fA-F:]{1,20}".prop_map(Line::Pin), hex(96).prop_map(Line::Pin)],
        2 => vec(prop_oneof![4 => "[A-Za-z0-9._-]{1,10}", 1 => Just(String::new()), 1 => "[a-z]{1,3} [a-z]{1,3}",
                            1 => "[a-z]{1,3}[/~][a-z]{1,3}"], 1..4)
            .prop_map(|parts| {
                let names = parts
                    .iter()
                    .map(|p| p.trim())
                    .map(|p| (!p.is_empty() && validate_username(p).is_ok()).then(|| p.to_string()))
                    .collect::<Option<Vec<_>>>()
                    .map(|names| {
                        let mut kept: Vec<String> = Vec::new();
                        for n in names {
                            if !kept.iter().any(|k| k.eq_ignore_ascii_case(&n)) {
                                kept.push(n);
                            }
                        }
                        kept
                    });
                Line::Creators { text: format!("accepted_creators={}", parts.join(", ")), names }
            }),
        2 => ("[a-z]{0,6}", prop::sample::select(vec!["{}", "x y {}=1", "verify={}", "password={}", "{}!"]))
            .prop_map(|(tail, form)| {
                let secret = format!("{MARK}{tail}");
                Line::Junk { text: form.replace("{}", &secret), secret }
            }),
        1 => prop::sample::select(vec!["verify_tls", "ca_file", "login_token_key"]).prop_map(Line::Empty),
    ]
}

fn line_text(l: &Line) -> String {
    match l {
        Line::Blank(t) => t.clone(),
        Line::Flag { text, .. } | Line::Key { text, .. } | Line::Creators { text, .. } | Line::Junk { text, .. } => {
            text.clone()
        }
        Line::CaFile(p) => format!("ca_file={p}"),
        Line::Pin(p) => format!("pin_sha384={p}"),
        Line::Empty(k) => format!("{k}="),
    }
}

/// The refused line's number, or the parsed hash (None: refused without a line, the verify_tls=no conflict).
fn hash_model(lines: &[Line]) -> Result<AccessHash, Option<usize>> {
    let mut h = AccessHash::default();
    let mut seen: Vec<&str> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let n = i + 1;
        let name = match l {
            Line::Blank(_) => continue,
            Line::Junk { .. } => return Err(Some(n)),
            Line::Flag { key, .. } => *key,
            Line::Key { .. } => "login_token_key",
            Line::CaFile(_) => "ca_file",
            Line::Pin(_) => "pin_sha384",
            Line::Creators { .. } => "accepted_creators",
            Line::Empty(k) => k,
        };
        // A bare hex line of the wrong length is refused before any key bookkeeping.
        if let Line::Key { text, key: None } = l {
            if !text.contains('=') {
                return Err(Some(n));
            }
        }
        if seen.contains(&name) {
            return Err(Some(n));
        }
        seen.push(name);
        match l {
            Line::Flag { key, value, .. } => {
                let v = value.ok_or(Some(n))?;
                if *key == "verify_tls" {
                    h.verify_tls = Some(v);
                } else {
                    h.allow_plaintext = Some(v);
                }
            }
            Line::Key { key, .. } => h.login_token_key = Some(key.clone().ok_or(Some(n))?),
            Line::CaFile(p) => h.ca_file = Some(p.clone()),
            Line::Pin(p) => h.pin_sha384 = Some(p.clone()),
            Line::Creators { names, .. } => h.accepted_creators = Some(names.clone().ok_or(Some(n))?),
            Line::Empty(_) => return Err(Some(n)),
            Line::Blank(_) | Line::Junk { .. } => unreachable!(),
        }
    }
    if h.verify_tls == Some(false) && (h.ca_file.is_some() || h.pin_sha384.is_some()) {
        return Err(None);
    }
    Ok(h)
}

fn access_hash() -> impl Strategy<Value = (Vec<Line>, String)> {
    hash_of(line())
}

fn hash_of(line: impl Strategy<Value = Line>) -> impl Strategy<Value = (Vec<Line>, String)> {
    (vec(line, 0..7), prop::sample::select(vec!["\n", "\r\n"])).prop_map(|(lines, nl)| {
        let text = lines.iter().map(line_text).collect::<Vec<_>>().join(nl);
        (lines, text)
    })
}

fn secrets_of(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| match l {
            Line::Junk { secret, .. } => Some(secret.clone()),
            Line::Key { key: Some(k), .. } => Some(k.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn access_hash_lines_follow_the_rules_and_never_echo_a_secret() {
    run(
        "access hash",
        1000,
        prop_oneof![access_hash(), hash_of(good_line())],
        |(lines, text)| {
            let got = bounded("access hash", || s::parse_access_hash(&text))?;
            match (hash_model(&lines), got) {
                (Ok(want), Ok(got)) => prop_assert_eq!(want, got, "{:?}", text),
                (Err(line), Err(e)) => {
                    let m = e.to_string();
                    if let Some(n) = line {
                        prop_assert!(m.contains(&format!("line {n}")), "{text:?}: {m}");
                    }
                    for secret in secrets_of(&lines) {
                        prop_assert!(!m.contains(&secret), "{text:?}: a secret in {m}");
                    }
                }
                (want, got) => prop_assert!(false, "model {want:?} but {got:?} on {text:?}"),
            }
            Ok(())
        },
    );
}

// ---- the whole operation

/// The lines an admin who read the instructions writes (a pin that is 96 hex, flags spelled right).
fn good_line() -> impl Strategy<Value = Line> {
    line().prop_filter("accepted on its own", |l| match l {
        Line::Flag { value, .. } => value.is_some(),
        Line::Key { key, .. } => key.is_some(),
        Line::Pin(p) => p.replace(':', "").len() == 96,
        Line::Creators { names, .. } => names.is_some(),
        Line::Junk { .. } | Line::Empty(_) => false,
        Line::Blank(_) | Line::CaFile(_) => true,
    })
}

fn settings_input() -> impl Strategy<Value = (Value, Vec<String>)> {
    (
        prop_oneof![3 => clean_address(), 1 => address()],
        prop::sample::select(vec!["", "127.0.0.1", "::1"]),
        prop_oneof![3 => prop::sample::select(vec!["", "443", "80", "4430"]).prop_map(|p| json!(p)), 1 => port_field()],
        prop_oneof![3 => any::<bool>().prop_map(Value::Bool), 1 => secure_field()],
        prop::sample::select(vec!["", "admin", "admin", " connector ", "~t:tok", "a b", "x/y"]),
        prop_oneof![1 => Just(String::new()), 4 => "[A-Za-z0-9!:]{1,8}".prop_map(|p| format!("Pw{p}{MARK}"))],
        prop_oneof![3 => hash_of(good_line()).prop_map(|(lines, text)| if hash_model(&lines).is_ok() {
                        (lines, text)
                    } else {
                        // A repeated key (or verify_tls=no beside a CA file): keep only the first line.
                        let first: Vec<Line> = lines.into_iter().take(1).collect();
                        let text = first.iter().map(line_text).collect();
                        (first, text)
                    }),
                    1 => access_hash()],
        prop_oneof![3 => Just(String::new()), 1 => address()],
        prop_oneof![3 => Just(String::new()), 1 => prop::sample::select(vec!["u:pw", "~t:t:pw", "nocolon", "a b:c"])
            .prop_map(String::from)],
    )
        .prop_map(
            |(hostname, ip, port, secure, user, password, (lines, hash), url, api)| {
                let mut secrets = secrets_of(&lines);
                if !password.is_empty() {
                    secrets.push(password.clone());
                }
                (
                    json!({"hostname": hostname, "ip": ip, "port": port, "secure": secure, "username": user,
                       "password": password, "accesshash": hash, "legacy_server_url": url, "legacy_api_key": api}),
                    secrets,
                )
            },
        )
}

#[test]
fn server_settings_results_are_accepted_everywhere_and_read_back_the_same() {
    run("server settings", 1000, settings_input(), |(fields, secrets)| {
        let input: SettingsInput = serde_json::from_value(fields.clone()).expect("input shape");
        match bounded("server_settings", || s::run(input))? {
            Ok(out) => {
                let cfg = ServerConfig::from_input(out.server.clone());
                prop_assert!(cfg.is_ok(), "{fields}: {cfg:?}");
                // The stored base URL as the Hostname again (no Port override) gives the same server.
                let mut again = fields.clone();
                again["hostname"] = json!(out.base_url);
                again["port"] = json!("");
                again["legacy_server_url"] = json!("");
                let again = s::run(serde_json::from_value(again).expect("input shape"));
                prop_assert_eq!(
                    again.map(|a| a.server.url).ok(),
                    Some(out.server.url.clone()),
                    "{}",
                    fields
                );
            }
            Err(e) => {
                let m = e.to_string();
                for secret in &secrets {
                    prop_assert!(!m.contains(secret.as_str()), "{fields}: a secret in {m}");
                }
            }
        }
        Ok(())
    });
}

// ---- the request entry point

/// No network: an operation that needs one fails to connect.
struct Offline;

impl Host for Offline {
    fn ws_open(&mut self, _: &OpenSpec) -> Result<ConnId, TransportError> {
        Err(TransportError::Failed {
            kind: "connect".into(),
            message: "offline".into(),
        })
    }
    fn ws_send(&mut self, _: ConnId, _: &str) -> Result<(), TransportError> {
        Err(TransportError::BadHandle)
    }
    fn ws_recv(&mut self, _: ConnId, _: u32) -> Result<String, TransportError> {
        Err(TransportError::BadHandle)
    }
    fn ws_close(&mut self, _: ConnId) {}
    fn now_ms(&mut self) -> i64 {
        1_700_000_000_000
    }
    fn random_fill(&mut self, buf: &mut [u8]) -> Result<(), TransportError> {
        buf.fill(3);
        Ok(())
    }
    fn log(&mut self, _: LogLevel, _: &str) {}
}

fn requests() -> impl Strategy<Value = Vec<u8>> {
    let key = "0f".repeat(80);
    let request = prop_oneof![
        settings_input().prop_map(|(mut f, _)| {
            f["op"] = json!("server_settings");
            f.to_string()
        }),
        Just(r#"{"op":"version"}"#.to_string()),
        (address(), "[a-zA-Z0-9@$/]{0,20}").prop_map(|(b, m)| json!({"op": "installer_links", "base_url": b,
                                                                    "mesh_id": m})
        .to_string()),
        (address(), any::<u32>(), "[a-zA-Z ~/]{0,10}").prop_map(move |(b, l, u)| {
            json!({"op": "login_url", "base_url": b, "login_token_key": key, "user": u, "lifetime_seconds": l % 4000,
                   "view_mode": 11})
            .to_string()
        }),
        Just(r#"{"op":"test_connection","server":{"url":"https://127.0.0.1:1","username":"a","password":"p"}}"#.into()),
        ("[a-z_ ,]{0,30}", "[0-9 +-]{0,8}", "[0-9a-z]{0,6}").prop_map(|(p, n, t)| {
            json!({"op": "product_settings", "rights_preset": p, "installers": p, "sso_lifetime": n,
                   "invite_hours": n, "device_limit": n, "group_name_template": t})
            .to_string()
        }),
        ("[0-9a-zA-Z ]{0,8}", any::<u32>())
            .prop_map(|(t, id)| { json!({"op": "service_names", "install_tag": t, "service_id": id}).to_string() }),
    ];
    prop_oneof![
        4 => mutated_bytes(request),
        1 => vec(any::<u8>(), 0..64),
    ]
}

#[test]
fn every_request_gets_an_envelope() {
    run("dispatch", 1000, requests(), |bytes| {
        let out = bounded("dispatch", || dispatch::handle(&mut Offline, &bytes))?;
        let envelope: Value = serde_json::from_slice(&out).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        match envelope["ok"] {
            Value::Bool(true) => prop_assert!(envelope.get("value").is_some()),
            Value::Bool(false) => {
                prop_assert!(envelope["error"]["kind"].is_string() && envelope["error"]["message"].is_string());
            }
            _ => prop_assert!(false, "no ok in {envelope}"),
        }
        if std::str::from_utf8(&bytes).is_err() {
            prop_assert_eq!(&envelope["error"]["kind"], "invalid_input");
        }
        Ok(())
    });
}
