//! Provisioning a service: its device group, its user, and the one link between them.
//!
//! Idempotent: the group is found by the marker in its description among the groups MeshCentral says the connector
//! made (never by name: MeshCentral allows duplicate names), the user by name plus the ownership rules of `service`,
//! and each step runs only when its result is missing, so a re-run after any partial failure finishes the job without
//! duplicates.
//!
//! Order: group first (its marker names the user to come), then the user, then the link. So a user that exists
//! while this service has no group was not made by this code, and provisioning refuses to adopt it; and whatever an
//! interrupted run leaves behind (a group; a group and its unlinked user; both linked) is recognisable as this
//! service's own work by the next run, which adopts it.
//!
//! Failures: when MeshCentral refuses a step on a working connection, what this call created is removed again on
//! that same connection, the user before the group (the group's marker is what proves the user is ours, so it must
//! outlive it). When the connection breaks, times out or answers nonsense, the state of the last request is unknown
//! (MeshCentral may have acted and lost only its reply): nothing is undone, the error keeps its kind, and the next
//! run converges. Undoing on a guess is what used to strand a user whose group had been deleted.
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::{ServerConfig, ServerInput};
use crate::error::{Error, Result};
use crate::host::{Host, LogLevel};
use crate::ids::user_id;
use crate::messages::reply::expect_ok;
use crate::ops::objects::{create_group, customer_view, delete_group, delete_user, link, load_state};
use crate::ownership::{AccountDoubt, AccountUse, NotOwned, Trust};
use crate::rights::{check_customer_group_rights, RightsPreset, CUSTOMER_SITE_RIGHTS};
use crate::service::{self, find_account, find_group, not_ours_reason, ServiceRef};
use crate::session::{AuthMethod, Detached, Session};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionInput {
    pub server: ServerInput,
    pub service: ServiceRef,
    /// e.g. `{company} #{service_id}`; see `service::render_group_name`.
    pub group_name_template: String,
    /// Values for the template (company, client, service_id, product, ...).
    #[serde(default)]
    pub vars: Map<String, Value>,
    #[serde(default)]
    pub description: String,
    /// The customer's password; a strong random one is generated (and returned) when absent.
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub realname: Option<String>,
    pub preset: RightsPreset,
    /// The host vouches that no earlier provisioning attempt for this service key can have reached MeshCentral (its
    /// journal has none, and the service was never provisioned): then nothing half-made can exist, and the search for
    /// it (every group and every account of the server, megabytes at 10,000 services) is skipped. See `fresh_steps`.
    #[serde(default)]
    pub fresh: bool,
}

#[derive(Debug, Serialize)]
pub struct Provisioned {
    pub mesh_id: String,
    pub group_name: String,
    pub username: String,
    pub user_id: String,
    /// Only when this call generated it (the host stores it); never echoes a password it was given.
    pub generated_password: Option<String>,
    pub group_rights: u32,
    pub created_group: bool,
    pub created_user: bool,
}

/// Everything checked before the first byte is sent.
struct Plan {
    service: ServiceRef,
    username: String,
    group_name: String,
    description: String,
    password: Option<String>,
    email: Option<String>,
    realname: Option<String>,
    rights: u32,
}

/// What this call created, for undo on failure.
#[derive(Default)]
struct Created {
    group: Option<String>,
    user: Option<String>,
    /// The user was linked with full rights so that it can take the connector's own link off the new group
    /// (`hand_over`); its plan's rights are set when that is done.
    full_link: bool,
}

pub fn run<H: Host>(host: &mut H, input: ProvisionInput) -> Result<Provisioned> {
    let cfg = ServerConfig::from_input(input.server.clone())?;
    let plan = plan(&input)?;
    if let Some(done) = already_provisioned(host, &cfg, &plan)? {
        return Ok(done);
    }
    let mut generated = None;
    let password = match &plan.password {
        Some(p) => p.clone(),
        None => {
            let p = random_password(host)?;
            generated = Some(p.clone());
            p
        }
    };
    let mut created = Created::default();
    let mut session = Session::open_preferred(host, &cfg)?;
    let outcome = if input.fresh {
        let hand_over = can_hand_over(&session, &cfg);
        fresh_steps(&mut session, &cfg, &plan, &password, &mut created, hand_over)
    } else {
        steps(&mut session, &cfg, &plan, &password, &mut created)
    };
    match outcome {
        Ok(mut p) => {
            // A password generated for an account that already existed was never set: do not hand it out.
            p.generated_password = if p.created_user { generated } else { None };
            if created.full_link {
                let connector = session.own_user_id();
                let detached = session.detach();
                hand_over(host, detached, &connector, &cfg, &plan, &p)?;
            }
            Ok(p)
        }
        Err(e) if outcome_unknown(&e) => Err(e),
        Err(e) => {
            // MeshCentral answered: the session works and what this call created is known exactly.
            let undo = undo(&mut session, &created);
            Err(with_undo_note(e, undo))
        }
    }
}

/// Failures after which the last request may or may not have been carried out.
fn outcome_unknown(e: &Error) -> bool {
    matches!(
        e,
        Error::ConnectionLost(_) | Error::Timeout { .. } | Error::NotMeshCentral { .. } | Error::Host(_)
    )
}

fn plan(input: &ProvisionInput) -> Result<Plan> {
    input.service.validate()?;
    let username = input.service.username();
    let rights = input.preset.group_rights();
    check_customer_group_rights(rights)?;
    if let Some(p) = &input.password {
        service::validate_password(p)?;
    }
    let email = input.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    if let Some(e) = email {
        validate_email(e)?;
    }
    let realname = input.realname.as_deref().and_then(clean_realname);
    Ok(Plan {
        service: input.service.clone(),
        username,
        group_name: service::render_group_name(&input.group_name_template, &input.vars)?,
        description: service::group_description(&input.description, &input.service),
        password: input.password.clone(),
        email: email.map(str::to_string),
        realname,
        rights,
    })
}

fn steps<H: Host>(
    session: &mut Session<'_, H>,
    cfg: &ServerConfig,
    plan: &Plan,
    password: &str,
    created: &mut Created,
) -> Result<Provisioned> {
    let self_id = session.own_user_id();
    let trust = Trust::new(&self_id, cfg);
    let (groups, accounts) = load_state(session)?;
    let group = find_group(&groups, &plan.service, &trust, &cfg.domain)?.cloned();
    let account = find_account(&accounts, &cfg.domain, &plan.username).cloned();

    if let Some(a) = &account {
        let reason = match &group {
            None => Some(AccountDoubt::ExistsWithoutGroup),
            Some(g) => not_ours_reason(a, Some(g), &plan.service, &self_id),
        };
        if let Some(reason) = reason {
            return Err(refused_account(plan, reason));
        }
    }

    let (mut mesh_id, mut group_name) = match &group {
        Some(g) => (g.id.clone(), g.name.clone()),
        None => {
            let id = create_group(session, &plan.group_name, &plan.description)?;
            created.group = Some(id.clone());
            (id, plan.group_name.clone())
        }
    };

    let uid = user_id(&cfg.domain, &plan.username);
    let mut account = account;
    if account.is_none() {
        match add_user(session, plan, password) {
            Ok(()) => created.user = Some(uid.clone()),
            Err(e) if is_user_exists(&e) => {
                let (g, a) = converge_on_existing_user(session, cfg, plan, created, e)?;
                (mesh_id, group_name) = (g.id, g.name);
                account = Some(a);
            }
            Err(e) => return Err(e),
        }
    }

    let linked = account.as_ref().and_then(|a| a.rights_on(&mesh_id));
    if linked != Some(plan.rights) {
        link(session, &mesh_id, &uid, plan.rights)?;
    }

    Ok(Provisioned {
        mesh_id,
        group_name,
        username: plan.username.clone(),
        user_id: uid,
        generated_password: None,
        group_rights: plan.rights,
        created_group: created.group.is_some(),
        created_user: created.user.is_some(),
    })
}

/// The service's account: customer site rights, the plan's e-mail (verified: the billing system checked it) and name.
fn add_user<H: Host>(session: &mut Session<'_, H>, plan: &Plan, password: &str) -> Result<()> {
    let mut fields = json!({
        "username": plan.username,
        "pass": password,
        "siteadmin": CUSTOMER_SITE_RIGHTS,
    });
    if let Some(e) = &plan.email {
        fields["email"] = json!(e);
        fields["emailVerified"] = json!(true);
    }
    if let Some(n) = &plan.realname {
        fields["realname"] = json!(n);
    }
    expect_ok(&session.call("adduser", fields)?, "adduser")
}

/// A first provisioning (`fresh`): the group, the user, the link, reading nothing. Its cost does not grow with the
/// server's other customers. What a lost reply leaves behind is as in `steps` (the order is the same), and the host's
/// journal then says "not fresh", so the next run searches. `adduser` refusing a taken name means the account is not
/// this run's (an account made by hand, one Server Sync imported, a run of a copy of this billing install): the group
/// this run just made is removed again and a run that assumes nothing decides (`steps`: adopt provable half-made work,
/// else `not_owned`), so `fresh` never changes what is adopted or refused.
fn fresh_steps<H: Host>(
    session: &mut Session<'_, H>,
    cfg: &ServerConfig,
    plan: &Plan,
    password: &str,
    created: &mut Created,
    hand_over: bool,
) -> Result<Provisioned> {
    let mesh_id = create_group(session, &plan.group_name, &plan.description)?;
    created.group = Some(mesh_id.clone());
    let uid = user_id(&cfg.domain, &plan.username);
    match add_user(session, plan, password) {
        Ok(()) => created.user = Some(uid.clone()),
        Err(e) if is_user_exists(&e) => {
            delete_group(session, &mesh_id)?;
            created.group = None;
            session.log(
                LogLevel::Info,
                &format!(
                    "the MeshCentral user '{}' exists already; checking every group and account",
                    plan.username
                ),
            );
            return steps(session, cfg, plan, password, created);
        }
        Err(e) => return Err(e),
    }
    if hand_over {
        created.full_link = true;
        link(session, &mesh_id, &uid, FULL_GROUP_RIGHTS)?;
    } else {
        link(session, &mesh_id, &uid, plan.rights)?;
    }
    Ok(Provisioned {
        mesh_id,
        group_name: plan.group_name.clone(),
        username: plan.username.clone(),
        user_id: uid,
        generated_password: None,
        group_rights: plan.rights,
        created_group: true,
        created_user: true,
    })
}

/// MeshCentral's rights value of a group administrator: only an account with exactly these may remove another one's
/// link (`removemeshuser`: "a non-admin can't kick out an admin"; it then answers nothing at all).
const FULL_GROUP_RIGHTS: u32 = 0xFFFF_FFFF;

/// Whether a new group can be left without the connector's own link: MeshCentral links the creator to every group it
/// makes, and the connector's account then carries one link per service (10,000 links, a 950 KB account at 10,000
/// services), which MeshCentral saves and sends to the connector's sessions on every group it creates or deletes and
/// in every login greeting. An account that MeshCentral lets see every group (a full site administrator in
/// `manageAllDeviceGroups`, as the installation requires: the server says so in `serverinfo`) has full rights on
/// every group without a link, so the link adds nothing. MeshCentral refuses to let an account remove its own link;
/// the customer's account does it (`hand_over`), which needs a cookie login (the login token key).
fn can_hand_over<H: Host>(session: &Session<'_, H>, cfg: &ServerConfig) -> bool {
    session.serverinfo.manage_all_device_groups
        && session.userinfo.siteadmin == u64::from(u32::MAX)
        && cfg.login_token_key.is_some()
        && !cfg.is_login_token_user()
}

/// Takes the connector's link off the new group through the customer's own session (linked with full rights for that
/// moment, as MeshCentral requires), then sets the customer's rights to the plan's on the connector's session. Ownership
/// is unchanged: MeshCentral's `creatorid` still names the connector, and the only link left is the customer's. If the
/// customer's session cannot do it, the connector simply stays linked (as groups of earlier releases are); the plan's
/// rights are set either way. Cut off in between, the customer keeps full rights on its own new group until the next
/// run (not fresh: its search relinks the plan's rights); nothing else of the server is reachable with them.
fn hand_over<H: Host>(
    host: &mut H,
    detached: Detached,
    connector: &str,
    cfg: &ServerConfig,
    plan: &Plan,
    p: &Provisioned,
) -> Result<()> {
    let as_customer = cfg.as_user(&p.username);
    let removed = Session::open(&mut *host, &as_customer, AuthMethod::LoginToken).and_then(|mut customer| {
        let reply = customer.call("removemeshuser", json!({"meshid": p.mesh_id, "userid": connector}));
        customer.close();
        expect_ok(&reply?, "removemeshuser")
    });
    let mut session = Session::attach(host, detached);
    if let Err(e) = &removed {
        session.log(
            LogLevel::Warn,
            &format!("the connector's own link on the new group {} stays ({e})", p.mesh_id),
        );
    }
    link(&mut session, &p.mesh_id, &p.user_id, plan.rights)?;
    session.close();
    Ok(())
}

/// A service provisioned before (a stored group id: Re-sync, Create run again), proven in the customer's own view
/// (`objects::customer_view`) and by the ownership rules of `service`: nothing is made, the link's rights are set to
/// the plan's when they differ. None when that view cannot decide (then the full search of `steps` does).
fn already_provisioned<H: Host>(host: &mut H, cfg: &ServerConfig, plan: &Plan) -> Result<Option<Provisioned>> {
    let Some((group, account)) = customer_view(host, cfg, &plan.service)? else {
        return Ok(None);
    };
    let mut session = Session::open_preferred(host, cfg)?;
    if let Some(reason) = not_ours_reason(&account, Some(&group), &plan.service, &session.own_user_id()) {
        return Err(refused_account(plan, reason));
    }
    if account.rights_on(&group.id) != Some(plan.rights) {
        link(&mut session, &group.id, &account.id, plan.rights)?;
    }
    session.close();
    Ok(Some(Provisioned {
        mesh_id: group.id,
        group_name: group.name,
        username: plan.username.clone(),
        user_id: account.id,
        generated_password: None,
        group_rights: plan.rights,
        created_group: false,
        created_user: false,
    }))
}

/// MeshCentral's answer to `adduser` for a name that is taken (`meshuser.js` serverCommandAddUser, errid 7).
fn is_user_exists(e: &Error) -> bool {
    matches!(e, Error::Remote { action, message } if action == "adduser" && message == "User already exists")
}

/// `adduser` answered "User already exists" although the account was missing when this call read the server: another
/// run for the same service (a second process whose lock had expired, a copy of the billing install) made it in
/// between. Converges instead of failing, when the account is provably this service's own half-finished work: the
/// state is read again, the service's group is the connector's (creator and links) and its marker names the account,
/// and `not_ours_reason` finds nothing (customer site rights, linked to that group alone, not the connector's own
/// account). The group is the one the account is linked to, else the other run's group, else this call's own; a
/// group this call made that is not it is deleted (it is empty: made moments ago). What this call made is no longer
/// undone from here on: the group is shared with the other run's user. Anything else is refused as before.
fn converge_on_existing_user<H: Host>(
    session: &mut Session<'_, H>,
    cfg: &ServerConfig,
    plan: &Plan,
    created: &mut Created,
    original: Error,
) -> Result<(service::Group, service::Account)> {
    let self_id = session.own_user_id();
    let trust = Trust::new(&self_id, cfg);
    let (groups, accounts) = load_state(session)?;
    let Some(account) = find_account(&accounts, &cfg.domain, &plan.username).cloned() else {
        return Err(original);
    };
    let marked: Vec<&service::Group> = groups
        .iter()
        .filter(|g| g.marker.as_ref().is_some_and(|(k, _)| k == &plan.service.key))
        .filter(|g| trust.doubt_creator(g).is_none())
        .collect();
    let mine = created.group.as_deref();
    let linked_to = |g: &&service::Group| account.rights_on(&g.id).is_some();
    let others: Vec<&service::Group> = marked.iter().copied().filter(|g| Some(g.id.as_str()) != mine).collect();
    let target = marked
        .iter()
        .copied()
        .find(linked_to)
        .or(match others.as_slice() {
            [one] => Some(*one),
            _ => None,
        })
        .or_else(|| marked.iter().copied().find(|g| Some(g.id.as_str()) == mine));
    let Some(target) = target.cloned() else {
        return Err(original);
    };
    // The same checks as the first read: the group is this service's (no stranger on it) and the account ours.
    let group = find_group(std::slice::from_ref(&target), &plan.service, &trust, &cfg.domain)?
        .cloned()
        .ok_or(original)?;
    if let Some(reason) = not_ours_reason(&account, Some(&group), &plan.service, &self_id) {
        return Err(refused_account(plan, reason));
    }
    if let Some(own) = created.group.take() {
        if own != group.id {
            delete_group(session, &own)?;
        }
    }
    session.log(
        LogLevel::Info,
        &format!(
            "another run provisioned this service at the same time; continuing with its group {} and user '{}'",
            group.id, plan.username
        ),
    );
    Ok((group, account))
}

/// Removes what this call created, newest first. Already-gone objects count as removed.
fn undo<H: Host>(session: &mut Session<'_, H>, created: &Created) -> Result<()> {
    if let Some(uid) = &created.user {
        delete_user(session, uid)?;
    }
    if let Some(mesh) = &created.group {
        delete_group(session, mesh)?;
    }
    session.close();
    Ok(())
}

/// An account with the plan's user name that provisioning will not adopt.
fn refused_account(plan: &Plan, doubt: AccountDoubt) -> Error {
    NotOwned::Account {
        name: plan.username.clone(),
        stopped: AccountUse::Create,
        doubt,
    }
    .into()
}

/// The failure `e`, and that undoing failed too when it did: the error keeps `e`'s kind either way.
fn with_undo_note(e: Error, undo: Result<()>) -> Error {
    match undo {
        Ok(()) => e,
        Err(cleanup) => Error::CleanupFailed {
            original: Box::new(e),
            cleanup: Box::new(cleanup),
        },
    }
}

/// A real name as MeshCentral keeps it: control characters dropped, trimmed, at most 256 characters (`edituser` and
/// `adduser` ignore a longer one); None when nothing is left.
pub fn clean_realname(name: &str) -> Option<String> {
    let kept: String = name.chars().filter(|c| !c.is_control()).collect();
    let name: String = kept.trim().chars().take(256).collect();
    (!name.is_empty()).then_some(name)
}

/// A conservative check (MeshCentral refuses many more shapes with `Invalid email`).
pub fn validate_email(email: &str) -> Result<()> {
    let bad = || Error::InvalidInput(format!("'{email}' is not a valid e-mail address"));
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || local.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(bad());
    }
    Ok(())
}

/// 24 characters from 62 (about 143 bits), drawn from the host's secure random source without modulo bias.
pub fn random_password<H: Host>(host: &mut H) -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(24);
    while out.len() < 24 {
        let mut buf = [0u8; 32];
        host.random_fill(&mut buf)
            .map_err(|_| Error::Host("no secure random source".into()))?;
        for b in buf {
            // 248 = 4 * 62: bytes above it would bias the first characters.
            if b < 248 && out.len() < 24 {
                out.push(ALPHABET[usize::from(b) % 62] as char);
            }
        }
    }
    host.log(LogLevel::Debug, "generated a password for the new user");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_before_sending() {
        validate_email("a@b.example").unwrap();
        for bad in ["", "a", "a@b", "a b@c.d", "@c.d", "a@.d", "a@d."] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
    }
}
