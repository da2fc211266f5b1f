//! Terminating a service: its user, then its devices, then its group. Already-gone objects count as done, so a
//! re-run after any partial failure finishes the job.
//!
//! Why devices are moved, not deleted: MeshCentral only marks a deleted group as deleted, and when an agent of that
//! group reconnects it undeletes the group (with the links of every user that still exists, including the
//! connector's own account). Deleting the device records does not help: an unknown agent is re-enrolled into the group
//! named in its settings file, which undeletes it too. A device record that still exists, though, pins its agent to the
//! record's group. So the devices are moved into one "retired agents" group per server, connected agents are told to
//! uninstall themselves, and then the service's group is deleted: it stays deleted, and the customer's machines no
//! longer appear to anyone but the server's administrators.
//!
//! The retired group gets the devices of every terminated customer, so it must be one nobody else controls: the host
//! pins its id once made (`retired_mesh_id`), and whether pinned or found by its marker it is used only when
//! MeshCentral says the connector created it and nobody but the connector's accounts has rights on it
//! (`ownership`). A group someone planted with the retired marker is never moved into.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config::{ServerConfig, ServerInput};
use crate::error::{Error, Result};
use crate::host::{Host, LogLevel};
use crate::ids::mesh_suffix;
use crate::messages::reply::expect_ok;
use crate::ops::devices::parse_nodes_reply;
use crate::ops::nodes;
use crate::ops::objects::{create_group, customer_view, delete_group, delete_user, fetch_groups, load_state};
use crate::ownership::{AccountUse, NotOwned, Trust};
use crate::service::{self, find_account, find_group, not_ours_reason, ServiceRef, RETIRED_MARKER};
use crate::session::Session;

pub const RETIRED_GROUP_NAME: &str = "Retired agents (MeshCentral Connector)";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerminateInput {
    pub server: ServerInput,
    pub service: ServiceRef,
    /// The retired-agents group the host pinned after an earlier terminate on this server.
    #[serde(default)]
    pub retired_mesh_id: Option<String>,
}

#[derive(Debug, Serialize, Default)]
pub struct Terminated {
    pub deleted_user: bool,
    pub retired_devices: u32,
    pub uninstall_requested: u32,
    pub deleted_group: bool,
    /// Where the devices went, when there were any: the host pins this id for later terminates.
    pub retired_group: Option<String>,
}

pub fn run<H: Host>(host: &mut H, input: TerminateInput) -> Result<Terminated> {
    let cfg = ServerConfig::from_input(input.server)?;
    let service = input.service;
    service.validate()?;
    if let Some(id) = &input.retired_mesh_id {
        mesh_suffix(id)?;
    }
    let username = service.username();
    // A provisioned service is proven in the customer's own session (see `objects::customer_view`); otherwise, or
    // when that view cannot decide (e.g. an earlier run already deleted the user), the connector's view of every
    // group and account decides.
    let (mut session, group, account, mut groups) = match customer_view(host, &cfg, &service)? {
        Some((group, account)) => (Session::open_preferred(host, &cfg)?, Some(group), Some(account), None),
        None => {
            let mut session = Session::open_preferred(host, &cfg)?;
            let (groups, accounts) = load_state(&mut session)?;
            let trust = Trust::new(&session.own_user_id(), &cfg);
            let group = find_group(&groups, &service, &trust, &cfg.domain)?.cloned();
            let account = find_account(&accounts, &cfg.domain, &username).cloned();
            (session, group, account, Some(groups))
        }
    };
    let trust = Trust::new(&session.own_user_id(), &cfg);
    let mut done = Terminated::default();

    // 1. The user, so nobody can log in while the rest is removed, and so an undeleted group would have no customer.
    if let Some(a) = &account {
        if let Some(reason) = not_ours_reason(a, group.as_ref(), &service, &session.own_user_id()) {
            return Err(NotOwned::Account {
                name: username,
                stopped: AccountUse::Terminate,
                doubt: reason,
            }
            .into());
        }
        delete_user(&mut session, &a.id)?;
        done.deleted_user = true;
    }

    let Some(group) = group else {
        session.close();
        return Ok(done);
    };

    // 2. The devices: park them in the retired group (see the module comment), asking live agents to uninstall.
    let pinned = input.retired_mesh_id.as_deref();
    retire_devices(&mut session, &group.id, &mut done, |s| {
        // Only a group with devices needs the retired group, and only then every group (to check it) is read.
        let groups = match groups.take() {
            Some(groups) => groups,
            None => fetch_groups(s)?,
        };
        retired_group(s, &groups, &trust, pinned)
    })?;

    // 3. The group.
    delete_group(&mut session, &group.id)?;
    done.deleted_group = true;
    session.close();
    Ok(done)
}

/// Moves every device of `group_id` into the retired group: reads the group's first page, moves it, and reads the
/// first page again, until it comes back empty. Not page after page: each move takes a device out of the group, so
/// the page at `skip` N afterwards starts N devices further on than it did and skips devices; and reading every page
/// first, then moving, would miss a device enrolled meanwhile (and pages have no fixed order to begin with). Deleting
/// a group that still holds a device is what must not happen (its agent would undelete it), so the loop ends only on
/// an empty first page, whatever the server's page size and order. A device seen again after MeshCentral reported it
/// moved stops the run with an error before the group is deleted (a re-run goes on from there), never a loop.
pub(crate) fn retire_devices<H: Host>(
    session: &mut Session<'_, H>,
    group_id: &str,
    done: &mut Terminated,
    mut retired_group: impl FnMut(&mut Session<'_, H>) -> Result<String>,
) -> Result<()> {
    let mut moved = BTreeSet::new();
    loop {
        let reply = session.call_text("nodes", nodes::first_page(Some(group_id)))?;
        let devices = parse_nodes_reply(&reply, group_id)?;
        if devices.is_empty() {
            return Ok(());
        }
        if let Some(again) = devices.iter().find(|d| moved.contains(&d.id)) {
            return Err(Error::Remote {
                action: "changeDeviceMesh".into(),
                message: format!(
                    "the device {} is still in {group_id} after MeshCentral reported it moved; the group was not deleted",
                    again.id
                ),
            });
        }
        let retired = match &done.retired_group {
            Some(id) => id.clone(),
            None => {
                let id = retired_group(session)?;
                done.retired_group = Some(id.clone());
                id
            }
        };
        let online: Vec<&str> = devices.iter().filter(|d| d.online).map(|d| d.id.as_str()).collect();
        if !online.is_empty() {
            // No reply exists for this command; the agent uninstalls itself when it gets it.
            session.send_only("uninstallagent", json!({"nodeids": online}))?;
            done.uninstall_requested += online.len() as u32;
        }
        for d in &devices {
            let reply = session.call("changeDeviceMesh", json!({"nodeids": [d.id], "meshid": retired}))?;
            let result = reply.get("result").and_then(Value::as_str);
            if !matches!(
                result,
                Some("ok") | Some("Device already in correct group") | Some("Device not found")
            ) {
                expect_ok(&reply, "changeDeviceMesh")?;
            }
            moved.insert(d.id.clone());
            done.retired_devices += 1;
        }
        session.log(
            LogLevel::Info,
            &format!("moved {} device(s) of {group_id} to {retired}", devices.len()),
        );
    }
}

/// The server's retired-agents group: the pinned one, else one the connector made earlier (found by its marker),
/// else a new one. Only a group the connector created and nobody else has rights on qualifies. Also used by the
/// sweep of groups that came back (`ops::sweep`).
pub(crate) fn retired_group<H: Host>(
    session: &mut Session<'_, H>,
    groups: &[service::Group],
    trust: &Trust,
    pinned: Option<&str>,
) -> Result<String> {
    if let Some(id) = pinned {
        match groups.iter().find(|g| g.id == id) {
            Some(g) => match trust.doubt(g, None) {
                None => return Ok(g.id.clone()),
                Some(doubt) => session.log(
                    LogLevel::Warn,
                    &format!("the pinned retired-agents group {id} is not used: {doubt}"),
                ),
            },
            None => session.log(
                LogLevel::Info,
                &format!("the pinned retired-agents group {id} no longer exists"),
            ),
        }
    }
    if let Some(g) = groups.iter().find(|g| g.retired && trust.doubt(g, None).is_none()) {
        return Ok(g.id.clone());
    }
    let desc = format!(
        "Devices of services terminated by the billing system; their agents were asked to uninstall. {RETIRED_MARKER}"
    );
    create_group(session, RETIRED_GROUP_NAME, &desc)
}
