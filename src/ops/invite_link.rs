//! A time-limited agent invitation link for one group (`createInviteLink`): a page where the customer picks the
//! installer for their OS. MeshCentral answers with a URL built from its own idea of its host name; the connector
//! keeps only the invitation cookie and builds the URL on the configured server address itself, so whatever the
//! server answers, the link a client gets points at the same origin as every other link the module hands out.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::{ServerConfig, ServerInput};
use crate::error::{Error, Result};
use crate::host::Host;
use crate::ids::{mesh_suffix, user_id};
use crate::messages::reply::ReplyFault;
use crate::ops::objects::{open_as, owned_group};
use crate::ownership::Trust;

/// MeshCentral accepts 0 (= never expires) to 99999 hours; a billing integration should never hand out eternal
/// enrolment links, so the range is 1 hour to 1 year.
pub const MIN_EXPIRE_HOURS: u32 = 1;
pub const MAX_EXPIRE_HOURS: u32 = 8760;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteLinkInput {
    pub server: ServerInput,
    pub mesh_id: String,
    pub expire_hours: u32,
    /// The service's own MeshCentral user: the link is made in that customer's session (see `objects::open_as`), and
    /// it is the one account besides the connector's that may have rights on the group.
    #[serde(default)]
    pub view_as: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct InviteLink {
    pub url: String,
    pub expire_hours: u32,
}

pub fn run<H: Host>(host: &mut H, input: InviteLinkInput) -> Result<InviteLink> {
    let cfg = ServerConfig::from_input(input.server)?;
    mesh_suffix(&input.mesh_id)?;
    if !(MIN_EXPIRE_HOURS..=MAX_EXPIRE_HOURS).contains(&input.expire_hours) {
        return Err(Error::InvalidInput(format!(
            "the invite link lifetime must be {MIN_EXPIRE_HOURS} to {MAX_EXPIRE_HOURS} hours"
        )));
    }
    let mut session = open_as(host, &cfg, input.view_as.as_deref())?;
    let customer = input.view_as.as_deref().map(|u| user_id(&cfg.domain, u));
    owned_group(
        &mut session,
        &Trust::configured(&cfg),
        &input.mesh_id,
        customer.as_deref(),
    )?;
    let reply = session.call(
        "createInviteLink",
        json!({"meshid": input.mesh_id, "expire": input.expire_hours, "flags": 0}),
    )?;
    session.close();
    parse_reply(&reply, &cfg, input.expire_hours)
}

/// The link from a `createInviteLink` reply: the server's invitation cookie on the configured server's address.
pub fn parse_reply(reply: &Map<String, Value>, cfg: &ServerConfig, expire_hours: u32) -> Result<InviteLink> {
    let cookie = reply.get("cookie").and_then(Value::as_str).filter(|c| {
        !c.is_empty() && c.len() <= 4096 && c.chars().all(|ch| ch.is_ascii_alphanumeric() || "@$=+/_-".contains(ch))
    });
    if let Some(cookie) = cookie {
        let mut url = cfg.control_url.clone();
        let https = url.scheme() == "wss";
        url.set_scheme(if https { "https" } else { "http" })
            .map_err(|_| Error::InvalidInput("cannot use this URL scheme".into()))?;
        url.set_path(&if cfg.domain.is_empty() {
            "/agentinvite".to_string()
        } else {
            format!("/{}/agentinvite", cfg.domain)
        });
        url.query_pairs_mut().clear().append_pair("c", cookie);
        return Ok(InviteLink {
            url: url.to_string(),
            expire_hours,
        });
    }
    let action = "createInviteLink".to_string();
    Err(match reply.get("result").and_then(Value::as_str) {
        Some(message) => Error::Remote {
            action,
            message: message.to_string(),
        },
        None => Error::BadReply {
            action,
            fault: ReplyFault::NoInvitation,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(url: &str) -> ServerConfig {
        ServerConfig::from_input(crate::config::test_input(url)).unwrap()
    }

    #[test]
    fn link_is_built_on_the_configured_origin_or_a_typed_error() {
        let ok = json!({"action":"createInviteLink","url":"https://evil.example.invalid/agentinvite?c=x","cookie":"ab$c@d==","expire":24});
        let link = parse_reply(ok.as_object().unwrap(), &cfg("https://127.0.0.1:4430/tenant"), 24).unwrap();
        assert_eq!(link.url, "https://127.0.0.1:4430/tenant/agentinvite?c=ab%24c%40d%3D%3D");
        // Whatever the server put in `url` (another host, `//host`), only the cookie is used.
        let relative = json!({"url":"//evil.example.invalid/x","cookie":"abc"});
        assert_eq!(
            parse_reply(relative.as_object().unwrap(), &cfg("https://127.0.0.1:4430"), 1)
                .unwrap()
                .url,
            "https://127.0.0.1:4430/agentinvite?c=abc"
        );
        let odd = json!({"cookie":"a\"><script>"});
        assert_eq!(
            parse_reply(odd.as_object().unwrap(), &cfg("https://127.0.0.1:4430"), 1)
                .unwrap_err()
                .kind(),
            "remote"
        );
        let err = json!({"action":"createInviteLink","result":"Invalid group id"});
        assert!(
            parse_reply(err.as_object().unwrap(), &cfg("https://127.0.0.1:4430"), 24)
                .unwrap_err()
                .to_string()
                .contains("Invalid group id")
        );
    }
}
