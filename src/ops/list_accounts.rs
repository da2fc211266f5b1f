//! Server sync: every service the connector provisioned on this server, read back from MeshCentral (one `meshes`,
//! one `users` and the pages of one all-groups `nodes` request, in one session), for WHMCS's import tool and for
//! spotting drift.

use serde::{Deserialize, Serialize, Serializer};

use crate::config::{ServerConfig, ServerInput};
use crate::error::Result;
use crate::host::Host;
use crate::ids::user_id;
use crate::ops::objects::load_state;
use crate::ops::usage::GroupUsage;
use crate::ops::{sweep, usage};
use crate::ownership::Trust;
use crate::rights::RightsPreset;
use crate::service::{validate_scope, Account, AccountIndex, Group};
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

/// One service as server sync reports it. Borrowed from the replies it was read from (at 10,000 services, copying
/// five strings per entry was a visible cost on the translated backend).
#[derive(Debug, Serialize)]
pub struct ServiceAccount<'a> {
    pub service_key: &'a str,
    pub mesh_id: &'a str,
    pub group_name: &'a str,
    pub username: &'a str,
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
    pub email: Option<&'a str>,
    /// The host terminated this service and MeshCentral agrees (its user is gone, nobody but the connector has
    /// rights): an agent enrolled with the old group id and MeshCentral undeleted the group. Not an account; the
    /// sweep (`ops::sweep`) retires it again.
    pub came_back: bool,
}

/// Server sync's answer: the replies' groups and accounts, and which of them are the services found (sorted by key).
/// It serialises as a list of `ServiceAccount`s, each borrowed from the replies while it is written.
pub struct ServiceList {
    groups: Vec<Group>,
    accounts: Vec<Account>,
    found: Vec<Found>,
}

/// One service found: its group, its account (when it exists), its devices.
struct Found {
    group: usize,
    account: Option<usize>,
    usage: GroupUsage,
    came_back: bool,
}

impl ServiceList {
    pub fn entries(&self) -> impl Iterator<Item = ServiceAccount<'_>> {
        self.found.iter().filter_map(|f| {
            let g = &self.groups[f.group];
            let (key, username) = g.marker.as_ref()?;
            let account = f.account.map(|i| &self.accounts[i]);
            Some(ServiceAccount {
                service_key: key,
                mesh_id: &g.id,
                group_name: &g.name,
                username: account.map_or(username, |a| &a.name),
                user_exists: account.is_some(),
                locked: account.is_some_and(Account::locked),
                preset: account
                    .and_then(|a| a.rights_on(&g.id))
                    .and_then(RightsPreset::from_rights)
                    .map(RightsPreset::name),
                devices: f.usage.devices,
                online: f.usage.online,
                created_ms: g.creation_ms,
                email: account.and_then(|a| a.email.as_deref()),
                came_back: f.came_back,
            })
        })
    }
}

impl Serialize for ServiceList {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.entries())
    }
}

/// A group whose marker names a service, and the id of the account the marker names (made once per group: the
/// trust check and the account lookup both need it).
struct Candidate<'g> {
    group: usize,
    key: &'g str,
    customer: String,
    /// The first 8 bytes after the key prefix as a big-endian number (zero-padded): orders as those bytes do, so
    /// it decides nearly every comparison of the sort without a byte-by-byte compare (each costs on the translated
    /// backend); equal heads fall back to the whole key.
    head: u64,
}

/// `Candidate::head` of `bytes`.
fn sort_head(bytes: &[u8]) -> u64 {
    let mut head = [0u8; 8];
    let n = bytes.len().min(8);
    head[..n].copy_from_slice(&bytes[..n]);
    u64::from_be_bytes(head)
}

pub fn run<H: Host>(host: &mut H, input: ListAccountsInput) -> Result<ServiceList> {
    let cfg = ServerConfig::from_input(input.server)?;
    let terminated = validate_scope(&input.key_prefix, &input.terminated_keys)?;
    let mut session = Session::open_preferred(host, &cfg)?;
    let (groups, accounts) = load_state(&mut session)?;
    let own_id = session.own_user_id();

    // Only groups MeshCentral says the connector made, linked to nobody but its accounts and the named user.
    let trust = Trust::new(&own_id, &cfg);
    let mut ours: Vec<Candidate> = groups
        .iter()
        .enumerate()
        .filter_map(|(i, group)| {
            let (key, username) = group.marker.as_ref()?;
            let named = input
                .username
                .as_deref()
                .is_none_or(|wanted| wanted.eq_ignore_ascii_case(username));
            (key.starts_with(&input.key_prefix) && named).then(|| Candidate {
                group: i,
                key,
                customer: user_id(&cfg.domain, username),
                head: sort_head(&key.as_bytes()[input.key_prefix.len()..]),
            })
        })
        .filter(|c| trust.doubt(&groups[c.group], Some(&c.customer)).is_none())
        .collect();
    // By key; every key starts with the prefix, so only what follows it is compared.
    let skip = input.key_prefix.len();
    ours.sort_by(|a, b| {
        a.head
            .cmp(&b.head)
            .then_with(|| a.key.as_bytes()[skip..].cmp(&b.key.as_bytes()[skip..]))
    });
    let ids: Vec<&str> = ours.iter().map(|c| groups[c.group].id.as_str()).collect();
    let counts = usage::count_paged(&mut session, &ids)?;
    session.close();
    let index = AccountIndex::new(&accounts);
    let found = ours
        .into_iter()
        .zip(counts)
        .map(|(c, usage)| Found {
            group: c.group,
            account: index.position(&c.customer),
            usage,
            came_back: terminated.contains(c.key)
                && sweep::not_came_back(&groups[c.group], &index, &trust, &cfg.domain).is_none(),
        })
        .collect();
    Ok(ServiceList {
        groups,
        accounts,
        found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_heads_order_as_the_bytes_do() {
        let keys: [&[u8]; 9] = [
            b"",
            b"\0",
            b"1",
            b"10",
            b"100000000",
            b"10000000",
            b"2",
            b"abcdefgh\x01",
            b"abcdefgh",
        ];
        for a in keys {
            for b in keys {
                let by_head = sort_head(a).cmp(&sort_head(b)).then_with(|| a.cmp(b));
                assert_eq!(by_head, a.cmp(b), "{a:?} vs {b:?}");
            }
        }
    }
}
