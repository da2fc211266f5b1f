//! The audit: every connector group and account on a server checked against the rules the other operations enforce
//! (`ownership`, `rights`, the service marker and username rules of `service`, and server sync's view of which
//! groups are services), read in one session from one `meshes` and one `users` reply. It changes nothing; each
//! finding says what would fix it: `repair` (provisioning's idempotent steps for that service), `retire` (the sweep)
//! or `manual` (a person decides: the connector never touches what it cannot prove is its own).
//!
//! The rules live here so that every host (the PHP module, the `meshconnector` command of `js-host/`) reports the
//! same findings; hosts only print them.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::config::{ServerConfig, ServerInput};
use crate::error::Result;
use crate::host::Host;
use crate::ids::user_id;
use crate::ops::objects::load_state;
use crate::ops::sweep;
use crate::ownership::Trust;
use crate::rights::{check_customer_group_rights, RightsPreset, CUSTOMER_SITE_MASK, CUSTOMER_SITE_RIGHTS};
use crate::service::{not_ours_reason, validate_key, validate_scope, Account, AccountIndex, Group, ServiceRef};
use crate::session::Session;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditInput {
    pub server: ServerInput,
    /// Only services whose key starts with this (one billing install's); all when empty. Accounts that no group
    /// names are then only reported when their name is the derived `mc-<prefix>...`.
    #[serde(default)]
    pub key_prefix: String,
    /// The services the host terminated: their groups must not exist (`came_back` when MeshCentral undeleted one).
    #[serde(default)]
    pub terminated_keys: Vec<String>,
}

/// Who a finding is about and what fixes it.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// `planted_marker`, `duplicate_group`, `extra_link`, `came_back`, `terminated_group_exists`,
    /// `group_without_user`, `user_not_linked`, `wrong_rights`, `site_rights`, `sees_other_group`, `linked_elsewhere`,
    /// `account_not_ours`, `user_without_group`.
    pub kind: &'static str,
    pub service_key: Option<String>,
    pub mesh_id: Option<String>,
    pub username: Option<String>,
    pub detail: String,
    /// `repair` (the `provision` op for this service), `retire` (the `sweep` op) or `manual`.
    pub fix: &'static str,
}

/// One connector service group as the audit saw it.
#[derive(Debug, Serialize)]
pub struct AuditedService {
    pub service_key: String,
    pub mesh_id: String,
    pub group_name: String,
    pub username: String,
    pub user_exists: bool,
    pub locked: bool,
    /// The preset the customer's link matches; `None` when unlinked or the rights match no preset.
    pub preset: Option<&'static str>,
    /// The customer's rights on its group, as MeshCentral stores them.
    pub group_rights: Option<u32>,
    pub terminated: bool,
    /// No finding names this service.
    pub ok: bool,
}

#[derive(Debug, Serialize)]
pub struct Audit {
    /// Groups that carry a service marker (trusted or not) and accounts MeshCentral listed.
    pub groups_checked: usize,
    pub accounts_checked: usize,
    pub services: Vec<AuditedService>,
    pub findings: Vec<Finding>,
}

pub fn run<H: Host>(host: &mut H, input: AuditInput) -> Result<Audit> {
    let cfg = ServerConfig::from_input(input.server)?;
    let terminated = validate_scope(&input.key_prefix, &input.terminated_keys)?;
    let mut session = Session::open_preferred(host, &cfg)?;
    let (groups, accounts) = load_state(&mut session)?;
    let own_id = session.own_user_id();
    session.close();
    Ok(check(&cfg, &own_id, &groups, &accounts, &input.key_prefix, &terminated))
}

/// The rules, on what MeshCentral listed (pure: unit-tested below).
pub fn check(
    cfg: &ServerConfig,
    own_id: &str,
    groups: &[Group],
    accounts: &[Account],
    key_prefix: &str,
    terminated: &HashSet<&str>,
) -> Audit {
    let trust = Trust::new(own_id, cfg);
    let index = AccountIndex::new(accounts);
    let domain = cfg.domain.as_str();
    let mut findings = Vec::new();
    let finding = |kind, key: &str, mesh: &str, user: Option<&str>, detail: String, fix| Finding {
        kind,
        service_key: Some(key.to_string()),
        mesh_id: Some(mesh.to_string()),
        username: user.map(str::to_string),
        detail,
        fix,
    };

    let marked: Vec<(&Group, &str, &str)> = groups
        .iter()
        .filter(|g| !g.retired)
        .filter_map(|g| g.marker.as_ref().map(|(k, u)| (g, k.as_str(), u.as_str())))
        .filter(|(_, key, _)| key.starts_with(key_prefix))
        .collect();
    let mut ours: Vec<(&Group, &str, &str)> = Vec::new();
    for (g, key, user) in &marked {
        match trust.doubt_creator(g) {
            None => ours.push((g, key, user)),
            Some(doubt) => findings.push(finding(
                "planted_marker",
                key,
                &g.id,
                Some(user),
                format!(
                    "the group '{}' carries the connector's marker but {doubt}: never adopted, listed or deleted",
                    g.name
                ),
                "manual",
            )),
        }
    }
    // The connector's service groups by id: a customer linked to one of them that is not its own sees another
    // customer's devices.
    let service_of: HashMap<&str, &str> = ours.iter().map(|(g, key, _)| (g.id.as_str(), *key)).collect();
    let mut per_key: HashMap<&str, usize> = HashMap::new();
    for (_, key, _) in &ours {
        *per_key.entry(key).or_default() += 1;
    }
    let named_users: HashSet<String> = ours.iter().map(|(_, _, u)| user_id(domain, u)).collect();

    let mut services = Vec::new();
    for (g, key, username) in &ours {
        let before = findings.len();
        let customer = user_id(domain, username);
        let account = index.find(domain, username);
        if validate_key(key).is_err() {
            findings.push(finding(
                "planted_marker",
                key,
                &g.id,
                Some(username),
                format!("the group '{}' carries a marker whose service key is not valid", g.name),
                "manual",
            ));
        }
        if per_key[key] > 1 {
            findings.push(finding(
                "duplicate_group",
                key,
                &g.id,
                Some(username),
                format!(
                    "{} device groups made by the connector carry the marker of service '{key}'",
                    per_key[key]
                ),
                "manual",
            ));
        }
        for (who, rights) in &g.links {
            if !trust.accepts(who) && who != &customer {
                let whose = named_users.contains(who).then_some(" (another service's customer)");
                findings.push(finding(
                    "extra_link",
                    key,
                    &g.id,
                    Some(username),
                    format!("{who}{} has rights {rights:#x} on the group", whose.unwrap_or("")),
                    "manual",
                ));
            }
        }
        let is_terminated = terminated.contains(key);
        if is_terminated {
            match sweep::not_came_back(g, &index, &trust, domain) {
                None => findings.push(finding(
                    "came_back",
                    key,
                    &g.id,
                    Some(username),
                    "the group of this terminated service exists again (an agent enrolled with its old id)".into(),
                    "retire",
                )),
                Some(reason) => findings.push(finding(
                    "terminated_group_exists",
                    key,
                    &g.id,
                    Some(username),
                    format!("this service was terminated but its group exists and {reason}"),
                    "manual",
                )),
            }
        }
        let rights = account.and_then(|a| a.rights_on(&g.id));
        match account {
            None if !is_terminated => findings.push(finding(
                "group_without_user",
                key,
                &g.id,
                Some(username),
                format!("the group's user {customer} does not exist"),
                "repair",
            )),
            None => {}
            Some(a) => {
                let service = ServiceRef {
                    key: key.to_string(),
                    username: Some(username.to_string()),
                    mesh_id: Some(g.id.clone()),
                };
                findings.extend(
                    account_findings(a, g, &service, own_id, &service_of)
                        .into_iter()
                        .map(|(kind, detail, fix)| finding(kind, key, &g.id, Some(username), detail, fix)),
                );
            }
        }
        services.push(AuditedService {
            service_key: key.to_string(),
            mesh_id: g.id.clone(),
            group_name: g.name.clone(),
            username: account.map_or_else(|| username.to_string(), |a| a.name.clone()),
            user_exists: account.is_some(),
            locked: account.is_some_and(Account::locked),
            preset: rights.and_then(RightsPreset::from_rights).map(RightsPreset::name),
            group_rights: rights,
            terminated: is_terminated,
            ok: findings.len() == before,
        });
    }

    // Accounts with the customer profile that no connector group names: a user without its group (its group was
    // deleted by hand, or someone made an account that looks like the connector's).
    let derived_prefix = format!("mc-{}", key_prefix.to_ascii_lowercase());
    for a in accounts {
        let profile =
            a.site_rights & !CUSTOMER_SITE_MASK == 0 && a.site_rights & CUSTOMER_SITE_RIGHTS == CUSTOMER_SITE_RIGHTS;
        if !profile || a.id == own_id || named_users.contains(&a.id) {
            continue;
        }
        if !key_prefix.is_empty() && !a.name.to_ascii_lowercase().starts_with(&derived_prefix) {
            continue;
        }
        let sees = a
            .mesh_links
            .iter()
            .filter_map(|(m, _)| service_of.get(m.as_str()).map(|k| format!("{m} (service {k})")))
            .collect::<Vec<_>>();
        let detail = if sees.is_empty() {
            "an account with the connector's customer profile that no connector group names".to_string()
        } else {
            format!(
                "an account with the customer profile that no connector group names, linked to {}",
                sees.join(", ")
            )
        };
        findings.push(Finding {
            kind: "user_without_group",
            service_key: None,
            mesh_id: None,
            username: Some(a.name.clone()),
            detail,
            fix: "manual",
        });
    }

    services.sort_by(|a, b| a.service_key.cmp(&b.service_key).then(a.mesh_id.cmp(&b.mesh_id)));
    Audit {
        groups_checked: marked.len(),
        accounts_checked: accounts.len(),
        services,
        findings,
    }
}

/// What is wrong with a service's existing account: (kind, detail, fix).
fn account_findings(
    a: &Account,
    g: &Group,
    service: &ServiceRef,
    own_id: &str,
    service_of: &HashMap<&str, &str>,
) -> Vec<(&'static str, String, &'static str)> {
    let mut out = Vec::new();
    if a.site_rights & !CUSTOMER_SITE_MASK != 0 || a.site_rights & CUSTOMER_SITE_RIGHTS != CUSTOMER_SITE_RIGHTS {
        out.push((
            "site_rights",
            format!(
                "its site rights are {:#x}, not the customer profile {CUSTOMER_SITE_RIGHTS:#x} (+ LOCKED)",
                a.site_rights
            ),
            "manual",
        ));
    }
    for (m, rights) in a.mesh_links.iter().filter(|(m, _)| m != &g.id) {
        match service_of.get(m.as_str()) {
            Some(other) => out.push((
                "sees_other_group",
                format!("the customer can see the group {m} of service '{other}' (rights {rights:#x})"),
                "manual",
            )),
            None => out.push((
                "linked_elsewhere",
                format!("linked to the device group {m} (rights {rights:#x})"),
                "manual",
            )),
        }
    }
    if a.other_links > 0 {
        out.push((
            "linked_elsewhere",
            format!("linked to {} device(s) or user group(s)", a.other_links),
            "manual",
        ));
    }
    match a.rights_on(&g.id) {
        None => out.push((
            "user_not_linked",
            "the user has no rights on its group".into(),
            "repair",
        )),
        Some(r) if RightsPreset::from_rights(r).is_none() || check_customer_group_rights(r).is_err() => out.push((
            "wrong_rights",
            format!("its rights on the group are {r:#x}, which match no preset"),
            "repair",
        )),
        Some(_) => {}
    }
    // Whatever else provisioning's own ownership rule refuses (e.g. the connector's own account).
    if out.is_empty() {
        if let Some(reason) = not_ours_reason(a, Some(g), service, own_id) {
            out.push(("account_not_ours", reason.to_string(), "manual"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::config::test_config as cfg;

    fn group(id: &str, key: &str, creator: &str, links: &[(&str, u32)]) -> Group {
        Group {
            id: id.into(),
            name: format!("Group {key}"),
            marker: Some((key.into(), format!("mc-{key}"))),
            retired: false,
            creator_id: Some(creator.into()),
            links: links.iter().map(|(l, r)| (l.to_string(), *r)).collect(),
            creation_ms: None,
        }
    }

    fn account(name: &str, site: u32, links: &[(&str, u32)]) -> Account {
        Account::from_links(
            format!("user//{name}"),
            name.into(),
            site,
            links.iter().map(|(l, r)| (l.to_string(), *r)).collect(),
        )
    }

    const ADMIN: u32 = 0xFFFF_FFFF;
    const FULL: u32 = 0x16C0DC;

    fn kinds(a: &Audit) -> Vec<(&str, Option<&str>)> {
        a.findings.iter().map(|f| (f.kind, f.service_key.as_deref())).collect()
    }

    #[test]
    fn a_healthy_server_has_no_findings() {
        let groups = [group(
            "mesh//a",
            "a",
            "user//connector",
            &[("user//connector", ADMIN), ("user//mc-a", FULL)],
        )];
        let accounts = [
            account("connector", ADMIN, &[("mesh//a", ADMIN)]),
            account("mc-a", CUSTOMER_SITE_RIGHTS | 32, &[("mesh//a", FULL)]),
        ];
        let audit = check(&cfg(), "user//connector", &groups, &accounts, "", &HashSet::new());
        assert_eq!(kinds(&audit), []);
        assert!(audit.services[0].ok && audit.services[0].locked);
        assert_eq!(audit.services[0].preset, Some("full"));
    }

    #[test]
    fn every_rule_is_reported_with_its_fix() {
        let c = "user//connector";
        let groups = [
            group("mesh//a", "a", c, &[(c, ADMIN), ("user//mc-a", 0x1F)]),
            group("mesh//b", "b", c, &[(c, ADMIN)]),
            group(
                "mesh//c",
                "c",
                c,
                &[(c, ADMIN), ("user//mc-c", FULL), ("user//mallory", 8)],
            ),
            group("mesh//d", "d", c, &[(c, ADMIN), ("user//mc-d", FULL)]),
            group("mesh//e", "e", "user//mallory", &[("user//mallory", ADMIN)]),
            group("mesh//t", "t", c, &[(c, ADMIN)]),
            group("mesh//u", "u", c, &[(c, ADMIN), ("user//mc-u", FULL)]),
        ];
        let accounts = [
            account("connector", ADMIN, &[]),
            account("mc-a", CUSTOMER_SITE_RIGHTS, &[("mesh//a", 0x1F)]),
            account("mc-c", CUSTOMER_SITE_RIGHTS, &[("mesh//c", FULL)]),
            account("mc-d", CUSTOMER_SITE_RIGHTS, &[("mesh//d", FULL), ("mesh//c", 8)]),
            account("mc-u", 0, &[]),
            account("mc-stray", CUSTOMER_SITE_RIGHTS, &[]),
            account("mallory", 0, &[("mesh//c", 8)]),
        ];
        let terminated: HashSet<&str> = ["t"].into();
        let audit = check(&cfg(), c, &groups, &accounts, "", &terminated);
        let k = kinds(&audit);
        for expected in [
            ("wrong_rights", Some("a")),
            ("group_without_user", Some("b")),
            ("extra_link", Some("c")),
            ("sees_other_group", Some("d")),
            ("planted_marker", Some("e")),
            ("came_back", Some("t")),
            ("site_rights", Some("u")),
            ("user_not_linked", Some("u")),
            ("user_without_group", None),
        ] {
            assert!(k.contains(&expected), "{expected:?} in {k:?}");
        }
        let fix = |kind: &str| audit.findings.iter().find(|f| f.kind == kind).unwrap().fix;
        assert_eq!(fix("wrong_rights"), "repair");
        assert_eq!(fix("group_without_user"), "repair");
        assert_eq!(fix("came_back"), "retire");
        assert_eq!(fix("sees_other_group"), "manual");
        assert_eq!(audit.services.len(), 6, "the planted group is not a service");
        assert!(!audit.services.iter().any(|s| s.service_key == "t" && s.ok));
    }
}
