//! Device counts for many services' groups in one connection: one `meshes` and the pages of one all-groups `nodes`
//! per server, not per service (WHMCS's daily UsageUpdate runs once per server). A malformed group id fails only its own entry (one bad
//! stored id must not stop the counts of every other service on the server).

use std::collections::{BTreeMap, HashMap, HashSet};

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
    let existing: HashSet<&str> = existing.iter().map(String::as_str).collect();
    let (present, gone): (Vec<&str>, Vec<&str>) =
        valid.iter().map(String::as_str).partition(|id| existing.contains(id));
    // Every device of the server, page by page: skimmed, only `conn` of wanted groups is read.
    let counts = count_paged(&mut session, &present)?;
    session.close();
    out.extend(gone.into_iter().map(|id| (id.to_string(), GroupCount::Gone)));
    out.extend(
        present
            .into_iter()
            .zip(counts)
            .map(|(id, usage)| (id.to_string(), GroupCount::Counted(usage))),
    );
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

/// Counts the devices of `groups` (groups that exist: `meshes` lists them; a group without devices is absent from
/// `nodes` and counts zero) over every page of the session's all-groups `nodes` (`ops::nodes`): one request per page
/// of up to `nodes::PAGE_SIZE` devices, so a server with tens of thousands of devices never has to fit them into one
/// message. One count per entry of `groups`, in its order. Pages have no fixed order: a device added or removed on
/// the server while the pages are read can shift one device between pages (counted twice or not at all in this run;
/// the next run counts it right).
pub fn count_paged<H: Host>(session: &mut Session<'_, H>, groups: &[&str]) -> Result<Vec<GroupUsage>> {
    let mut counter = Counter::new(groups);
    if !groups.is_empty() {
        // (With no group to count there is no device list to read.)
        nodes::each_node(session, None, |group, c| counter.node(group, c))?;
    }
    Ok(counter.finish())
}

/// `count_paged` over one reply already read (a server that does not page, or a test).
pub fn count(groups: &[&str], nodes: &str) -> Result<Vec<GroupUsage>> {
    let mut counter = Counter::new(groups);
    nodes::read_page(nodes, |group, c| counter.node(group, c))?;
    Ok(counter.finish())
}

/// Per-group device counts, fed one device at a time. Each group is looked up once per device, never per group of
/// the result (at 10,000 services a lookup per group and step was a large part of server sync's time on the
/// translated backend).
struct Counter<'g> {
    /// Where each group's count is kept (a group listed twice shares the slot of its first place).
    slots: HashMap<&'g str, usize>,
    /// For each entry of `groups`, its slot.
    slot_of: Vec<usize>,
    counts: Vec<GroupUsage>,
}

impl<'g> Counter<'g> {
    fn new(groups: &[&'g str]) -> Self {
        let mut slots = HashMap::with_capacity(groups.len());
        let slot_of = groups
            .iter()
            .enumerate()
            .map(|(i, id)| *slots.entry(*id).or_insert(i))
            .collect();
        Counter {
            slots,
            slot_of,
            counts: vec![GroupUsage { devices: 0, online: 0 }; groups.len()],
        }
    }

    fn node(&mut self, group: &str, c: &mut skim::Cursor<'_>) -> skim::Skim<()> {
        let Some(&slot) = self.slots.get(group) else {
            return Ok(());
        };
        let usage = &mut self.counts[slot];
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

    fn finish(self) -> Vec<GroupUsage> {
        self.slot_of.iter().map(|&slot| self.counts[slot]).collect()
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
    fn groups_without_devices_count_zero_and_a_repeated_group_shares_its_count() {
        let nodes = json!({"action":"nodes","nodes":{
            "mesh//a":[{"_id":"node//1","conn":1},{"_id":"node//2"}],
            "mesh//other":[{"_id":"node//3","conn":1}]
        }});
        let groups = ["mesh//a", "mesh//b", "mesh//a"];
        let u = count(&groups, &nodes.to_string()).unwrap();
        let a = GroupUsage { devices: 2, online: 1 };
        assert_eq!(u, [a, GroupUsage { devices: 0, online: 0 }, a]);
        for broken in [
            r#"{"action":"nodes"}"#,
            r#"{"action":"nodes","nodes":[]}"#,
            r#"{"nodes":{"mesh//a":[{]}}"#,
        ] {
            assert!(count(&groups, broken).is_err(), "{broken}");
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
