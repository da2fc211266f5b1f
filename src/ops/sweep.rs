//! The sweep of groups that came back: retires again the groups of terminated services that MeshCentral undeleted.
//!
//! Why they come back: `deletemesh` only marks a group deleted (`mesh.deleted`, the links kept), and when ANY agent
//! enrols with that group's id, `getMeshAutoCreate` (meshagent.js) clears the mark and re-adds the links of every user
//! that still exists. Terminate parks the devices it knows (see `ops::terminate`), but a NEW agent, installed after
//! termination from an installer or settings file the customer downloaded before (`meshsettings?id=` still serves a
//! deleted group's settings), has no device record and undeletes the group.
//!
//! What such a group looks like, in MeshCentral's own facts: the connector created it, it carries a service marker,
//! the marker's user does not exist (terminate deleted it first, and `deleteuser` also removed its link from the
//! group), and nobody but the connector's accounts has rights on it (undelete re-adds only the links the group still
//! had). Nobody but the server's administrators can reach it. A Create interrupted between making the group and the
//! user looks the same, so MeshCentral's facts alone are not enough: the host names the services it terminated
//! (`terminated_keys`), and only a group that is both is retired. A group of a terminated service whose user exists
//! again, or on which someone else has rights, is left alone and reported (a person decides).
//!
//! Retiring is what terminate does: devices into the server's retired-agents group (the pinned one when MeshCentral
//! still vouches for it), online agents asked to uninstall, the group deleted. Idempotent: a group already gone is
//! simply not found; a re-run after a partial failure finishes the job.

use serde::{Deserialize, Serialize};

use crate::config::{ServerConfig, ServerInput};
use crate::error::{Error, Result};
use crate::host::{Host, LogLevel};
use crate::ids::{mesh_suffix, user_id};
use crate::ops::objects::{delete_group, load_state};
use crate::ops::terminate::{retire_devices, retired_group, Terminated};
use crate::ownership::Trust;
use crate::service::{validate_scope, AccountIndex, Group};
use crate::session::Session;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepInput {
    pub server: ServerInput,
    /// Only services whose key starts with this (one billing install's); all when empty.
    #[serde(default)]
    pub key_prefix: String,
    /// The services the host terminated (keys): the only ones whose groups may be retired.
    pub terminated_keys: Vec<String>,
    /// The retired-agents group the host pinned (see `ops::terminate`).
    #[serde(default)]
    pub retired_mesh_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RetiredService {
    pub service_key: String,
    pub mesh_id: String,
    pub group_name: String,
    pub username: String,
    pub retired_devices: u32,
    pub uninstall_requested: u32,
}

#[derive(Debug, Serialize)]
pub struct LeftAlone {
    pub service_key: String,
    pub mesh_id: String,
    pub reason: String,
}

#[derive(Debug, Serialize, Default)]
pub struct Swept {
    /// Groups that had come back and are deleted again.
    pub retired: Vec<RetiredService>,
    /// Groups of terminated services that were not retired, and why.
    pub left_alone: Vec<LeftAlone>,
    /// Where devices went, when there were any: the host pins this id.
    pub retired_group: Option<String>,
}

/// Why the group of a terminated service is not one that came back (None = it is): its marker's user must not exist,
/// and nobody but the connector's accounts may have rights on it.
pub(crate) fn not_came_back(group: &Group, accounts: &AccountIndex<'_>, trust: &Trust, domain: &str) -> Option<String> {
    let Some((_, username)) = group.marker.as_ref() else {
        return Some("it carries no service marker".into());
    };
    if accounts.find(domain, username).is_some() {
        return Some(format!("its user '{username}' ({}) exists", user_id(domain, username)));
    }
    trust.doubt(group, None).map(|doubt| doubt.to_string())
}

pub fn run<H: Host>(host: &mut H, input: SweepInput) -> Result<Swept> {
    let cfg = ServerConfig::from_input(input.server)?;
    let terminated = validate_scope(&input.key_prefix, &input.terminated_keys)?;
    if let Some(id) = &input.retired_mesh_id {
        mesh_suffix(id)?;
    }
    let mut done = Swept::default();
    if terminated.is_empty() {
        return Ok(done);
    }

    let mut session = Session::open_preferred(host, &cfg)?;
    let (groups, accounts) = load_state(&mut session)?;
    let trust = Trust::new(&session.own_user_id(), &cfg);
    let candidates: Vec<&Group> = groups
        .iter()
        .filter(|g| !g.retired && trust.doubt_creator(g).is_none())
        .filter(|g| {
            g.marker
                .as_ref()
                .is_some_and(|(k, _)| k.starts_with(&input.key_prefix) && terminated.contains(k.as_str()))
        })
        .collect();
    let index = AccountIndex::new(&accounts);
    for group in candidates {
        let (key, username) = group.marker.clone().unwrap_or_default();
        if let Some(reason) = not_came_back(group, &index, &trust, &cfg.domain) {
            done.left_alone.push(LeftAlone {
                service_key: key,
                mesh_id: group.id.clone(),
                reason,
            });
            continue;
        }
        match retire(
            &mut session,
            &groups,
            &trust,
            input.retired_mesh_id.as_deref(),
            &mut done.retired_group,
            group,
        ) {
            Ok((retired_devices, uninstall_requested)) => {
                session.log(
                    LogLevel::Info,
                    &format!(
                        "retired the group {} of terminated service {key} again ({retired_devices} device(s))",
                        group.id
                    ),
                );
                done.retired.push(RetiredService {
                    service_key: key,
                    mesh_id: group.id.clone(),
                    group_name: group.name.clone(),
                    username,
                    retired_devices,
                    uninstall_requested,
                });
            }
            // MeshCentral refused one step for this group: report it, and the next run tries again.
            Err(e @ (Error::Remote { .. } | Error::BadReply { .. })) => done.left_alone.push(LeftAlone {
                service_key: key,
                mesh_id: group.id.clone(),
                reason: e.to_string(),
            }),
            Err(e) => return Err(e),
        }
    }
    session.close();
    Ok(done)
}

/// Parks the group's devices (asking online agents to uninstall, every page) and deletes the group: terminate's own
/// steps (`terminate::retire_devices`). The retired group is chosen once per sweep (`chosen`): a second lookup would
/// not see one made in this session.
fn retire<H: Host>(
    session: &mut Session<'_, H>,
    groups: &[Group],
    trust: &Trust,
    pinned: Option<&str>,
    chosen: &mut Option<String>,
    group: &Group,
) -> Result<(u32, u32)> {
    let mut done = Terminated {
        retired_group: chosen.clone(),
        ..Terminated::default()
    };
    retire_devices(session, &group.id, &mut done, |s| {
        retired_group(s, groups, trust, pinned)
    })?;
    chosen.clone_from(&done.retired_group);
    delete_group(session, &group.id)?;
    Ok((done.retired_devices, done.uninstall_requested))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Account;

    use crate::config::test_config as cfg;

    fn group(links: &[&str]) -> Group {
        Group {
            id: "mesh//g".into(),
            name: "g".into(),
            marker: Some(("k1".into(), "mc-k1".into())),
            retired: false,
            creator_id: Some("user//connector".into()),
            links: links.iter().map(|l| (l.to_string(), 0xFFFF_FFFF)).collect(),
            creation_ms: None,
        }
    }

    fn account(id: &str) -> Account {
        Account {
            id: id.into(),
            name: id.trim_start_matches("user//").into(),
            site_rights: 0,
            mesh_links: vec![],
            other_links: 0,
            email: None,
        }
    }

    #[test]
    fn only_a_group_without_its_user_and_without_other_links_came_back() {
        let cfg = cfg();
        let trust = Trust::new("user//connector", &cfg);
        let undeleted = group(&["user//connector"]);
        assert_eq!(not_came_back(&undeleted, &AccountIndex::new(&[]), &trust, ""), None);
        let user = [account("user//mc-k1")];
        assert!(not_came_back(&undeleted, &AccountIndex::new(&user), &trust, "")
            .unwrap()
            .contains("exists"));
        let widened = group(&["user//connector", "user//mallory"]);
        assert!(not_came_back(&widened, &AccountIndex::new(&[]), &trust, "")
            .unwrap()
            .contains("user//mallory"));
        let unmarked = Group {
            marker: None,
            ..group(&[])
        };
        assert!(not_came_back(&unmarked, &AccountIndex::new(&[]), &trust, "").is_some());
    }
}
