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

/// Routes a message to the request `action` tagged `tag` by skimming its top-level members only until they decide:
/// MeshCentral writes `action` (and `responseid`) first, so a 60 KB `nodes` reply is routed after a few bytes and its
/// body is read once, by the caller. Events pushed by the server carry `action: "event"`, so an action match plus
/// "our tag, or no tag at all" is unambiguous while only one request is in flight. A routing field of another type
/// than string is present but matches nothing; the first occurrence of a repeated field counts.
pub fn route<'a>(text: &'a str, action: &str, tag: &str) -> std::result::Result<Route<'a>, skim::SkimError> {
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
