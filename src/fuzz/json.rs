//! The skimmer (`crate::skim`), reply routing (`messages::route`) and the login greeting (`messages::greeting`,
//! `Session::open`'s wait for them) on generated JSON, checked against serde_json on the same text.

use std::collections::VecDeque;
use std::fmt;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use proptest::sample::Index;

use super::{apply, bounded, mutated, mutation, run};
use crate::config::{test_input, ServerConfig};
use crate::host::{ConnId, Host, LogLevel, OpenSpec, TransportError};
use crate::messages::greeting::{ServerInfo, UserInfo};
use crate::messages::route::{route, Route};
use crate::session::{AuthMethod, Session};
use crate::skim::{self, Cursor, Flow, Skim, SkimError};

// ---- generators

fn ws() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "", "", " ", "\n", "\t", "\r\n  "])
}

/// The bits of one `u64` drawn by proptest, spent a few at a time: leaves are built from a seed rather than from
/// regex strategies, which cost ~20 us per string and would make a million inputs take many minutes.
struct Bits(u64);

impl Bits {
    fn take(&mut self, n: u64) -> usize {
        // xorshift when the bits run low, so long strings still vary.
        if self.0 < n {
            self.0 ^= 0x9E37_79B9_7F4A_7C15;
        }
        let v = self.0 % n;
        self.0 = (self.0 / n) ^ (self.0 << 13);
        v as usize
    }
}

/// A JSON string literal: plain text, every escape (`\uXXXX` with paired and lone surrogates), non-ASCII characters
/// and the brackets/quotes a skimmer must not take for structure.
fn json_string() -> impl Strategy<Value = String> {
    const PLAIN: [&str; 12] = [
        "a",
        "node//x",
        "mesh",
        "0",
        " ",
        "/",
        "_-.",
        "user//admin",
        "é",
        "😀",
        "中",
        "\u{7f}",
    ];
    const ESCAPES: [&str; 8] = ["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"];
    const STRUCT: [&str; 6] = ["{", "}", "[", "]", ",", ":"];
    (any::<u64>(), any::<u32>()).prop_map(|(seed, u)| {
        let mut bits = Bits(seed);
        let mut s = String::from("\"");
        for _ in 0..bits.take(7) {
            match bits.take(10) {
                0..=4 => s.push_str(PLAIN[bits.take(PLAIN.len() as u64)]),
                5 => s.push_str(ESCAPES[bits.take(ESCAPES.len() as u64)]),
                6 => s.push_str(&format!("\\u{:04x}", u as u16)),
                7 => s.push_str(&format!(
                    "\\u{:04X}\\u{:04x}",
                    0xD800 + (u >> 16) % 0x400,
                    0xDC00 + u % 0x400
                )),
                8 => s.push(
                    char::from_u32(0x20 + u % 0x2_0000)
                        .filter(|c| !matches!(c, '"' | '\\'))
                        .unwrap_or('?'),
                ),
                _ => s.push_str(STRUCT[bits.take(STRUCT.len() as u64)]),
            }
        }
        s.push('"');
        s
    })
}

/// Numbers of every shape serde_json has to decide on: i64/u64 extremes, floats, exponents, 400-digit integers.
fn json_number() -> impl Strategy<Value = String> {
    const FIXED: [&str; 8] = [
        "-0",
        "1e400",
        "-1e400",
        "1e-400",
        "0.0",
        "4294967295",
        "18446744073709551616",
        "1E+2",
    ];
    (any::<u64>(), any::<u64>()).prop_map(|(a, b)| {
        let mut bits = Bits(b);
        match bits.take(7) {
            0 => (a as i64).to_string(),
            1 => a.to_string(),
            2 => {
                let f = f64::from_bits(a);
                if f.is_finite() {
                    json!(f).to_string()
                } else {
                    "1.5".into()
                }
            }
            3 => {
                let mut s = String::new();
                if bits.take(2) == 1 {
                    s.push('-');
                }
                s.push_str(&(a % 10u64.pow(bits.take(12) as u32 + 1)).to_string());
                if bits.take(2) == 1 {
                    s.push_str(&format!(".{}", a >> 40));
                }
                if bits.take(2) == 1 {
                    let sign = ["", "+", "-"][bits.take(3)];
                    s.push_str(&format!("{}{sign}{}", ["e", "E"][bits.take(2)], bits.take(100_000)));
                }
                s
            }
            4 => {
                let digits = 20 + bits.take(380);
                let mut s = String::from(["", "-"][bits.take(2)]);
                s.push('1');
                (0..digits).for_each(|i| s.push(char::from(b'0' + ((a >> (i % 60)) % 10) as u8)));
                s
            }
            _ => FIXED[bits.take(FIXED.len() as u64)].to_string(),
        }
    })
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => prop::sample::select(vec!["null", "true", "false"]).prop_map(String::from),
        2 => json_number(),
        3 => json_string(),
    ]
}

/// `{ key: value, ... }` with random whitespace around every token.
pub(super) fn object_of(
    key: impl Strategy<Value = String>,
    value: impl Strategy<Value = String>,
    max: usize,
) -> impl Strategy<Value = String> {
    vec((ws(), key, ws(), ws(), value, ws()), 0..max).prop_map(|members| {
        let body: Vec<String> = members
            .into_iter()
            .map(|(a, k, b, c, v, d)| format!("{a}{k}{b}:{c}{v}{d}"))
            .collect();
        format!("{{{}}}", body.join(","))
    })
}

/// Keys: random strings, and a few that repeat (serde and the skimmer must agree on which repeat wins).
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => json_string(),
        1 => prop::sample::select(vec!["\"a\"", "\"b\"", "\"action\"", "\"\\u0061\"", "\"\""]).prop_map(String::from),
    ]
}

/// One step of a JSON text: a leaf, an opened array or object, or a close. Each carries the key it has when its parent
/// is an object. A flat list of these is a tree of any shape; proptest generates and shrinks it much faster than a
/// recursive strategy (a million inputs in a bench run).
#[derive(Debug, Clone)]
enum Tok {
    Leaf(String, String),
    Open(bool, String),
    Close,
}

fn tok() -> impl Strategy<Value = Tok> {
    prop_oneof![
        4 => (key(), leaf()).prop_map(|(k, v)| Tok::Leaf(k, v)),
        2 => (key(), any::<bool>()).prop_map(|(k, object)| Tok::Open(object, k)),
        1 => Just(Tok::Close),
    ]
}

/// The text of `toks` under a root array or object; `ws` picks the whitespace around each token.
fn build(root_object: bool, toks: &[Tok], ws: u64) -> String {
    const WS: [&str; 8] = ["", "", "", "", " ", "\n", "\t", "\r\n  "];
    let mut bits = Bits(ws);
    let mut pad = |s: &mut String| s.push_str(WS[bits.take(8)]);
    let mut out = String::from(if root_object { "{" } else { "[" });
    // Per open level: is it an object, has it members yet.
    let mut open = vec![(root_object, false)];
    for t in toks {
        if let Tok::Close = t {
            if open.len() > 1 {
                let (object, _) = open.pop().expect("more than the root");
                out.push(if object { '}' } else { ']' });
            }
            continue;
        }
        let depth = open.len();
        let (object, started) = &mut open[depth - 1];
        if *started {
            out.push(',');
        }
        *started = true;
        pad(&mut out);
        let key = match t {
            Tok::Leaf(k, _) | Tok::Open(_, k) => k,
            Tok::Close => unreachable!(),
        };
        if *object {
            out.push_str(key);
            pad(&mut out);
            out.push(':');
            pad(&mut out);
        }
        match t {
            Tok::Leaf(_, v) => {
                out.push_str(v);
                pad(&mut out);
            }
            Tok::Open(o, _) => {
                out.push(if *o { '{' } else { '[' });
                let o = *o;
                open.push((o, false));
            }
            Tok::Close => unreachable!(),
        }
    }
    while let Some((object, _)) = open.pop() {
        out.push(if object { '}' } else { ']' });
    }
    out
}

/// An object (or, a third of the time, an array or a bare leaf) of up to `max` tokens.
fn json_value_of(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        1 => leaf(),
        5 => (any::<bool>(), vec(tok(), 0..max), any::<u64>()).prop_map(|(o, t, ws)| build(o, &t, ws)),
    ]
}

pub(super) fn json_value() -> impl Strategy<Value = String> {
    json_value_of(12)
}

fn json_object(max: usize) -> impl Strategy<Value = String> {
    (vec(tok(), 0..max), any::<u64>()).prop_map(|(t, ws)| build(true, &t, ws))
}

/// 0 to 3,000 levels of `[` and `{"k":` (past the skimmer's 64-level word into its spilled stack), closed in order.
/// The levels' kinds come from the bits of a seed (one draw, not one per level: generation stays cheap).
fn deep_value() -> impl Strategy<Value = String> {
    (0usize..3000, any::<u64>(), leaf()).prop_map(|(depth, seed, leaf)| {
        let object = |level: usize| (seed.rotate_left(level as u32 % 64) ^ (level as u64 / 64)) & 1 == 1;
        let mut s = String::with_capacity(depth * 6 + leaf.len());
        for level in 0..depth {
            s.push_str(if object(level) { "{\"k\":" } else { "[" });
        }
        s.push_str(&leaf);
        for level in (0..depth).rev() {
            s.push(if object(level) { '}' } else { ']' });
        }
        s
    })
}

/// Whole texts: any value, objects of values, deep values in an object; then mutated (or not).
fn texts() -> impl Strategy<Value = String> {
    mutated(prop_oneof![
        2 => json_value_of(24),
        4 => json_object(24),
        1 => deep_value().prop_map(|v| format!("{{\"a\":{v},\"b\":1}}")),
    ])
}

// ---- serde's reading of the same text

/// An object's members in text order, repeats kept (serde_json's `Map` keeps only the last).
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Ordered, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = a.next_entry::<String, Value>()? {
                    members.push(entry);
                }
                Ok(Ordered(members))
            }
        }
        d.deserialize_map(V)
    }
}

fn serde_recursion_limit(e: &serde_json::Error) -> bool {
    e.to_string().contains("recursion limit")
}

// ---- the skimmer

/// The whole value at the cursor rebuilt through the skimmer's walk: containers by `object`/`array`, leaves from their
/// raw text by serde. Checks on every leaf that `skim::string`/`skim::integer` agree with serde on its raw text.
fn walk(c: &mut Cursor<'_>, leaf_mismatch: &mut Option<String>) -> Skim<Value> {
    match c.peek() {
        Some(b'{') => {
            let mut m = Map::new();
            c.object(|c, k| {
                let v = walk(c, leaf_mismatch)?;
                m.insert(k.into_owned(), v);
                Ok(Flow::Continue(()))
            })?;
            Ok(Value::Object(m))
        }
        Some(b'[') => {
            let mut items = Vec::new();
            c.array(|c| {
                items.push(walk(c, leaf_mismatch)?);
                Ok(Flow::Continue(()))
            })?;
            Ok(Value::Array(items))
        }
        _ => {
            let raw = c.raw()?;
            let as_string = serde_json::from_str::<String>(raw).ok();
            if skim::owned_string(raw) != as_string {
                *leaf_mismatch = Some(format!("skim::string({raw:?}) != serde {as_string:?}"));
            }
            let as_int = serde_json::from_str::<i64>(raw).ok();
            if skim::integer(raw) != as_int {
                *leaf_mismatch = Some(format!("skim::integer({raw:?}) != serde {as_int:?}"));
            }
            serde_json::from_str(raw).map_err(|_| SkimError { offset: 0 })
        }
    }
}

fn walk_all(text: &str) -> (Skim<Value>, Option<String>) {
    let mut mismatch = None;
    let mut c = Cursor::new(text);
    let v = walk(&mut c, &mut mismatch).and_then(|v| c.finish().map(|()| v));
    (v, mismatch)
}

const PICKED: [&str; 4] = ["a", "b", "action", ""];

#[test]
fn skimmer_agrees_with_serde() {
    run("skim", 1000, texts(), |text| {
        // The full walk: the same value as serde's parse, or both refuse the text.
        let depth_ok = text.len() < 2000; // the walk recurses; deep texts go through pick below
        if depth_ok {
            let (walked, mismatch) = bounded("skim walk", || walk_all(&text))?;
            prop_assert!(mismatch.is_none(), "{mismatch:?} in {text:?}");
            match (serde_json::from_str::<Value>(&text), walked) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b, "{:?}", text),
                (Err(_), Err(_)) => {}
                (Err(e), Ok(_)) if serde_recursion_limit(&e) => {}
                (a, b) => prop_assert!(false, "serde {a:?} but skim {b:?} on {text:?}"),
            }
        }
        // pick: the named top-level members of a valid object are serde's, whatever the nesting around them.
        let picked = bounded("skim pick", || skim::pick(&text, PICKED))?;
        match serde_json::from_str::<Map<String, Value>>(&text) {
            Ok(map) => {
                let picked = picked.map_err(|e| TestCaseError::fail(format!("pick refused valid {text:?}: {e:?}")))?;
                for (k, raw) in PICKED.iter().zip(picked) {
                    let got = raw.map(|r| serde_json::from_str::<Value>(r).expect("a picked raw value parses"));
                    prop_assert_eq!(got.as_ref(), map.get(*k), "{} in {:?}", k, text);
                }
            }
            // Deeper than serde's limit: the skimmer still walks (it never recurses).
            Err(e) if serde_recursion_limit(&e) => {}
            // Skipped values are checked for structure only: pick may accept what serde refuses, never the reverse.
            Err(_) => {}
        }
        Ok(())
    });
}

#[test]
fn skim_string_and_integer_never_panic_on_any_text() {
    run("skim leaves", 1000, mutated(leaf()), |raw| {
        let (s, i) = bounded("skim leaf", || (skim::string(&raw), skim::integer(&raw)))?;
        // On a well-formed token (what the cursor hands out) they are serde's answer.
        if serde_json::from_str::<Value>(&raw).is_ok() && raw == raw.trim() {
            prop_assert_eq!(s.map(|s| s.into_owned()), serde_json::from_str::<String>(&raw).ok());
            prop_assert_eq!(i, serde_json::from_str::<i64>(&raw).ok());
        }
        Ok(())
    });
}

// ---- routing

const ACTIONS: [&str; 3] = ["nodes", "ping", "createmesh"];
const TAGS: [&str; 2] = ["mcc1", "mcc2"];

/// Messages made of the routing fields (in any order, repeated, of odd types, escaped) and noise.
fn routing_texts() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "\"action\"",
        "\"responseid\"",
        "\"tag\"",
        "\"cause\"",
        "\"x\"",
        "\"\\u0061ction\"",
        "\"ta\\u0067\"",
    ])
    .prop_map(String::from);
    let value = prop_oneof![
        4 => prop::sample::select(vec![
            "\"nodes\"", "\"nodes\"", "\"mcc1\"", "\"mcc1\"", "\"NODES\"", "\"ping\"", "\"pong\"", "\"close\"", "\"event\"", "\"createmesh\"", "\"mcc1\"",
            "\"mcc2\"", "\"mc\\u00631\"", "\"noauth\"", "\"\"",
        ]).prop_map(String::from),
        1 => json_value(),
    ];
    mutated(object_of(key, value, 7))
}

/// What `route` must say, from serde's ordered members: the first occurrence of each routing field counts, and the
/// message is decided at the first member after which the fields decide.
fn route_model(members: &[(String, Value)], action: &str, tag: &str) -> Route<'static> {
    let text = |v: &Value| v.as_str().map(|s| s.to_string());
    let (mut reply_action, mut echoes, mut cause): (Option<Option<String>>, [Option<Option<String>>; 2], _) =
        (None, [None, None], None::<Option<String>>);
    for (k, v) in members {
        let slot = match k.as_str() {
            "action" => &mut reply_action,
            "responseid" => &mut echoes[0],
            "tag" => &mut echoes[1],
            "cause" => &mut cause,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(text(v));
        }
        let ours = echoes
            .iter()
            .any(|e| e.as_ref().and_then(|e| e.as_deref()) == Some(tag));
        match reply_action.as_ref() {
            None => {}
            Some(None) => return Route::Other,
            Some(Some(a)) if a == "close" => {
                if let Some(c) = cause.take() {
                    return Route::Close(c.map(Into::into));
                }
            }
            Some(Some(a)) if action == "ping" && a == "pong" => return Route::Reply,
            Some(Some(a)) if !a.eq_ignore_ascii_case(action) => return Route::Other,
            Some(Some(_)) if ours => return Route::Reply,
            Some(Some(_)) if echoes.iter().all(Option::is_some) => return Route::Other,
            Some(Some(_)) => {}
        }
    }
    match reply_action {
        Some(Some(a)) if a == "close" => Route::Close(cause.flatten().map(Into::into)),
        Some(Some(_)) if echoes.iter().all(Option::is_none) => Route::Reply,
        _ => Route::Other,
    }
}

#[test]
fn routing_agrees_with_serde() {
    let strategy = (
        routing_texts(),
        prop::sample::select(ACTIONS.to_vec()),
        prop::sample::select(TAGS.to_vec()),
    );
    run("route", 1000, strategy, |(text, action, tag)| {
        let got = bounded("route", || route(&text, action, tag))?;
        if let Ok(Ordered(members)) = serde_json::from_str::<Ordered>(&text) {
            let want = route_model(&members, action, tag);
            prop_assert_eq!(got, Ok(want), "{:?} for {} {}", text, action, tag);
        }
        // Refused or decided early on broken text: either is fine as long as nothing panicked or hung.
        Ok(())
    });
}

// ---- the login greeting

fn greeting_object() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "\"name\"",
        "\"domain\"",
        "\"tlshash\"",
        "\"manageAllDeviceGroups\"",
        "\"_id\"",
        "\"siteadmin\"",
        "\"links\"",
        "\"na\\u006De\"",
    ])
    .prop_map(String::from);
    let value = prop_oneof![
        2 => prop::sample::select(vec![
            "true", "false", "4294967295", "-1", "0", "1.0", "1e3", "18446744073709551615", "\"user//admin\"", "null",
        ]).prop_map(String::from),
        3 => json_value(),
    ];
    object_of(key, value, 7)
}

#[test]
fn greeting_readers_agree_with_serde() {
    run("greeting", 1000, mutated(greeting_object()), |text| {
        let (server, user) = bounded("greeting", || {
            (ServerInfo::read(Some(&text)), UserInfo::read(Some(&text)))
        })?;
        if let Ok(m) = serde_json::from_str::<Map<String, Value>>(&text) {
            let s = |k: &str| m.get(k).and_then(Value::as_str).map(String::from);
            prop_assert_eq!(server.name, s("name"));
            prop_assert_eq!(server.domain, s("domain"));
            prop_assert_eq!(server.tls_hash, s("tlshash"));
            prop_assert_eq!(
                server.manage_all_device_groups,
                m.get("manageAllDeviceGroups") == Some(&Value::Bool(true))
            );
            prop_assert_eq!(user.id, s("_id"));
            prop_assert_eq!(user.name, s("name"));
            let siteadmin = m
                .get("siteadmin")
                .and_then(Value::as_i64)
                .and_then(|v| u64::try_from(v).ok());
            prop_assert_eq!(user.siteadmin, siteadmin.unwrap_or(0), "{:?}", text);
        }
        Ok(())
    });
}

/// A host whose server says the given messages, one per receive, then closes.
struct Script {
    messages: VecDeque<String>,
    receives: usize,
    clock: i64,
}

impl Host for Script {
    fn ws_open(&mut self, _: &OpenSpec) -> Result<ConnId, TransportError> {
        Ok(1)
    }
    fn ws_send(&mut self, _: ConnId, _: &str) -> Result<(), TransportError> {
        Ok(())
    }
    fn ws_recv(&mut self, _: ConnId, _: u32) -> Result<String, TransportError> {
        self.receives += 1;
        self.messages.pop_front().ok_or(TransportError::Closed(String::new()))
    }
    fn ws_close(&mut self, _: ConnId) {}
    fn now_ms(&mut self) -> i64 {
        self.clock += 1;
        self.clock
    }
    fn random_fill(&mut self, buf: &mut [u8]) -> Result<(), TransportError> {
        buf.fill(7);
        Ok(())
    }
    fn log(&mut self, _: LogLevel, _: &str) {}
}

/// A message of a login and a first request: greetings, refusals, events, replies; a sixth of them mutated.
fn session_message() -> impl Strategy<Value = String> {
    let action = prop::sample::select(vec![
        "\"serverinfo\"",
        "\"userinfo\"",
        "\"serverinfo\"",
        "\"userinfo\"",
        "\"close\"",
        "\"event\"",
        "\"nodes\"",
        "\"nodes\"",
        "\"x\"",
    ])
    .prop_map(String::from);
    let body = prop_oneof![3 => greeting_object(), 1 => json_value()];
    let cause = prop::sample::select(vec!["\"noauth\"", "\"notools\"", "\"other\"", "1"]).prop_map(String::from);
    let tag = prop::sample::select(vec!["\"mcc1\"", "\"mcc1\"", "\"mcc2\"", "7"]).prop_map(String::from);
    let member = prop_oneof![
        (Just("\"serverinfo\"".to_string()), body.clone()),
        (Just("\"userinfo\"".to_string()), body),
        (Just("\"cause\"".to_string()), cause),
        (
            prop::sample::select(vec!["\"tag\"", "\"responseid\""]).prop_map(String::from),
            tag
        ),
        (Just("\"msg\"".to_string()), json_string()),
    ];
    let text = (action, vec(member, 0..4), any::<Index>()).prop_map(|(action, mut members, at)| {
        // The action first, as MeshCentral writes it, or anywhere.
        let at = if at.index(3) == 0 {
            at.index(members.len() + 1)
        } else {
            0
        };
        members.insert(at, ("\"action\"".to_string(), action));
        let body: Vec<String> = members.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
        format!("{{{}}}", body.join(","))
    });
    (text, vec(mutation(), 0..3), any::<Index>()).prop_map(|(t, m, pick)| {
        if pick.index(6) == 0 {
            let b = apply(t.into_bytes(), &m);
            String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        } else {
            t
        }
    })
}

/// What the login must end as, from serde's reading of each message (None: a message serde refuses, where the
/// skimmer may accept a structurally sound text; not modelled).
fn login_model(messages: &[String]) -> Option<(Result<(), &'static str>, usize)> {
    let (mut server, mut user) = (false, false);
    for (i, text) in messages.iter().enumerate() {
        let m = serde_json::from_str::<Map<String, Value>>(text).ok()?;
        match m.get("action").and_then(Value::as_str).unwrap_or("") {
            "close" => {
                let kind = match m.get("cause").and_then(Value::as_str).unwrap_or("") {
                    "noauth" => "auth_rejected",
                    "notools" => "insufficient_rights",
                    _ => "remote",
                };
                return Some((Err(kind), i + 1));
            }
            "serverinfo" => server = true,
            "userinfo" => user = true,
            _ => {}
        }
        if server && user {
            return Some((Ok(()), i + 1));
        }
    }
    // The server closed before greeting: not MeshCentral.
    Some((Err("not_meshcentral"), messages.len()))
}

#[test]
fn login_and_first_request_on_scripted_servers() {
    let cfg = ServerConfig::from_input(test_input("https://127.0.0.1:4430")).expect("settings");
    run("session", 500, vec(session_message(), 0..6), |messages| {
        let mut host = Script {
            messages: messages.iter().cloned().collect(),
            receives: 0,
            clock: 0,
        };
        let outcome = bounded("session", || {
            let login = Session::open(&mut host, &cfg, AuthMethod::Password).map(|mut s| {
                let reply = s.call_text("nodes", json!({}));
                drop(s);
                reply
            });
            login
        })?;
        // Every receive either consumed a message or ended the session: no loop without input.
        prop_assert!(host.receives <= messages.len() + 1);
        if let Some((want, used)) = login_model(&messages) {
            let got_login = outcome.as_ref().map(|_| ()).map_err(|e| e.kind());
            prop_assert_eq!(got_login, want, "{:?}", messages);
            if let Ok(reply) = &outcome {
                // The first request: the first later message that routes as its reply, else the end.
                let rest = &messages[used..];
                let want = rest.iter().find_map(|t| match serde_json::from_str::<Ordered>(t) {
                    Ok(Ordered(m)) => match route_model(&m, "nodes", "mcc1") {
                        Route::Reply => Some(Ok(t.clone())),
                        Route::Close(_) => Some(Err("connection_lost")),
                        Route::Other => None,
                    },
                    Err(_) => Some(Err("?")),
                });
                let want = want.unwrap_or(Err("connection_lost"));
                if want != Err("?") {
                    prop_assert_eq!(reply.as_ref().map_err(|e| e.kind()), want.as_ref().map_err(|e| *e));
                }
            }
        }
        Ok(())
    });
}
