//! The MeshCentral objects every service operation reads and changes, one request each: the server's groups and
//! accounts, creating a group, linking a user, and deletions that count "already gone" as done (MeshCentral answers
//! those with `User does not exists` / `Unknown device group`).

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::host::Host;
use crate::service::{self, Account, Group};
use crate::session::{expect_ok, Session};

/// Every group that exists and every account (`meshes` + `users`): what ownership checks and lookups work on.
pub fn load_state<H: Host>(session: &mut Session<'_, H>) -> Result<(Vec<Group>, Vec<Account>)> {
    let groups = service::parse_groups(&session.call("meshes", json!({}))?)?;
    let accounts = service::parse_accounts(&session.call("users", json!({}))?)?;
    Ok((groups, accounts))
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
        .ok_or_else(|| Error::Remote {
            action: "createmesh".into(),
            message: "no meshid in the reply".into(),
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
