//! The devices of one group with their online state, from `{"action":"nodes","meshid":...}`, every page of it.
//! MeshCentral sets `conn` (bit 1 = agent connected) only while a device is connected: no `conn` means offline.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::{ServerConfig, ServerInput};
use crate::error::Result;
use crate::host::Host;
use crate::ids::{mesh_suffix, user_id, validate_username};
use crate::ops::nodes::{read_page, Page, Pager};
use crate::ops::objects::{open_as, owned_group};
use crate::ownership::Trust;
use crate::skim::{self, Flow};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevicesInput {
    pub server: ServerInput,
    pub mesh_id: String,
    /// The MeshCentral user whose view this is (the service's own account, for its client area). With a login token
    /// key the session logs in as that user, so MeshCentral itself scopes what comes back to what the customer may
    /// see: `lastconnects` then covers their devices, not every device of the server (the configured administrator's
    /// view, which grows with every customer). Without a key, or when that login is refused (e.g. the account was
    /// deleted by hand), the configured account is used, as without `view_as`.
    #[serde(default)]
    pub view_as: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub name: String,
    pub os: Option<String>,
    pub online: bool,
    pub ip: Option<String>,
    /// When the agent last connected (ms since the epoch), from `lastconnects`; None if it never did.
    pub last_seen_ms: Option<i64>,
}

pub fn run<H: Host>(host: &mut H, input: DevicesInput) -> Result<Vec<Device>> {
    let cfg = ServerConfig::from_input(input.server)?;
    mesh_suffix(&input.mesh_id)?;
    if let Some(user) = &input.view_as {
        validate_username(user)?;
    }
    let mut session = open_as(host, &cfg, input.view_as.as_deref())?;
    // The group must be the connector's, and visible to this session (for the customer: their own group only).
    let trust = Trust::configured(&cfg);
    let customer = input.view_as.as_deref().map(|u| user_id(&cfg.domain, u));
    owned_group(&mut session, &trust, &input.mesh_id, customer.as_deref())?;
    // Every page (`ops::nodes`): the device list is also what Connect checks a node id against. A device seen on
    // two pages (the list shifted while it was read, as pages have no fixed order) is listed once.
    let mut devices = Vec::new();
    let mut seen = BTreeSet::new();
    let mut pager = Pager::new(Some(&input.mesh_id));
    loop {
        let mut page = Vec::new();
        let fetched = pager.fetch(&mut session, |group, c| {
            if group == input.mesh_id && c.peek() == Some(b'{') {
                page.extend(read_node(c)?);
            }
            Ok(())
        })?;
        if fetched.is_none() {
            break;
        }
        page.retain(|d| seen.insert(d.id.clone()));
        if !page.is_empty() {
            // A paging server answers `lastconnects` for the page just read (its `visibleDevices`), so it is asked
            // per page; a server that does not page sends one page, and times for every device the account sees.
            let last = session.call_text("lastconnects", json!({}))?;
            apply_last_seen(&mut page, &last);
        }
        devices.append(&mut page);
    }
    session.close();
    Ok(devices)
}

/// Fills `last_seen_ms` from a `lastconnects` reply (`{"lastconnects": {"node//id": ms}}`, visible devices only).
/// The reply covers every device the account can see (all groups, for the connector's administrator): only the
/// entries of `devices` are read, the rest is skimmed. A broken reply leaves every time unset.
pub fn apply_last_seen(devices: &mut [Device], reply: &str) {
    let index: BTreeMap<&str, usize> = devices.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
    let mut seen = Vec::new();
    let mut cursor = skim::Cursor::new(reply);
    let read = cursor.object(|c, key| {
        if key != "lastconnects" || c.peek() != Some(b'{') {
            return Ok(Flow::Continue(()));
        }
        c.object(|c, id| {
            if let Some(&i) = index.get(id.as_ref()) {
                seen.push((i, skim::integer(c.raw()?)));
            }
            Ok(Flow::Continue(()))
        })?;
        Ok(Flow::Continue(()))
    });
    if read.and_then(|_| cursor.finish()).is_err() {
        return;
    }
    for (i, ms) in seen {
        devices[i].last_seen_ms = ms;
    }
}

/// Interprets one `nodes` reply for one group (errors arrive as `result` texts, e.g. `Invalid group id`), with its
/// paging fields (`ops::nodes::read_page`). Only the fields a device list shows are read; every other field of a
/// node (agent, users, power...) and every other group is skimmed, each byte once. A field of an unexpected type
/// counts as absent, not as a broken reply.
pub fn read_nodes_page(reply: &str, mesh_id: &str) -> Result<(Vec<Device>, Page)> {
    let mut devices = Vec::new();
    let page = read_page(reply, |group, c| {
        if group == mesh_id && c.peek() == Some(b'{') {
            devices.extend(read_node(c)?);
        }
        Ok(())
    })?;
    Ok((devices, page))
}

/// `read_nodes_page` without the paging fields.
pub fn parse_nodes_reply(reply: &str, mesh_id: &str) -> Result<Vec<Device>> {
    read_nodes_page(reply, mesh_id).map(|(devices, _)| devices)
}

/// A node's raw `conn` value: bit 1 set means its agent is connected (absent or another type: not connected).
pub fn agent_connected(conn: &str) -> bool {
    skim::integer(conn).is_some_and(|v| v >= 0 && v & 1 == 1)
}

/// One node object of a `nodes` reply; None when it has no string `_id` (not a device we can show).
fn read_node(c: &mut skim::Cursor<'_>) -> skim::Skim<Option<Device>> {
    let (mut id, mut name, mut os, mut ip, mut online) = (None, None, None, None, false);
    c.object(|c, field| {
        match field.as_ref() {
            "_id" => id = skim::owned_string(c.raw()?),
            "name" => name = skim::owned_string(c.raw()?),
            "osdesc" => os = skim::owned_string(c.raw()?),
            "ip" => ip = skim::owned_string(c.raw()?),
            "conn" => online = agent_connected(c.raw()?),
            _ => {}
        }
        Ok(Flow::Continue(()))
    })?;
    Ok(id.map(|id| Device {
        id,
        name: name.unwrap_or_default(),
        os,
        online,
        ip,
        last_seen_ms: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conn_bit_means_online_and_errors_are_typed() {
        let reply = json!({"action":"nodes","nodes":{"mesh//m":[
            {"_id":"node//a","name":"web1","osdesc":"Debian","conn":1,"ip":"127.0.0.1"},
            {"_id":"node//b","name":"<img src=x>"}
        ]}});
        let devices = parse_nodes_reply(&reply.to_string(), "mesh//m").unwrap();
        assert_eq!(devices.len(), 2);
        assert!(devices[0].online);
        assert!(!devices[1].online, "no conn field: offline");
        assert_eq!(
            devices[1].name, "<img src=x>",
            "names are data; escaping is the template's job"
        );
        let err = json!({"action":"nodes","result":"Invalid group id"});
        let e = parse_nodes_reply(&err.to_string(), "mesh//m").unwrap_err();
        assert_eq!(e.to_string(), "MeshCentral refused nodes: Invalid group id");
    }
}
