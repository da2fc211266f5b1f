//! The devices of one group with their online state, from `{"action":"nodes","meshid":...}`.
//! MeshCentral sets `conn` (bit 1 = agent connected) only while a device is connected: no `conn` means offline.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config::{ServerConfig, ServerInput};
use crate::error::{Error, Result};
use crate::host::Host;
use crate::ops::installer_links::mesh_suffix;
use crate::session::Session;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevicesInput {
    pub server: ServerInput,
    pub mesh_id: String,
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
    let mut session = Session::open_preferred(host, &cfg)?;
    let reply = session.call_text("nodes", json!({"meshid": input.mesh_id}))?;
    let mut devices = parse_nodes_reply(&reply, &input.mesh_id)?;
    if devices.is_empty() {
        // For an account that manages all groups, MeshCentral answers `nodes` of a deleted or unknown group with an
        // empty list, exactly like an empty group: only `meshes` tells them apart.
        let groups = crate::service::parse_groups(&session.call("meshes", json!({}))?)?;
        if !groups.iter().any(|g| g.id == input.mesh_id) {
            return Err(Error::NotFound(format!(
                "the device group {} does not exist (any more) in MeshCentral",
                input.mesh_id
            )));
        }
    } else {
        let last = session.call_text("lastconnects", json!({}))?;
        apply_last_seen(&mut devices, &last);
    }
    session.close();
    Ok(devices)
}

/// Fills `last_seen_ms` from a `lastconnects` reply (`{"lastconnects": {"node//id": ms}}`, visible devices only).
pub fn apply_last_seen(devices: &mut [Device], reply: &str) {
    #[derive(Deserialize)]
    struct LastConnects {
        lastconnects: Option<BTreeMap<String, Value>>,
    }
    let Ok(LastConnects {
        lastconnects: Some(map),
    }) = serde_json::from_str(reply)
    else {
        return;
    };
    for d in devices {
        d.last_seen_ms = map.get(&d.id).and_then(Value::as_i64);
    }
}

/// A `nodes` reply, read into the fields a device list needs; every other field of a node (agent, users, power...)
/// is skipped by serde without being built. Fields are `Value` so an unexpected type is ignored, not fatal.
#[derive(Deserialize)]
struct NodesReply {
    result: Option<Value>,
    nodes: Option<BTreeMap<String, Vec<NodeEntry>>>,
}

#[derive(Deserialize)]
struct NodeEntry {
    #[serde(rename = "_id")]
    id: Option<Value>,
    name: Option<Value>,
    osdesc: Option<Value>,
    ip: Option<Value>,
    conn: Option<Value>,
}

/// Interprets a `nodes` reply for one group (errors arrive as `result` texts, e.g. `Invalid group id`).
pub fn parse_nodes_reply(reply: &str, mesh_id: &str) -> Result<Vec<Device>> {
    let malformed = || Error::Remote {
        action: "nodes".into(),
        message: "malformed node list".into(),
    };
    let mut reply: NodesReply = serde_json::from_str(reply).map_err(|_| malformed())?;
    if let Some(result) = reply.result.as_ref().and_then(Value::as_str) {
        if result != "ok" {
            return Err(Error::Remote {
                action: "nodes".into(),
                message: result.to_string(),
            });
        }
    }
    let Some(nodes) = reply.nodes.as_mut().and_then(|n| n.remove(mesh_id)) else {
        return Ok(Vec::new());
    };
    let text = |v: Option<Value>| match v {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    Ok(nodes
        .into_iter()
        .filter_map(|n| {
            Some(Device {
                id: text(n.id)?,
                name: text(n.name).unwrap_or_default(),
                os: text(n.osdesc),
                online: n.conn.as_ref().and_then(Value::as_u64).is_some_and(|c| c & 1 == 1),
                ip: text(n.ip),
                last_seen_ms: None,
            })
        })
        .collect())
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
