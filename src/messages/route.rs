//! Which received message answers the request in flight: MeshCentral's echo rules, read from the first few bytes.

use std::borrow::Cow;

use crate::skim;

/// What a received message is to the request in flight.
#[derive(Debug, PartialEq, Eq)]
pub enum Route<'a> {
    /// The reply to it.
    Reply,
    /// Something else (an event, a reply to nobody): skipped.
    Other,
    /// `{"action":"close","cause":...}`: the server ends the session.
    Close(Option<Cow<'a, str>>),
}

/// The routing fields of one message as a walk over its top-level members meets them (the first occurrence of a
/// repeated field counts; a field of another type than string is present but matches nothing), and what they decide.
/// `route` walks only until they decide; a reader of a large reply (`messages::lists`) notes them during its own
/// walk, so the reply is read once.
#[derive(Default)]
pub struct Routing<'a> {
    // None: not seen yet; Some(None): seen, not a string.
    action: Option<Option<Cow<'a, str>>>,
    echoes: [Option<Option<Cow<'a, str>>>; 2],
    cause: Option<Option<Cow<'a, str>>>,
}

impl<'a> Routing<'a> {
    /// When `key` is a routing field: reads its value (the cursor is on it) and returns true.
    pub fn note(&mut self, key: &str, c: &mut skim::Cursor<'a>) -> skim::Skim<bool> {
        let slot = match key {
            "action" => &mut self.action,
            "responseid" => &mut self.echoes[0],
            "tag" => &mut self.echoes[1],
            "cause" => &mut self.cause,
            _ => return Ok(false),
        };
        let raw = c.raw()?;
        if slot.is_none() {
            *slot = Some(skim::string(raw));
        }
        Ok(true)
    }

    /// What the fields met so far decide about the request `action` tagged `tag`, if they decide already.
    pub fn decided(&mut self, action: &str, tag: &str) -> Option<Route<'a>> {
        match self.action.as_ref() {
            None => None,
            Some(None) => Some(Route::Other),
            Some(Some(a)) if a == "close" => self.cause.take().map(Route::Close),
            Some(Some(a)) if action == "ping" && a == "pong" => Some(Route::Reply),
            Some(Some(a)) if !a.eq_ignore_ascii_case(action) => Some(Route::Other),
            Some(Some(_)) if self.echoes.iter().any(|e| matches!(e, Some(Some(t)) if t == tag)) => Some(Route::Reply),
            Some(Some(_)) if self.echoes.iter().all(Option::is_some) => Some(Route::Other),
            Some(Some(_)) => None,
        }
    }

    /// What they decide once the whole message was read without an earlier decision.
    pub fn at_end(self) -> Route<'a> {
        match self.action {
            Some(Some(a)) if a == "close" => Route::Close(self.cause.flatten()),
            // The action matched (or it would have decided earlier) and no echo contradicted it.
            Some(Some(_)) if self.echoes.iter().all(Option::is_none) => Route::Reply,
            _ => Route::Other,
        }
    }
}

/// Routes a message to the request `action` tagged `tag` by skimming its top-level members only until they decide:
/// MeshCentral writes `action` (and `responseid`) first, so a 60 KB `nodes` reply is routed after a few bytes and its
/// body is read once, by the caller. Events pushed by the server carry `action: "event"`, so an action match plus
/// "our tag, or no tag at all" is unambiguous while only one request is in flight.
pub fn route<'a>(text: &'a str, action: &str, tag: &str) -> std::result::Result<Route<'a>, skim::SkimError> {
    let mut routing = Routing::default();
    let mut decided = None;
    let mut cursor = skim::Cursor::new(text);
    cursor.object(|c, key| {
        if routing.note(&key, c)? {
            decided = routing.decided(action, tag);
        }
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
    Ok(routing.at_end())
}

/// What a message read in the same pass that routes it was to the request in flight (`Session::call_routed`).
#[derive(Debug, PartialEq, Eq)]
pub enum Routed<T> {
    /// The reply, read.
    Reply(T),
    /// Something else: skipped.
    Other,
    /// The server ends the session, with its cause.
    Close(Option<String>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

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
