//! Device counts for many services' groups in one connection: one `meshes` and the pages of one all-groups `nodes`
//! per server, not per service (WHMCS's daily UsageUpdate runs once per server). A malformed group id fails only its own entry (one bad
//! stored id must not stop the counts of every other service on the server).

use std::collections::{BTreeMap, BTreeSet};

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::json;

use crate::config::{ServerConfig, ServerInput};
use crate::error::Result;
use crate::host::Host;
use crate::ids::mesh_suffix;
use crate::ops::devices::agent_connected;
use crate::ops::nodes;
use crate::ops::objects::fetch_group_ids;
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

/// What the `usage` op answers for one requested group id.
#[derive(Debug, PartialEq, Eq, Clone)]
pub enum GroupCount {
    /// `{"devices": n, "online": n}`
    Counted(GroupUsage),
    /// `null`: the group no longer exists (or the account cannot see it).
    Gone,
    /// `{"error": {"kind": "invalid_input", "message": ...}}`: the id is not a group id; nothing was asked for it.
    Invalid(String),
}

impl Serialize for GroupCount {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            GroupCount::Counted(u) => u.serialize(s),
            GroupCount::Gone => s.serialize_none(),
            GroupCount::Invalid(message) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("error", &json!({"kind": "invalid_input", "message": message}))?;
                map.end()
            }
        }
    }
}

pub fn run<H: Host>(host: &mut H, input: UsageInput) -> Result<BTreeMap<String, GroupCount>> {
    let cfg = ServerConfig::from_input(input.server)?;
    let (valid, invalid) = partition(&input.mesh_ids);
    let mut out: BTreeMap<String, GroupCount> = invalid.into_iter().collect();
    if valid.is_empty() {
        // Nothing to ask the server: no connection.
        return Ok(out);
    }
    let mut session = Session::open_preferred(host, &cfg)?;
    let existing = fetch_group_ids(&mut session)?;
    // Every device of the server, page by page: skimmed, only `conn` of wanted groups is read.
    let counts = count_paged(&mut session, &valid, existing.iter().map(String::as_str))?;
    session.close();
    for (id, usage) in counts {
        out.insert(id, usage.map_or(GroupCount::Gone, GroupCount::Counted));
    }
    Ok(out)
}

/// Splits the requested ids into well-formed group ids and the per-id errors of the others.
fn partition(ids: &[String]) -> (Vec<String>, Vec<(String, GroupCount)>) {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    for id in ids {
        match mesh_suffix(id) {
            Ok(_) => valid.push(id.clone()),
            Err(e) => invalid.push((id.clone(), GroupCount::Invalid(e.to_string()))),
        }
    }
    (valid, invalid)
}

/// Counts the devices of `wanted` over every page of the session's all-groups `nodes` (`ops::nodes`): one request
/// per page of up to `nodes::PAGE_SIZE` devices, so a server with tens of thousands of devices never has to fit
/// them into one message. Existence comes from `meshes` (groups without devices are absent from `nodes`).
/// Pages have no fixed order: a device added or removed on the server while the pages are read can shift one
/// device between pages (counted twice or not at all in this run; the next run counts it right).
pub fn count_paged<'e, H: Host>(
    session: &mut Session<'_, H>,
    wanted: &[String],
    existing: impl IntoIterator<Item = &'e str>,
) -> Result<Usage> {
    let mut counter = Counter::new(wanted, existing);
    if counter.counted.is_empty() {
        // None of the wanted groups exists: nothing to count, no device list to read.
        return Ok(counter.finish());
    }
    nodes::each_node(session, None, |group, c| counter.node(group, c))?;
    Ok(counter.finish())
}

/// `count_paged` over one reply already read (a server that does not page, or a test).
pub fn count<'e>(wanted: &[String], existing: impl IntoIterator<Item = &'e str>, nodes: &str) -> Result<Usage> {
    let mut counter = Counter::new(wanted, existing);
    nodes::read_page(nodes, |group, c| counter.node(group, c))?;
    Ok(counter.finish())
}

/// Per-group device counts, fed one device at a time.
struct Counter<'w> {
    wanted: &'w [String],
    counted: BTreeMap<&'w str, GroupUsage>,
}

impl<'w> Counter<'w> {
    fn new<'e>(wanted: &'w [String], existing: impl IntoIterator<Item = &'e str>) -> Self {
        let existing: BTreeSet<&str> = existing.into_iter().collect();
        let counted = wanted
            .iter()
            .filter(|id| existing.contains(id.as_str()))
            .map(|id| (id.as_str(), GroupUsage { devices: 0, online: 0 }))
            .collect();
        Counter { wanted, counted }
    }

    /// One device of `group` (the cursor on it); only `conn` of a wanted group's device is read.
    fn node(&mut self, group: &str, c: &mut skim::Cursor<'_>) -> skim::Skim<()> {
        let Some(usage) = self.counted.get_mut(group) else {
            return Ok(());
        };
        usage.devices += 1;
        if c.peek() == Some(b'{') {
            c.object(|c, field| {
                if field == "conn" && agent_connected(c.raw()?) {
                    usage.online += 1;
                }
                Ok(Flow::Continue(()))
            })?;
        }
        Ok(())
    }

    fn finish(self) -> Usage {
        self.wanted
            .iter()
            .map(|id| (id.clone(), self.counted.get(id.as_str()).copied()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{ConnId, LogLevel, OpenSpec, TransportError};

    /// A host whose network refuses every connection and counts the attempts.
    #[derive(Default)]
    struct NoNetwork {
        connects: u32,
    }
    impl Host for NoNetwork {
        fn ws_open(&mut self, _: &OpenSpec) -> std::result::Result<ConnId, TransportError> {
            self.connects += 1;
            Err(TransportError::Failed {
                kind: "connect".into(),
                message: "refused".into(),
            })
        }
        fn ws_send(&mut self, _: ConnId, _: &str) -> std::result::Result<(), TransportError> {
            Err(TransportError::BadHandle)
        }
        fn ws_recv(&mut self, _: ConnId, _: u32) -> std::result::Result<String, TransportError> {
            Err(TransportError::BadHandle)
        }
        fn ws_close(&mut self, _: ConnId) {}
        fn now_ms(&mut self) -> i64 {
            0
        }
        fn random_fill(&mut self, buf: &mut [u8]) -> std::result::Result<(), TransportError> {
            buf.fill(7);
            Ok(())
        }
        fn log(&mut self, _: LogLevel, _: &str) {}
    }

    #[test]
    fn empty_groups_count_zero_and_missing_groups_are_none() {
        let meshes =
            json!({"action":"meshes","meshes":[{"_id":"mesh//a"},{"_id":"mesh//b"},{"_id":"mesh//gone","deleted":1}]});
        let nodes = json!({"action":"nodes","nodes":{"mesh//a":[{"_id":"node//1","conn":1},{"_id":"node//2"}]}});
        let wanted = ["mesh//a", "mesh//b", "mesh//gone", "mesh//never"].map(String::from);
        let ids = crate::messages::lists::group_ids(&meshes.to_string()).unwrap();
        let existing = || ids.iter().map(String::as_str);
        let u = count(&wanted, existing(), &nodes.to_string()).unwrap();
        assert_eq!(u["mesh//a"], Some(GroupUsage { devices: 2, online: 1 }));
        assert_eq!(u["mesh//b"], Some(GroupUsage { devices: 0, online: 0 }));
        assert_eq!(u["mesh//gone"], None);
        assert_eq!(u["mesh//never"], None);
        for broken in [
            r#"{"action":"nodes"}"#,
            r#"{"action":"nodes","nodes":[]}"#,
            r#"{"nodes":{"mesh//a":[{]}}"#,
        ] {
            assert!(count(&wanted, existing(), broken).is_err(), "{broken}");
        }
    }

    #[test]
    fn a_malformed_group_id_fails_only_its_own_entry() {
        let ids = ["mesh//a", "not-a-group", "mesh//bad id", "mesh//b"].map(String::from);
        let (valid, invalid) = partition(&ids);
        assert_eq!(valid, ["mesh//a", "mesh//b"]);
        assert_eq!(invalid.len(), 2);
        for (id, entry) in &invalid {
            let GroupCount::Invalid(message) = entry else {
                panic!("{id}: {entry:?}");
            };
            assert!(message.contains(id.as_str()), "{message}");
            let value = serde_json::to_value(entry).unwrap();
            assert_eq!(value["error"]["kind"], "invalid_input", "{value}");
        }
        assert_eq!(
            serde_json::to_value(GroupCount::Counted(GroupUsage { devices: 3, online: 1 })).unwrap(),
            json!({"devices": 3, "online": 1})
        );
        assert_eq!(serde_json::to_value(GroupCount::Gone).unwrap(), serde_json::Value::Null);
    }

    #[test]
    fn only_malformed_ids_answer_without_connecting() {
        let mut host = NoNetwork::default();
        let input: UsageInput = serde_json::from_value(json!({
            "server": {"url": "https://127.0.0.1:1", "username": "admin", "password": "x"},
            "mesh_ids": ["nope"]
        }))
        .unwrap();
        let out = run(&mut host, input).unwrap();
        assert!(matches!(out["nope"], GroupCount::Invalid(_)));
        assert_eq!(host.connects, 0);
    }
}
