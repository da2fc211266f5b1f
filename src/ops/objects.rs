//! The MeshCentral objects every service operation reads and changes, one request each: the server's groups and
//! accounts, creating a group, linking a user, and deletions that count "already gone" as done (MeshCentral answers
//! those with `User does not exists` / `Unknown device group`).

use serde_json::{json, Value};

use crate::config::ServerConfig;
use crate::error::{Error, Result};
use crate::host::{Host, LogLevel};
use crate::ids::validate_username;
use crate::messages::lists;
use crate::messages::reply::{expect_ok, ReplyFault};
use crate::ownership::{GroupRef, NotOwned, Trust};
use crate::service::{find_group, Account, Group, ServiceRef};
use crate::session::{AuthMethod, Session};

/// Every group that exists and every account (`meshes` + `users`): what ownership checks and lookups work on.
pub fn load_state<H: Host>(session: &mut Session<'_, H>) -> Result<(Vec<Group>, Vec<Account>)> {
    let groups = fetch_groups(session)?;
    let accounts = fetch_accounts(session)?;
    Ok((groups, accounts))
}

/// The groups the session may see (`meshes`), skimmed (`messages::lists`).
pub fn fetch_groups<H: Host>(session: &mut Session<'_, H>) -> Result<Vec<Group>> {
    session.call_routed("meshes", json!({}), |s, text, tag| {
        lists::groups_routed(text, Some(("meshes", tag))).map_err(|e| e.into_error("meshes", || s.not_an_object()))
    })
}

/// The ids of the groups the session may see (`meshes`, every other member skipped).
pub fn fetch_group_ids<H: Host>(session: &mut Session<'_, H>) -> Result<Vec<String>> {
    session.call_routed("meshes", json!({}), |s, text, tag| {
        lists::group_ids_routed(text, Some(("meshes", tag))).map_err(|e| e.into_error("meshes", || s.not_an_object()))
    })
}

/// Every account (`users`; site right MANAGEUSERS), skimmed (`messages::lists`).
pub fn fetch_accounts<H: Host>(session: &mut Session<'_, H>) -> Result<Vec<Account>> {
    session.call_routed("users", json!({}), |s, text, tag| {
        lists::accounts_routed(text, Some(("users", tag))).map_err(|e| e.into_error("users", || s.not_an_object()))
    })
}

/// A session as `view_as` (a customer account, by login token cookie), so MeshCentral itself scopes every answer to
/// what that customer may see; the configured account when there is no key or no `view_as`, or when that login is
/// refused (an account deleted by hand, say: the configured account still reaches the group the request names).
pub fn open_as<'h, H: Host>(host: &'h mut H, cfg: &ServerConfig, view_as: Option<&str>) -> Result<Session<'h, H>> {
    let Some(user) = view_as.filter(|_| cfg.login_token_key.is_some()) else {
        return Session::open_preferred(host, cfg);
    };
    validate_username(user)?;
    let as_user = cfg.as_user(user);
    // Detached, the attempt no longer borrows `host`, so the fallback below may use it.
    let attempt = Session::open(&mut *host, &as_user, AuthMethod::LoginToken).map(Session::detach);
    let refused = match attempt {
        Ok(logged_in) => return Ok(Session::attach(host, logged_in)),
        Err(e @ (Error::AuthRejected { .. } | Error::InsufficientRights { .. } | Error::Remote { .. })) => e,
        Err(e) => return Err(e),
    };
    host.log(
        LogLevel::Warn,
        &format!("cannot log in as {user} ({refused}); using the configured account"),
    );
    Session::open_preferred(host, cfg)
}

/// The group `mesh_id` as the session sees it, proven to be the connector's (`ownership`): `not_found` when the
/// session cannot see it (gone, or not this customer's), `not_owned` when MeshCentral does not vouch for it.
/// `customer` is the one other account allowed on it: the service's own user. Without one (an administrator's call
/// that does not say whose service this is) only the creator is checked.
pub fn owned_group<H: Host>(
    session: &mut Session<'_, H>,
    trust: &Trust,
    mesh_id: &str,
    customer: Option<&str>,
) -> Result<Group> {
    let groups = fetch_groups(session)?;
    let group = groups.into_iter().find(|g| g.id == mesh_id).ok_or_else(|| {
        Error::NotFound(format!(
            "the device group {mesh_id} does not exist (any more) in MeshCentral, or this account cannot see it"
        ))
    })?;
    let doubt = match customer {
        Some(_) => trust.doubt(&group, customer),
        None => trust.doubt_creator(&group),
    };
    if let Some(doubt) = doubt {
        return Err(NotOwned::Group {
            id: mesh_id.to_string(),
            via: GroupRef::Named,
            doubt,
        }
        .into());
    }
    Ok(group)
}

/// Creates a device group (agent type) and returns its id.
pub fn create_group<H: Host>(session: &mut Session<'_, H>, name: &str, description: &str) -> Result<String> {
    let reply = session.call(
        "createmesh",
        json!({"meshname": name, "meshtype": 2, "desc": description}),
    )?;
    expect_ok(&reply, "createmesh")?;
    reply
        .get("meshid")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::BadReply {
            action: "createmesh".into(),
            fault: ReplyFault::NoMeshId,
        })
}

/// Links (or re-links with new rights) the user to the group. `addmeshuser` reports counts, not `ok`.
pub fn link<H: Host>(session: &mut Session<'_, H>, mesh_id: &str, user_id: &str, rights: u32) -> Result<()> {
    let reply = session.call(
        "addmeshuser",
        json!({"meshid": mesh_id, "userids": [user_id], "meshadmin": rights}),
    )?;
    let success = reply.get("success").and_then(Value::as_u64).unwrap_or(0);
    let failed = reply.get("failed").and_then(Value::as_u64).unwrap_or(0);
    if success == 1 && failed == 0 {
        return Ok(());
    }
    Err(Error::Remote {
        action: "addmeshuser".into(),
        message: reply
            .get("result")
            .and_then(Value::as_str)
            .unwrap_or("the user was not linked")
            .to_string(),
    })
}

/// Deletes a user; one that no longer exists counts as deleted.
pub fn delete_user<H: Host>(session: &mut Session<'_, H>, user_id: &str) -> Result<()> {
    let reply = session.call("deleteuser", json!({"userid": user_id}))?;
    if reply.get("result").and_then(Value::as_str) == Some("User does not exists") {
        return Ok(());
    }
    expect_ok(&reply, "deleteuser")
}

/// Deletes a group; one that no longer exists counts as deleted.
pub fn delete_group<H: Host>(session: &mut Session<'_, H>, mesh_id: &str) -> Result<()> {
    let reply = session.call("deletemesh", json!({"meshid": mesh_id}))?;
    if reply.get("result").and_then(Value::as_str) == Some("Unknown device group") {
        return Ok(());
    }
    expect_ok(&reply, "deletemesh")
}

/// The service's group and account as the customer's own session sees them (its greeting is its account, its
/// `meshes` answer its group), or None when that view cannot decide: no stored group id, no login token key, a
/// login-token connector account (`~t:`, whose owner the configuration does not name), a customer who cannot log in,
/// or a stored group that is not in the customer's view. Its cost does not grow with the server's other customers.
pub fn customer_view<H: Host>(
    host: &mut H,
    cfg: &ServerConfig,
    service: &ServiceRef,
) -> Result<Option<(Group, Account)>> {
    if service.mesh_id.is_none() || cfg.login_token_key.is_none() || cfg.is_login_token_user() {
        return Ok(None);
    }
    let as_customer = cfg.as_user(&service.username());
    let mut session = match Session::open(&mut *host, &as_customer, AuthMethod::LoginToken) {
        Ok(session) => session,
        // Cannot log in (deleted, renamed): the connector's view says what happened.
        Err(Error::AuthRejected { .. } | Error::InsufficientRights { .. } | Error::Remote { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let info = session.userinfo.clone();
    let groups = fetch_groups(&mut session)?;
    session.close();
    let (Some(id), Some(links)) = (info.id, info.links) else {
        return Ok(None);
    };
    let account = Account::from_links(id, info.name.unwrap_or_default(), info.siteadmin as u32, links);
    let trust = Trust::configured(cfg);
    Ok(find_group(&groups, service, &trust, &cfg.domain)?
        .cloned()
        .map(|g| (g, account)))
}
