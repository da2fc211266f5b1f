//! Requests as they go on the wire, and the plainest reading of a reply: MeshCentral answers a mutation with a
//! `result` text that is `ok` or the error.

use std::fmt;

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The text of a request: `fields` (an object; anything else counts as no fields) plus `action`, and, when the
/// request expects a reply, `tag` as both `responseid` and `tag` (MeshCentral echoes one or the other, depending on
/// the action). Only JSON objects are ever built: MeshCentral 1.1.55 crashes on a bare `null`.
pub fn request(action: &str, fields: Value, tag: Option<&str>) -> Result<String> {
    let mut body = match fields {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    body.insert("action".into(), Value::String(action.to_string()));
    if let Some(tag) = tag {
        body.insert("responseid".into(), Value::String(tag.to_string()));
        body.insert("tag".into(), Value::String(tag.to_string()));
    }
    serde_json::to_string(&body).map_err(|e| Error::Internal(format!("cannot serialise a {action} request: {e}")))
}

/// Turns a mutation's `result` text into an error unless it is `ok` (MeshCentral answers errors as plain texts).
pub fn expect_ok(reply: &Map<String, Value>, action: &str) -> Result<()> {
    match reply.get("result").and_then(Value::as_str) {
        Some("ok") => Ok(()),
        Some(text) => Err(Error::Remote {
            action: action.to_string(),
            message: text.to_string(),
        }),
        None => Err(Error::BadReply {
            action: action.to_string(),
            fault: ReplyFault::NoResult,
        }),
    }
}

/// What is wrong with a reply the core cannot read (`Error::BadReply`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyFault {
    /// A mutation's reply without its `result` text.
    NoResult,
    /// `createmesh` said `ok` without the new group's id.
    NoMeshId,
    /// `createInviteLink` answered with neither an invitation cookie (one the core accepts) nor an error text.
    NoInvitation,
    /// A `meshes` / `users` reply without its list.
    NoList,
    /// A `nodes` reply that is not a node list.
    BadNodeList,
}

impl fmt::Display for ReplyFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReplyFault::NoResult => "no result in the reply",
            ReplyFault::NoMeshId => "no meshid in the reply",
            ReplyFault::NoInvitation => "no invitation cookie in the reply",
            ReplyFault::NoList => "malformed reply",
            ReplyFault::BadNodeList => "malformed node list",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_are_objects_with_the_action_and_the_tag_twice() {
        let text = request(
            "createmesh",
            json!({"meshname": "g", "action": "ignored"}),
            Some("mcc1"),
        )
        .unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v,
            json!({"meshname": "g", "action": "createmesh", "responseid": "mcc1", "tag": "mcc1"})
        );
        assert_eq!(request("ping", Value::Null, None).unwrap(), r#"{"action":"ping"}"#);
    }

    #[test]
    fn only_ok_is_success() {
        assert_eq!(expect_ok(json!({"result": "ok"}).as_object().unwrap(), "x"), Ok(()));
        let e = expect_ok(json!({"result": "Access denied"}).as_object().unwrap(), "deleteuser").unwrap_err();
        assert_eq!(e.to_string(), "MeshCentral refused deleteuser: Access denied");
        assert_eq!(expect_ok(&Map::new(), "x").unwrap_err().kind(), "remote");
    }
}
