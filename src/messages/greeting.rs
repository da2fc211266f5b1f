//! The login greeting: what MeshCentral pushes right after a login (`serverinfo`, `userinfo`), or its refusal
//! (`{"action":"close","cause":"noauth"}`, sent while TCP stays open ~30 s). Read by skimming: the administrator's
//! `userinfo` lists a link per device group (one per service), which is skipped over, never built.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::skim;

/// One message received while waiting for the login to complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Greeting {
    ServerInfo(ServerInfo),
    UserInfo(UserInfo),
    /// The server ends the session: `cause` (e.g. `noauth`) and its `msg`, empty when absent.
    Close {
        cause: String,
        detail: String,
    },
    /// Anything else (MeshCentral pushes other notices too): skipped.
    Other,
}

/// Reads one greeting message; an error when it is not a JSON object.
pub fn read(text: &str) -> std::result::Result<Greeting, skim::SkimError> {
    let [action, cause, detail, server, account] =
        skim::pick(text, ["action", "cause", "msg", "serverinfo", "userinfo"])?;
    Ok(match text_of(action).as_ref() {
        "close" => Greeting::Close {
            cause: text_of(cause).into_owned(),
            detail: text_of(detail).into_owned(),
        },
        "serverinfo" => Greeting::ServerInfo(ServerInfo::read(server)),
        "userinfo" => Greeting::UserInfo(UserInfo::read(account)),
        _ => Greeting::Other,
    })
}

/// The error for a login the server closed with `cause`: `user` logging in by `method` (its name).
pub fn refusal(cause: &str, detail: &str, user: &str, method: &str) -> Error {
    match cause {
        "noauth" => Error::AuthRejected {
            user: user.to_string(),
            method: method.to_string(),
        },
        // The password was right, but the account may not use tools (site right NOMESHCMD, which the connector
        // gives every customer account).
        "notools" => Error::InsufficientRights {
            user: user.to_string(),
            missing: "control-channel logins (the account has site right NOMESHCMD, 'no tools')".into(),
        },
        _ => Error::Remote {
            action: "login".into(),
            message: format!("{cause} {detail}").trim().to_string(),
        },
    }
}

/// What `serverinfo` says about the server (the login greeting); only what the connector reads.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
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
#[derive(Debug, Default, Clone, PartialEq, Eq)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_and_refusals() {
        let r = read(r#"{"action":"close","cause":"noauth","msg":"x"}"#).unwrap();
        assert_eq!(
            r,
            Greeting::Close {
                cause: "noauth".into(),
                detail: "x".into()
            }
        );
        assert_eq!(refusal("noauth", "", "a", "password").kind(), "auth_rejected");
        assert_eq!(refusal("notools", "", "a", "password").kind(), "insufficient_rights");
        assert_eq!(
            refusal("locked", "", "a", "password").to_string(),
            "MeshCentral refused login: locked"
        );
        let info = read(r#"{"action":"userinfo","userinfo":{"_id":"user//a","siteadmin":8,"links":{}}}"#).unwrap();
        let Greeting::UserInfo(u) = info else {
            panic!("{info:?}")
        };
        assert_eq!(
            (u.id.as_deref(), u.siteadmin, u.links),
            (Some("user//a"), 8, Some(vec![]))
        );
        assert_eq!(read(r#"{"action":"event"}"#).unwrap(), Greeting::Other);
        assert!(read("[]").is_err());
    }
}
