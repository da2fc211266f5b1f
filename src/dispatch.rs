//! One call shape for every operation: a JSON request in, a JSON envelope out. Errors are values, never traps.
//!
//! Request: `{"op": "<name>", ...op fields}`. Response: `{"ok": true, "value": ...}` or
//! `{"ok": false, "error": {"kind": "<Error::kind>", "message": "..."}}`.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::{ServerConfig, ServerInput};
use crate::error::{Error, Result};
use crate::host::Host;
use crate::ops;

#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
enum Request {
    TestConnection {
        server: ServerInput,
    },
    /// A single sign-on URL for one MeshCentral user (pure: no connection needed).
    LoginUrl(ops::login_url::LoginUrlInput),
    /// The devices of one group with online/offline state.
    Devices(ops::devices::DevicesInput),
    /// A time-limited agent invitation link for one group.
    InviteLink(ops::invite_link::InviteLinkInput),
    /// Device counts for many groups in one connection.
    Usage(ops::usage::UsageInput),
    /// Agent installer links for one device group (pure).
    InstallerLinks(ops::installer_links::InstallerLinksInput),
    /// Creates (or finishes creating) a service's group, user and link.
    Provision(ops::provision::ProvisionInput),
    /// Locks the service's user (site right LOCKED).
    Suspend(ops::account::AccountInput),
    Unsuspend(ops::account::AccountInput),
    ChangePassword(ops::account::PasswordInput),
    /// Applies another rights preset.
    ChangePackage(ops::account::PackageInput),
    /// Writes the client's real name and e-mail into the service's account.
    UpdateContact(ops::account::ContactInput),
    /// Removes the service's user, devices and group.
    Terminate(ops::terminate::TerminateInput),
    /// Retires again the groups of terminated services that an agent brought back (MeshCentral undeletes).
    Sweep(ops::sweep::SweepInput),
    /// Every connector group and account checked against the ownership and rights rules (changes nothing).
    #[cfg(any(feature = "js", not(target_arch = "wasm32")))]
    Audit(ops::audit::AuditInput),
    /// Every service the connector provisioned on the server.
    ListAccounts(ops::list_accounts::ListAccountsInput),
    /// WHMCS's raw server fields (and the first release's product override) -> the `server` object, warnings and the
    /// values to mask (pure: src/settings.rs holds every rule).
    ServerSettings(crate::settings::SettingsInput),
    /// A product's module settings (configoption1..8, named) -> the normalised values and the rules (pure:
    /// src/product_settings.rs holds every rule).
    ProductSettings(crate::product_settings::ProductSettingsInput),
    /// A service's key and default MeshCentral username, and the install's key prefix (pure).
    ServiceNames(crate::product_settings::ServiceNamesInput),
    /// Lets the host check the module is alive and which contract it speaks, without any I/O.
    Version {},
}

pub fn handle<H: Host>(host: &mut H, input: &[u8]) -> Vec<u8> {
    match run(host, input) {
        Ok(answer) => answer.into_envelope(),
        Err(e) => json!({"ok": false, "error": {"kind": e.kind(), "message": e.to_string()}})
            .to_string()
            .into_bytes(),
    }
}

/// An op's value as JSON text, written straight after the opening of the success envelope: the value is serialised
/// once, in place (no intermediate `Value` tree, and no copy of a multi-megabyte text into the envelope: on the
/// translated backend every byte copied costs).
pub struct Answer(Vec<u8>);

const OK_OPEN: &str = r#"{"ok":true,"value":"#;

impl Answer {
    /// The value alone (UTF-8: serde_json writes nothing else).
    pub fn value(&self) -> &[u8] {
        &self.0[OK_OPEN.len()..]
    }

    /// `{"ok":true,"value":<value>}`.
    fn into_envelope(self) -> Vec<u8> {
        let mut text = self.0;
        text.push(b'}');
        text
    }
}

/// Runs one request; returns its value as JSON text.
fn run<H: Host>(host: &mut H, input: &[u8]) -> Result<Answer> {
    let request: Request =
        serde_json::from_slice(input).map_err(|e| Error::InvalidInput(format!("bad request: {e}")))?;
    execute(host, request)
}

/// The same dispatch for a request that is already a JSON value (the JavaScript build's boundary, `js_abi`, which
/// receives JS values): its value as JSON text, or the typed error.
pub fn run_value<H: Host>(host: &mut H, request: serde_json::Value) -> Result<Answer> {
    let request: Request =
        serde_json::from_value(request).map_err(|e| Error::InvalidInput(format!("bad request: {e}")))?;
    execute(host, request)
}

fn execute<H: Host>(host: &mut H, request: Request) -> Result<Answer> {
    match request {
        Request::Version {} => to_json(json!({"crate": env!("CARGO_PKG_VERSION"), "abi": crate::ABI_VERSION})),
        Request::Provision(input) => to_json(ops::provision::run(host, input)?),
        Request::Suspend(input) => to_json(ops::account::set_locked(host, input, true)?),
        Request::Unsuspend(input) => to_json(ops::account::set_locked(host, input, false)?),
        Request::ChangePassword(input) => to_json(ops::account::change_password(host, input)?),
        Request::ChangePackage(input) => to_json(ops::account::change_package(host, input)?),
        Request::UpdateContact(input) => to_json(ops::account::update_contact(host, input)?),
        Request::Terminate(input) => to_json(ops::terminate::run(host, input)?),
        Request::Sweep(input) => to_json(ops::sweep::run(host, input)?),
        Request::ListAccounts(input) => to_json(ops::list_accounts::run(host, input)?),
        #[cfg(any(feature = "js", not(target_arch = "wasm32")))]
        Request::Audit(input) => to_json(ops::audit::run(host, input)?),
        Request::InviteLink(input) => to_json(ops::invite_link::run(host, input)?),
        Request::Usage(input) => to_json(ops::usage::run(host, input)?),
        Request::Devices(input) => to_json(ops::devices::run(host, input)?),
        Request::InstallerLinks(input) => to_json(ops::installer_links::run(input)?),
        Request::ServerSettings(input) => to_json(crate::settings::run(input)?),
        Request::ProductSettings(input) => to_json(crate::product_settings::run(input)?),
        Request::ServiceNames(input) => to_json(crate::product_settings::service_names(input)?),
        Request::LoginUrl(input) => to_json(ops::login_url::run(host, input)?),
        Request::TestConnection { server } => {
            let cfg = ServerConfig::from_input(server)?;
            to_json(ops::test_connection::run(host, &cfg)?)
        }
    }
}

fn to_json<T: Serialize>(value: T) -> Result<Answer> {
    let mut text = OK_OPEN.as_bytes().to_vec();
    serde_json::to_writer(&mut text, &value)
        .map_err(|e| Error::Internal(format!("cannot serialise the result: {e}")))?;
    Ok(Answer(text))
}
