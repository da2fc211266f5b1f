//! A time-limited agent invitation link for one group (`createInviteLink`): a page where the customer picks the
//! installer for their OS. MeshCentral builds the URL itself (its own host name and port).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::{ServerConfig, ServerInput};
use crate::error::{Error, Result};
use crate::host::Host;
use crate::ops::installer_links::mesh_suffix;
use crate::session::Session;

/// MeshCentral accepts 0 (= never expires) to 99999 hours; a billing integration should never hand out eternal
/// enrolment links, so the range is 1 hour to 1 year.
pub const MAX_EXPIRE_HOURS: u32 = 8760;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteLinkInput {
    pub server: ServerInput,
    pub mesh_id: String,
    pub expire_hours: u32,
}

#[derive(Debug, Serialize)]
pub struct InviteLink {
    pub url: String,
    pub expire_hours: u32,
}

pub fn run<H: Host>(host: &mut H, input: InviteLinkInput) -> Result<InviteLink> {
    let cfg = ServerConfig::from_input(input.server)?;
    mesh_suffix(&input.mesh_id)?;
    if !(1..=MAX_EXPIRE_HOURS).contains(&input.expire_hours) {
        return Err(Error::InvalidInput(format!(
            "the invite link lifetime must be 1 to {MAX_EXPIRE_HOURS} hours"
        )));
    }
    let mut session = Session::open_preferred(host, &cfg)?;
    let reply = session.call(
        "createInviteLink",
        json!({"meshid": input.mesh_id, "expire": input.expire_hours, "flags": 0}),
    )?;
    session.close();
    parse_reply(&reply, input.expire_hours)
}

pub fn parse_reply(reply: &Map<String, Value>, expire_hours: u32) -> Result<InviteLink> {
    if let Some(url) = reply.get("url").and_then(Value::as_str) {
        if url.starts_with("https://") || url.starts_with('/') {
            return Ok(InviteLink {
                url: url.to_string(),
                expire_hours,
            });
        }
    }
    let message = reply
        .get("result")
        .and_then(Value::as_str)
        .unwrap_or("no link in the reply")
        .to_string();
    Err(Error::Remote {
        action: "createInviteLink".into(),
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_or_typed_error() {
        let ok = json!({"action":"createInviteLink","url":"https://127.0.0.1:4430/agentinvite?c=abc","expire":24});
        assert_eq!(
            parse_reply(ok.as_object().unwrap(), 24).unwrap().url,
            "https://127.0.0.1:4430/agentinvite?c=abc"
        );
        let err = json!({"action":"createInviteLink","result":"Invalid group id"});
        assert!(parse_reply(err.as_object().unwrap(), 24)
            .unwrap_err()
            .to_string()
            .contains("Invalid group id"));
    }
}
