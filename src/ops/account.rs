//! Changes to an existing service's account: suspend (lock), unsuspend, new password, new rights preset, and the
//! client's contact details (real name and e-mail, when the billing system's client record changed).
//!
//! Each first proves the account is the connector's own for this service (`service::not_ours_reason`), so a
//! mistyped username in the billing system can never lock, re-key or re-link someone else's account.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config::{ServerConfig, ServerInput};
use crate::error::{Error, Result};
use crate::host::Host;
use crate::messages::reply::expect_ok;
use crate::ops::objects::{customer_view, link, load_state};
use crate::ops::provision::{clean_realname, validate_email};
use crate::ownership::{AccountUse, NotOwned, Trust};
use crate::rights::{check_customer_group_rights, site, RightsPreset};
use crate::service::{self, find_account, find_group, not_ours_reason, Account, Group, ServiceRef};
use crate::session::Session;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub server: ServerInput,
    pub service: ServiceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordInput {
    pub server: ServerInput,
    pub service: ServiceRef,
    pub password: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageInput {
    pub server: ServerInput,
    pub service: ServiceRef,
    pub preset: RightsPreset,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub server: ServerInput,
    pub service: ServiceRef,
    /// The client's name; control characters dropped, trimmed, cut to 256 characters (MeshCentral's limit).
    #[serde(default)]
    pub realname: Option<String>,
    /// The client's e-mail address (stored verified: the billing system owns it).
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ContactState {
    pub username: String,
    pub mesh_id: String,
    pub realname: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AccountState {
    pub username: String,
    pub mesh_id: String,
    pub locked: bool,
    pub group_rights: u32,
    /// False when the account already was in the requested state (the call is idempotent).
    pub changed: bool,
}

/// Finds this service's group and account, proves they are ours, then runs `act` in the connector's session.
///
/// For a provisioned service (stored group id) the proof comes from the customer's own session, by login token
/// cookie: its greeting is its account (site rights, links) and its `meshes` answer is its group (creator, links,
/// marker), so the cost does not grow with the server's other customers. Without a key, for a login-token
/// connector account (`~t:`, whose own id the configuration does not know), or when that view cannot decide (the
/// customer cannot log in, the stored group is not in its view), the connector's view of every group and account
/// decides and names what is wrong.
fn with_owned_account<H: Host, T>(
    host: &mut H,
    server: ServerInput,
    service: &ServiceRef,
    act: impl FnOnce(&mut Session<'_, H>, &Group, &Account) -> Result<T>,
) -> Result<T> {
    let cfg = ServerConfig::from_input(server)?;
    service.validate()?;
    let username = service.username();
    let (mut session, group, account) = match customer_view(host, &cfg, service)? {
        Some((group, account)) => (Session::open_preferred(host, &cfg)?, group, account),
        None => {
            let mut session = Session::open_preferred(host, &cfg)?;
            let (groups, accounts) = load_state(&mut session)?;
            let trust = Trust::new(&session.own_user_id(), &cfg);
            let group = find_group(&groups, service, &trust, &cfg.domain)?
                .cloned()
                .ok_or_else(|| {
                    Error::NotFound(format!(
                        "the device group of service '{}' no longer exists in MeshCentral",
                        service.key
                    ))
                })?;
            let account = find_account(&accounts, &cfg.domain, &username)
                .cloned()
                .ok_or_else(|| Error::NotFound(format!("the MeshCentral user '{username}' no longer exists")))?;
            (session, group, account)
        }
    };
    if let Some(reason) = not_ours_reason(&account, Some(&group), service, &session.own_user_id()) {
        return Err(NotOwned::Account {
            name: username,
            stopped: AccountUse::Change,
            doubt: reason,
        }
        .into());
    }
    let out = act(&mut session, &group, &account)?;
    session.close();
    Ok(out)
}

fn state(account: &Account, group: &Group, locked: bool, rights: Option<u32>, changed: bool) -> AccountState {
    AccountState {
        username: account.name.clone(),
        mesh_id: group.id.clone(),
        locked,
        group_rights: rights.or_else(|| account.rights_on(&group.id)).unwrap_or(0),
        changed,
    }
}

/// Sets or clears site right LOCKED. MeshCentral closes a locked user's open sessions itself.
pub fn set_locked<H: Host>(host: &mut H, input: AccountInput, lock: bool) -> Result<AccountState> {
    with_owned_account(host, input.server, &input.service, |session, group, account| {
        if account.locked() == lock {
            return Ok(state(account, group, lock, None, false));
        }
        let rights = if lock {
            account.site_rights | site::LOCKED
        } else {
            account.site_rights & !site::LOCKED
        };
        let reply = session.call("edituser", json!({"userid": account.id, "siteadmin": rights}))?;
        expect_ok(&reply, "edituser")?;
        Ok(state(account, group, lock, None, true))
    })
}

/// `changeuserpass` has no reply; MeshCentral confirms a stored password with an `accountchange` event (msgid 75)
/// about the account, and says nothing at all when the password breaks its password rules.
pub fn change_password<H: Host>(host: &mut H, input: PasswordInput) -> Result<AccountState> {
    service::validate_password(&input.password)?;
    with_owned_account(host, input.server, &input.service, |session, group, account| {
        session.send_only(
            "changeuserpass",
            json!({"userid": account.id, "pass": input.password, "removeMultiFactor": false}),
        )?;
        let id = account.id.clone();
        session
            .wait_for("changeuserpass", |m| {
                let ev = m.get("event");
                m.get("action").and_then(Value::as_str) == Some("event")
                    && ev.and_then(|e| e.get("action")).and_then(Value::as_str) == Some("accountchange")
                    && ev.and_then(|e| e.get("msgid")).and_then(Value::as_u64) == Some(75)
                    && ev
                        .and_then(|e| e.get("account"))
                        .and_then(|a| a.get("_id"))
                        .and_then(Value::as_str)
                        == Some(id.as_str())
            })
            .map_err(|e| match e {
                Error::Timeout { .. } => Error::Remote {
                    action: "changeuserpass".into(),
                    message: "MeshCentral did not confirm the new password (it ignores passwords that break its \
                              password rules)"
                        .into(),
                },
                other => other,
            })?;
        Ok(state(account, group, account.locked(), None, true))
    })
}

/// Applies another rights preset to the service's link (the product's package changed).
pub fn change_package<H: Host>(host: &mut H, input: PackageInput) -> Result<AccountState> {
    let rights = input.preset.group_rights();
    check_customer_group_rights(rights)?;
    with_owned_account(host, input.server, &input.service, |session, group, account| {
        if account.rights_on(&group.id) == Some(rights) {
            return Ok(state(account, group, account.locked(), Some(rights), false));
        }
        link(session, &group.id, &account.id, rights)?;
        Ok(state(account, group, account.locked(), Some(rights), true))
    })
}

/// The `edituser` fields for new contact details, checked before anything connects. MeshCentral's `edituser` takes
/// `realname` (0-256 characters) and `email` (0-1024, stored lower-cased, no format check of its own, ignored on a
/// domain with `usernameisemail`) and silently skips a value it does not accept, answering `ok` either way; so the
/// values are validated here and an empty value is never sent (it would delete the field).
pub fn contact_fields(user_id: &str, input: &ContactInput) -> Result<(Value, Option<String>, Option<String>)> {
    let realname = input.realname.as_deref().and_then(clean_realname);
    let email = input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    if let Some(e) = &email {
        validate_email(e)?;
    }
    if realname.is_none() && email.is_none() {
        return Err(Error::InvalidInput(
            "update_contact needs a real name or an e-mail address (an empty value is never sent: it would clear the \
             field)"
                .into(),
        ));
    }
    let mut fields = json!({ "userid": user_id });
    if let Some(n) = &realname {
        fields["realname"] = json!(n);
    }
    if let Some(e) = &email {
        fields["email"] = json!(e);
        fields["emailVerified"] = json!(true);
    }
    Ok((fields, realname, email))
}

/// Writes the client's real name and e-mail into the service's own MeshCentral account (only an account proven the
/// connector's for this service, as for every other change).
pub fn update_contact<H: Host>(host: &mut H, input: ContactInput) -> Result<ContactState> {
    // Checked once before connecting, so a bad address never opens a session.
    contact_fields("", &input)?;
    with_owned_account(host, input.server.clone(), &input.service, |session, group, account| {
        let (fields, realname, email) = contact_fields(&account.id, &input)?;
        let reply = session.call("edituser", fields)?;
        expect_ok(&reply, "edituser")?;
        Ok(ContactState {
            username: account.name.clone(),
            mesh_id: group.id.clone(),
            realname,
            email,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(realname: Option<&str>, email: Option<&str>) -> ContactInput {
        serde_json::from_value(json!({
            "server": {"url": "https://127.0.0.1:4430", "username": "admin", "password": "pw"},
            "service": {"key": "whmcs-abc-1"},
            "realname": realname,
            "email": email,
        }))
        .unwrap()
    }

    #[test]
    fn contact_fields_are_what_edituser_takes() {
        let (fields, name, email) = contact_fields(
            "user//mc-1",
            &input(Some("  Ada\u{7} Lovelace "), Some(" Ada@Example.test ")),
        )
        .unwrap();
        assert_eq!(
            fields,
            json!({"userid": "user//mc-1", "realname": "Ada Lovelace", "email": "Ada@Example.test", "emailVerified": true})
        );
        assert_eq!(name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(email.as_deref(), Some("Ada@Example.test"));
    }

    #[test]
    fn an_empty_value_is_left_out_never_sent_as_a_deletion() {
        let (fields, _, _) = contact_fields("u", &input(Some("Ada"), Some("  "))).unwrap();
        assert_eq!(fields, json!({"userid": "u", "realname": "Ada"}));
        let (fields, _, _) = contact_fields("u", &input(Some(" \n "), Some("a@b.example"))).unwrap();
        assert_eq!(
            fields,
            json!({"userid": "u", "email": "a@b.example", "emailVerified": true})
        );
        let err = contact_fields("u", &input(Some(""), None)).unwrap_err();
        assert_eq!(err.kind(), "invalid_input");
    }

    #[test]
    fn a_bad_address_or_a_long_name_is_handled_before_sending() {
        assert_eq!(
            contact_fields("u", &input(None, Some("not an address")))
                .unwrap_err()
                .kind(),
            "invalid_input"
        );
        let long = "x".repeat(300);
        let (fields, _, _) = contact_fields("u", &input(Some(&long), None)).unwrap();
        assert_eq!(fields["realname"].as_str().unwrap().chars().count(), 256);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let bad = serde_json::from_value::<ContactInput>(json!({
            "server": {"url": "https://127.0.0.1:4430", "username": "admin"},
            "service": {"key": "k"}, "phone": "1"
        }));
        assert!(bad.is_err());
    }
}
