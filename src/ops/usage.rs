//! Device counts for many services' groups in one connection: one `meshes` and one `nodes` request per server, not per
//! service (WHMCS's daily UsageUpdate runs once per server).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::{ServerConfig, ServerInput};
use crate::error::{Error, Result};
use crate::host::Host;
use crate::ops::installer_links::mesh_suffix;
use crate::session::Session;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageInput {
    pub server: ServerInput,
    pub mesh_ids: Vec<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone, Copy)]
pub struct GroupUsage {
    pub devices: u32,
    pub online: u32,
}

/// Per requested group: its counts, or `None` when the group no longer exists (or is not visible to the account).
pub type Usage = BTreeMap<String, Option<GroupUsage>>;

pub fn run<H: Host>(host: &mut H, input: UsageInput) -> Result<Usage> {
    let cfg = ServerConfig::from_input(input.server)?;
    for id in &input.mesh_ids {
        mesh_suffix(id)?;
    }
    let mut session = Session::open_preferred(host, &cfg)?;
    let meshes = session.call("meshes", json!({}))?;
    let nodes = session.call("nodes", json!({}))?;
    session.close();
    count(&input.mesh_ids, &meshes, &nodes)
}

/// Combines a `meshes` reply (which groups exist) with an all-groups `nodes` reply (groups without devices are
/// absent from it, so existence must come from `meshes`).
pub fn count(wanted: &[String], meshes: &Map<String, Value>, nodes: &Map<String, Value>) -> Result<Usage> {
    let malformed = |what: &str| Error::Remote {
        action: what.into(),
        message: "malformed reply".into(),
    };
    let groups = crate::service::parse_groups(meshes)?;
    let existing: BTreeSet<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    let by_group = nodes
        .get("nodes")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("nodes"))?;
    Ok(wanted
        .iter()
        .map(|id| {
            let usage = existing.contains(id.as_str()).then(|| {
                let list = by_group
                    .get(id)
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                GroupUsage {
                    devices: list.len() as u32,
                    online: list
                        .iter()
                        .filter(|n| n.get("conn").and_then(Value::as_u64).is_some_and(|c| c & 1 == 1))
                        .count() as u32,
                }
            });
            (id.clone(), usage)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_groups_count_zero_and_missing_groups_are_none() {
        let meshes =
            json!({"action":"meshes","meshes":[{"_id":"mesh//a"},{"_id":"mesh//b"},{"_id":"mesh//gone","deleted":1}]});
        let nodes = json!({"action":"nodes","nodes":{"mesh//a":[{"_id":"node//1","conn":1},{"_id":"node//2"}]}});
        let wanted = ["mesh//a", "mesh//b", "mesh//gone", "mesh//never"].map(String::from);
        let u = count(&wanted, meshes.as_object().unwrap(), nodes.as_object().unwrap()).unwrap();
        assert_eq!(u["mesh//a"], Some(GroupUsage { devices: 2, online: 1 }));
        assert_eq!(u["mesh//b"], Some(GroupUsage { devices: 0, online: 0 }));
        assert_eq!(u["mesh//gone"], None);
        assert_eq!(u["mesh//never"], None);
    }
}
