//! Server sync: every service the connector provisioned on this server, read back from MeshCentral (one `meshes`,
//! one `users` and the pages of one all-groups `nodes` request, in one session), for WHMCS's import tool and for
//! spotting drift.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::config::{ServerConfig, ServerInput};
use crate::error::Result;
use crate::host::Host;
use crate::ids::user_id;
use crate::ops::objects::load_state;
use crate::ops::{sweep, usage};
use crate::ownership::Trust;
use crate::rights::RightsPreset;
use crate::service::{validate_key, AccountIndex};
use crate::session::Session;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListAccountsInput {
    pub server: ServerInput,
    /// Only services whose key starts with this (one billing install's services); all when empty.
    #[serde(default)]
    pub key_prefix: String,
    /// Only the service whose marker names this MeshCentral user (case-insensitive, as MeshCentral compares names);
    /// how an imported WHMCS service finds the group it must bind to.
    #[serde(default)]
    pub username: Option<String>,
    /// The services the host terminated (keys): a group of one of them that MeshCentral undeleted is reported as
    /// `came_back`, never as an account (see `ops::sweep`).
    #[serde(default)]
    pub terminated_keys: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ServiceAccount {
    pub service_key: String,
    pub mesh_id: String,
    pub group_name: String,
    pub username: String,
    /// False when the group exists but its user is gone (e.g. deleted by hand).
    pub user_exists: bool,
    pub locked: bool,
    /// The preset the link matches, `None` when someone changed the rights in MeshCentral.
    pub preset: Option<&'static str>,
    pub devices: u32,
    pub online: u32,
    /// When MeshCentral created the group (`creation`, ms since the epoch); `None` for groups of servers that did
    /// not record it. The group, not the user, because the group is the service in MeshCentral: it is made first,
    /// carries the marker and the devices, and Re-sync may recreate a lost user without the service being new.
    pub created_ms: Option<u64>,
    /// The MeshCentral user's e-mail, when it has one.
    pub email: Option<String>,
    /// The host terminated this service and MeshCentral agrees (its user is gone, nobody but the connector has
    /// rights): an agent enrolled with the old group id and MeshCentral undeleted the group. Not an account; the
    /// sweep (`ops::sweep`) retires it again.
    pub came_back: bool,
}

pub fn run<H: Host>(host: &mut H, input: ListAccountsInput) -> Result<Vec<ServiceAccount>> {
    let cfg = ServerConfig::from_input(input.server)?;
    if !input.key_prefix.is_empty() {
        validate_key(&input.key_prefix)?;
    }
    for key in &input.terminated_keys {
        validate_key(key)?;
    }
    let terminated: HashSet<&str> = input.terminated_keys.iter().map(String::as_str).collect();
    let mut session = Session::open_preferred(host, &cfg)?;
    let (groups, accounts) = load_state(&mut session)?;
    let own_id = session.own_user_id();

    // Only groups MeshCentral says the connector made, linked to nobody but its accounts and the named user.
    let trust = Trust::new(&own_id, &cfg);
    let ours: Vec<_> = groups
        .iter()
        .filter_map(|g| g.marker.as_ref().map(|m| (g, m)))
        .filter(|(_, (key, _))| key.starts_with(&input.key_prefix))
        .filter(|(_, (_, user))| {
            input
                .username
                .as_deref()
                .is_none_or(|wanted| wanted.eq_ignore_ascii_case(user))
        })
        .filter(|(g, (_, user))| trust.doubt(g, Some(&user_id(&cfg.domain, user))).is_none())
        .collect();
    let ids: Vec<String> = ours.iter().map(|(g, _)| g.id.clone()).collect();
    let counts = usage::count_paged(&mut session, &ids, ids.iter().map(String::as_str))?;
    session.close();
    let index = AccountIndex::new(&accounts);
    let mut list: Vec<ServiceAccount> = ours
        .into_iter()
        .map(|(g, (key, username))| {
            let account = index.find(&cfg.domain, username);
            let c = counts.get(&g.id).copied().flatten();
            ServiceAccount {
                service_key: key.clone(),
                mesh_id: g.id.clone(),
                group_name: g.name.clone(),
                username: account.map(|a| a.name.clone()).unwrap_or_else(|| username.clone()),
                user_exists: account.is_some(),
                locked: account.is_some_and(|a| a.locked()),
                preset: account
                    .and_then(|a| a.rights_on(&g.id))
                    .and_then(RightsPreset::from_rights)
                    .map(RightsPreset::name),
                devices: c.map_or(0, |c| c.devices),
                online: c.map_or(0, |c| c.online),
                created_ms: g.creation_ms,
                email: account.and_then(|a| a.email.clone()),
                came_back: terminated.contains(key.as_str())
                    && sweep::not_came_back(g, &index, &trust, &cfg.domain).is_none(),
            }
        })
        .collect();
    list.sort_by(|a, b| a.service_key.cmp(&b.service_key));
    Ok(list)
}
