//! What ties a billing service to MeshCentral objects, and how the connector proves an object is its own.
//!
//! MeshCentral allows duplicate group names, so each group the connector makes carries a marker at the end of its
//! description: `[meshcentral-connector service=<key> user=<username>]`. The service key is chosen by the host (e.g.
//! `<WHMCS install tag>-<service id>`), so two billing installs on one server never collide. The marker is only a
//! lookup hint: anyone who may create groups can write it. Whether a group is the connector's at all is decided by
//! what MeshCentral itself records (creator and links, see `ownership`).
//! A user account counts as the connector's own only when all of these hold:
//! - it is named in the marker of this service's (trusted) group (or, once the group is gone, it is the name the host
//!   stored);
//! - its site rights are the customer profile (`rights::CUSTOMER_SITE_RIGHTS`, optionally LOCKED) and nothing else;
//! - it is linked to no group other than this service's;
//! - it is not the account the session is logged in as.
//!
//! An administrator, or any account someone else made or widened, fails at least one test and is never touched.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::ids::{mesh_suffix, user_id, validate_username};
use crate::ownership::{AccountDoubt, GroupRef, NotOwned, Trust};
use crate::rights::{CUSTOMER_SITE_MASK, CUSTOMER_SITE_RIGHTS};

const MARKER_OPEN: &str = "[meshcentral-connector ";
/// Marks the one group per server where terminated services' devices are parked (see `ops::terminate`).
pub const RETIRED_MARKER: &str = "[meshcentral-connector retired-agents]";
/// MeshCentral accepts group names up to 128 characters and descriptions up to 1024 (`meshuser.js` validation).
const MAX_GROUP_NAME: usize = 128;
const MAX_DESC: usize = 1024;

/// The service a request is about, as the host identifies it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRef {
    /// Stable and unique per billing service and install: `[A-Za-z0-9._-]{1,64}`.
    pub key: String,
    /// The service's MeshCentral user name; derived from the key when absent.
    #[serde(default)]
    pub username: Option<String>,
    /// The group id stored after an earlier provisioning, if any.
    #[serde(default)]
    pub mesh_id: Option<String>,
}

impl ServiceRef {
    pub fn validate(&self) -> Result<()> {
        validate_key(&self.key)?;
        validate_username(&self.username())?;
        if let Some(id) = &self.mesh_id {
            mesh_suffix(id)?;
        }
        Ok(())
    }

    /// The user name: the given one, or `mc-<key>` (lower-cased: MeshCentral lower-cases user ids).
    pub fn username(&self) -> String {
        match self.username.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => u.to_string(),
            None => format!("mc-{}", self.key.to_ascii_lowercase()),
        }
    }

    pub fn marker(&self) -> String {
        format!(
            "{MARKER_OPEN}service={} user={}]",
            self.key,
            self.username().to_lowercase()
        )
    }
}

/// A customer password as MeshCentral stores it (1-256 characters); control characters are refused up front.
pub fn validate_password(password: &str) -> Result<()> {
    if password.is_empty() || password.chars().count() > 256 || password.chars().any(char::is_control) {
        return Err(Error::InvalidInput(
            "the password must be 1-256 characters without control characters".into(),
        ));
    }
    Ok(())
}

/// More keys than any one billing install terminates on a server; a larger list is a host bug, refused up front.
const MAX_TERMINATED_KEYS: usize = 1_000_000;

/// What a server-wide op (server sync, the sweep, the audit) is scoped to: the install's key prefix (empty: every
/// service) and the keys of the services the host terminated, each checked as a service key; the terminated keys
/// as a set.
pub fn validate_scope<'k>(key_prefix: &str, terminated_keys: &'k [String]) -> Result<HashSet<&'k str>> {
    if !key_prefix.is_empty() {
        validate_key(key_prefix)?;
    }
    if terminated_keys.len() > MAX_TERMINATED_KEYS {
        return Err(Error::InvalidInput(format!(
            "{} terminated service keys is more than {MAX_TERMINATED_KEYS}",
            terminated_keys.len()
        )));
    }
    terminated_keys
        .iter()
        .map(|key| validate_key(key).map(|()| key.as_str()))
        .collect()
}

pub fn validate_key(key: &str) -> Result<()> {
    let ok = (1..=64).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "the service key '{key}' must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'"
        )))
    }
}

/// The marker found in a group description: (service key, user name).
pub fn parse_marker(desc: &str) -> Option<(String, String)> {
    let start = rfind_tag(desc, MARKER_OPEN)?;
    let rest = &desc[start + MARKER_OPEN.len()..];
    let body = &rest[..rest.find(']')?];
    let mut key = None;
    let mut user = None;
    for part in body.split(' ') {
        if let Some(v) = part.strip_prefix("service=") {
            key = Some(v.to_string());
        } else if let Some(v) = part.strip_prefix("user=") {
            user = Some(v.to_string());
        }
    }
    Some((key?, user?))
}

/// Whether a group description carries the retired-agents marker.
pub fn is_retired(desc: &str) -> bool {
    rfind_tag(desc, RETIRED_MARKER).is_some()
}

/// Where the last `tag` (which opens with `[`) starts in `text`: `text.rfind(tag)`, found from its bracket.
/// `rfind`/`contains` with a string needle set up a two-way searcher on every call, and a `meshes` reply asks once
/// per group: at 10,000 groups that setup was a visible share of server sync on the translated backend.
fn rfind_tag(text: &str, tag: &str) -> Option<usize> {
    debug_assert!(tag.starts_with('[') && !tag[1..].contains('['));
    let mut end = text.len();
    while let Some(i) = text[..end].rfind('[') {
        if text[i..].starts_with(tag) {
            return Some(i);
        }
        end = i;
    }
    None
}

/// Renders a group name template: `{company}`, `{client}`, `{service_id}`, `{product}`, `{domain}` ... are replaced
/// from `vars`; unknown placeholders stay as typed. Control characters are dropped, runs of spaces collapse, and the
/// result is cut to MeshCentral's limit. An empty result falls back to `Service <service_id>`.
pub fn render_group_name(template: &str, vars: &Map<String, Value>) -> Result<String> {
    if template.len() > 512 {
        return Err(Error::InvalidInput(
            "the group name template is longer than 512 characters".into(),
        ));
    }
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                let name = &after[..close];
                match vars.get(name) {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(Value::Number(n)) => out.push_str(&n.to_string()),
                    Some(_) => {}
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let mut name = out
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        let id = vars
            .get("service_id")
            .map(|v| v.to_string().trim_matches('"').to_string());
        name = format!("Service {}", id.unwrap_or_default()).trim().to_string();
    }
    Ok(truncate_chars(&name, MAX_GROUP_NAME))
}

/// The group description: the admin's text (cut to fit), then the marker.
pub fn group_description(text: &str, service: &ServiceRef) -> String {
    let marker = service.marker();
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    let room = MAX_DESC.saturating_sub(marker.chars().count() + 1);
    let clean = truncate_chars(clean.trim(), room);
    if clean.is_empty() {
        marker
    } else {
        format!("{clean} {marker}")
    }
}

fn truncate_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// A group as `meshes` lists it.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub marker: Option<(String, String)>,
    /// The description carries the marker of the connector's group for devices of terminated services.
    pub retired: bool,
    /// The account that created it (`creatorid`, set by MeshCentral itself).
    pub creator_id: Option<String>,
    /// Who has rights on it (`links`: user and user-group ids with their rights).
    pub links: Vec<(String, u32)>,
    /// When MeshCentral created it (`creation`, milliseconds since the epoch, set by the server at `createmesh`).
    pub creation_ms: Option<u64>,
}

/// A user as `users` lists it.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub site_rights: u32,
    /// Group ids (`mesh/...`) and rights this account is linked to.
    pub mesh_links: Vec<(String, u32)>,
    /// Links to anything else (single devices, user groups).
    pub other_links: usize,
    /// The account's e-mail address as MeshCentral stores it.
    pub email: Option<String>,
}

impl Account {
    /// An account from its id, name, site rights and `links` map entries (groups are `mesh/...` ids).
    pub fn from_links(id: String, name: String, site_rights: u32, links: Vec<(String, u32)>) -> Self {
        let (mesh_links, other): (Vec<_>, Vec<_>) = links.into_iter().partition(|(id, _)| id.starts_with("mesh/"));
        Account {
            id,
            name,
            site_rights,
            mesh_links,
            other_links: other.len(),
            email: None,
        }
    }

    pub fn locked(&self) -> bool {
        self.site_rights & crate::rights::site::LOCKED != 0
    }

    pub fn rights_on(&self, mesh_id: &str) -> Option<u32> {
        self.mesh_links.iter().find(|(m, _)| m == mesh_id).map(|(_, r)| *r)
    }
}

/// This service's group: the one the connector created whose marker names the service key (the stored id, when
/// given, must be such a group). Groups that carry the marker but that another account created are never this
/// service's: they are skipped, so a planted group is never adopted, moved into or deleted. A group the connector did
/// create but on which someone other than the service's user has rights is refused (`not_owned`, with who): that
/// needs a person, not a second group.
pub fn find_group<'a>(
    groups: &'a [Group],
    service: &ServiceRef,
    trust: &Trust,
    domain: &str,
) -> Result<Option<&'a Group>> {
    let customer = user_id(domain, &service.username());
    let marked: Vec<&Group> = groups
        .iter()
        .filter(|g| g.marker.as_ref().is_some_and(|(k, _)| k == &service.key))
        .filter(|g| trust.doubt_creator(g).is_none())
        .collect();
    if let Some(stored) = &service.mesh_id {
        if let Some(g) = groups.iter().find(|g| &g.id == stored) {
            if let Some(doubt) = trust.doubt(g, Some(&customer)) {
                return Err(NotOwned::Group {
                    id: stored.clone(),
                    via: GroupRef::Stored,
                    doubt,
                }
                .into());
            }
            if !marked.iter().any(|m| m.id == g.id) {
                return Err(NotOwned::StoredGroupUnmarked {
                    id: stored.clone(),
                    key: service.key.clone(),
                }
                .into());
            }
            return Ok(Some(g));
        }
    }
    match marked.as_slice() {
        [] => Ok(None),
        [one] => match trust.doubt(one, Some(&customer)) {
            None => Ok(Some(one)),
            Some(doubt) => Err(NotOwned::Group {
                id: one.id.clone(),
                via: GroupRef::Marked {
                    key: service.key.clone(),
                    user: service.username(),
                },
                doubt,
            }
            .into()),
        },
        _ => Err(NotOwned::DuplicateGroups {
            count: marked.len(),
            key: service.key.clone(),
        }
        .into()),
    }
}

/// Every account of a `users` reply by id: server sync and the sweep look one up for each of thousands of groups, and
/// a linear search each time made them quadratic in the number of services.
pub struct AccountIndex<'a> {
    accounts: &'a [Account],
    by_id: std::collections::HashMap<&'a str, usize>,
}

impl<'a> AccountIndex<'a> {
    pub fn new(accounts: &'a [Account]) -> Self {
        AccountIndex {
            accounts,
            by_id: accounts.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect(),
        }
    }

    /// The account named `username` in `domain`, if it exists.
    pub fn find(&self, domain: &str, username: &str) -> Option<&'a Account> {
        self.position(&user_id(domain, username)).map(|i| &self.accounts[i])
    }

    /// Where in the list the account whose id (`ids::user_id`) is `id` is, if it exists (a repeated id: its last
    /// place).
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
}

/// The account named `username`, if it exists.
pub fn find_account<'a>(accounts: &'a [Account], domain: &str, username: &str) -> Option<&'a Account> {
    let id = user_id(domain, username);
    accounts.iter().find(|a| a.id == id)
}

/// Why `account` is not the connector's own account for `service` (None = it is ours).
pub fn not_ours_reason(
    account: &Account,
    group: Option<&Group>,
    service: &ServiceRef,
    self_id: &str,
) -> Option<AccountDoubt> {
    if account.id == self_id {
        return Some(AccountDoubt::ConnectorOwn);
    }
    if account.site_rights & !CUSTOMER_SITE_MASK != 0
        || account.site_rights & CUSTOMER_SITE_RIGHTS != CUSTOMER_SITE_RIGHTS
    {
        return Some(AccountDoubt::SiteRights(account.site_rights));
    }
    let own_group = group.map(|g| g.id.as_str());
    if account.other_links > 0 || account.mesh_links.iter().any(|(m, _)| Some(m.as_str()) != own_group) {
        return Some(AccountDoubt::LinkedElsewhere);
    }
    if let Some(g) = group {
        let named = g.marker.as_ref().map(|(_, u)| u.as_str());
        if named != Some(service.username().to_lowercase().as_str()) {
            return Some(AccountDoubt::NotNamedBy { group: g.id.clone() });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn svc(key: &str) -> ServiceRef {
        ServiceRef {
            key: key.into(),
            username: None,
            mesh_id: None,
        }
    }

    #[test]
    fn marker_round_trips_and_username_derives_from_the_key() {
        let s = svc("WH1-42");
        assert_eq!(s.username(), "mc-wh1-42");
        let desc = group_description("Acme servers", &s);
        assert_eq!(
            desc,
            "Acme servers [meshcentral-connector service=WH1-42 user=mc-wh1-42]"
        );
        assert_eq!(parse_marker(&desc), Some(("WH1-42".into(), "mc-wh1-42".into())));
        assert_eq!(parse_marker("no marker"), None);
        assert!(validate_key("a b").is_err());
        assert!(validate_key("").is_err());
    }

    #[test]
    fn templates_fill_known_fields_and_keep_names_in_limits() {
        let vars = json!({"company": "Acme\nLtd", "service_id": 42, "client": ""});
        let vars = vars.as_object().unwrap();
        assert_eq!(
            render_group_name("{company} #{service_id}", vars).unwrap(),
            "Acme Ltd #42"
        );
        assert_eq!(render_group_name("{client}", vars).unwrap(), "Service 42");
        assert_eq!(render_group_name("{unknown} x", vars).unwrap(), "{unknown} x");
        assert_eq!(render_group_name(&"x".repeat(300), vars).unwrap().len(), 128);
    }

    #[test]
    fn only_the_customer_profile_linked_to_its_own_group_is_ours() {
        let s = svc("k1");
        let group = Group {
            id: "mesh//g".into(),
            name: "g".into(),
            marker: Some(("k1".into(), "mc-k1".into())),
            retired: false,
            creator_id: Some("user//admin".into()),
            links: vec![("user//admin".into(), 0xFFFF_FFFF)],
            creation_ms: None,
        };
        let ours = Account {
            id: "user//mc-k1".into(),
            name: "mc-k1".into(),
            site_rights: CUSTOMER_SITE_RIGHTS | 32,
            mesh_links: vec![("mesh//g".into(), 8)],
            other_links: 0,
            email: None,
        };
        assert_eq!(not_ours_reason(&ours, Some(&group), &s, "user//admin"), None);
        let admin = Account {
            site_rights: 0xFFFF_FFFF,
            ..ours.clone()
        };
        assert!(not_ours_reason(&admin, Some(&group), &s, "user//admin").is_some());
        let elsewhere = Account {
            mesh_links: vec![("mesh//g".into(), 8), ("mesh//other".into(), 8)],
            ..ours.clone()
        };
        assert!(not_ours_reason(&elsewhere, Some(&group), &s, "user//admin").is_some());
        assert!(not_ours_reason(&ours, Some(&group), &s, "user//mc-k1").is_some());
    }

    fn trust() -> Trust {
        let cfg = crate::config::ServerConfig::from_input(crate::config::test_input("https://127.0.0.1:4430")).unwrap();
        Trust::new("user//admin", &cfg)
    }

    fn marked(id: &str, key: &str, creator: &str) -> Group {
        Group {
            id: id.into(),
            name: id.into(),
            marker: Some((key.into(), format!("mc-{key}"))),
            retired: false,
            creator_id: Some(creator.into()),
            links: vec![(creator.into(), 0xFFFF_FFFF)],
            creation_ms: None,
        }
    }

    #[test]
    fn a_stored_group_without_our_marker_is_refused() {
        let groups = vec![Group {
            marker: None,
            ..marked("mesh//x", "k1", "user//admin")
        }];
        let mut s = svc("k1");
        s.mesh_id = Some("mesh//x".into());
        assert_eq!(find_group(&groups, &s, &trust(), "").unwrap_err().kind(), "not_owned");
        s.mesh_id = None;
        assert!(find_group(&groups, &s, &trust(), "").unwrap().is_none());
    }

    #[test]
    fn a_planted_marker_is_never_this_services_group() {
        let planted = marked("mesh//planted", "k1", "user//mallory");
        let ours = marked("mesh//ours", "k1", "user//admin");
        let s = svc("k1");
        // Alone, the planted group is not found (provisioning then creates the service's own group) ...
        assert!(find_group(std::slice::from_ref(&planted), &s, &trust(), "")
            .unwrap()
            .is_none());
        // ... next to ours it neither wins nor counts as a duplicate ...
        let both = vec![planted.clone(), ours];
        assert_eq!(find_group(&both, &s, &trust(), "").unwrap().unwrap().id, "mesh//ours");
        // ... and stored ids are checked too.
        let mut stored = svc("k1");
        stored.mesh_id = Some("mesh//planted".into());
        assert_eq!(
            find_group(&both, &stored, &trust(), "").unwrap_err().kind(),
            "not_owned"
        );
        // Our group with a stranger linked in is refused, with who.
        let mut widened = marked("mesh//ours", "k1", "user//admin");
        widened.links.push(("user//mallory".into(), 8));
        let e = find_group(&[widened], &s, &trust(), "").unwrap_err();
        assert_eq!(e.kind(), "not_owned");
        assert!(e.to_string().contains("user//mallory has rights on it"), "{e}");
    }
}
