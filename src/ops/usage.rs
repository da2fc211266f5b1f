//! Device counts for many services' groups in one connection: one `meshes` and one `nodes` request per server, not per
//! service (WHMCS's daily UsageUpdate runs once per server).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::{ServerConfig, ServerInput};
use crate::error::{Error, Result};
use crate::host::Host;
use crate::ops::devices::agent_connected;
use crate::ops::installer_links::mesh_suffix;
use crate::session::Session;
use crate::skim::{self, Flow};

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
    // Every device of the server in one reply (MBs on a large server): skimmed, only `conn` of wanted groups is read.
    let nodes = session.call_text("nodes", json!({}))?;
    session.close();
    count(&input.mesh_ids, &meshes, &nodes)
}

/// Combines a `meshes` reply (which groups exist) with the text of an all-groups `nodes` reply (groups without
/// devices are absent from it, so existence must come from `meshes`).
pub fn count(wanted: &[String], meshes: &Map<String, Value>, nodes: &str) -> Result<Usage> {
    let groups = crate::service::parse_groups(meshes)?;
    let existing: BTreeSet<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    let mut counted: BTreeMap<&str, GroupUsage> = wanted
        .iter()
        .filter(|id| existing.contains(id.as_str()))
        .map(|id| (id.as_str(), GroupUsage { devices: 0, online: 0 }))
        .collect();
    let mut has_nodes = false;
    let mut cursor = skim::Cursor::new(nodes);
    let read = cursor.object(|c, key| {
        if key != "nodes" || c.peek() != Some(b'{') {
            return Ok(Flow::Continue(()));
        }
        has_nodes = true;
        c.object(|c, group| {
            let Some(usage) = counted.get_mut(group.as_ref()) else {
                return Ok(Flow::Continue(()));
            };
            if c.peek() == Some(b'[') {
                c.array(|c| {
                    usage.devices += 1;
                    if c.peek() == Some(b'{') {
                        c.object(|c, field| {
                            if field == "conn" && agent_connected(c.raw()?) {
                                usage.online += 1;
                            }
                            Ok(Flow::Continue(()))
                        })?;
                    }
                    Ok(Flow::Continue(()))
                })?;
            }
            Ok(Flow::Continue(()))
        })?;
        Ok(Flow::Continue(()))
    });
    if read.and_then(|_| cursor.finish()).is_err() || !has_nodes {
        return Err(Error::Remote {
            action: "nodes".into(),
            message: "malformed reply".into(),
        });
    }
    Ok(wanted
        .iter()
        .map(|id| (id.clone(), counted.get(id.as_str()).copied()))
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
        let u = count(&wanted, meshes.as_object().unwrap(), &nodes.to_string()).unwrap();
        assert_eq!(u["mesh//a"], Some(GroupUsage { devices: 2, online: 1 }));
        assert_eq!(u["mesh//b"], Some(GroupUsage { devices: 0, online: 0 }));
        assert_eq!(u["mesh//gone"], None);
        assert_eq!(u["mesh//never"], None);
        for broken in [
            r#"{"action":"nodes"}"#,
            r#"{"action":"nodes","nodes":[]}"#,
            r#"{"nodes":{"mesh//a":[{]}}"#,
        ] {
            assert!(count(&wanted, meshes.as_object().unwrap(), broken).is_err(), "{broken}");
        }
    }
}
