//! The `product_settings` and `service_names` operations: every rule about a WHMCS product's module settings and the
//! names the module gives a service, so the PHP module passes what the admin typed and keeps no copy of a rule.
//!
//! Product settings (README "Installing in a real WHMCS", step 5), each trimmed, empty meaning the default:
//! - rights preset: `full` (default), `remote_only`, `view_only` ([`RightsPreset`]);
//! - group name template: any text (default `{company} #{service_id}`; rendered by `service::render_group_name`);
//! - SSO lifetime: whole seconds, [`login_url::MIN_LIFETIME_S`]..=[`login_url::MAX_LIFETIME_S`] (default 60);
//! - device limit: whole devices, 0 (= unlimited, the default) to [`MAX_DEVICE_LIMIT`];
//! - invite link lifetime: whole hours, [`invite_link::MIN_EXPIRE_HOURS`]..=[`invite_link::MAX_EXPIRE_HOURS`]
//!   (default 24);
//! - installers shown: platforms ([`Platform`]) separated by commas or white space (default: all);
//! - ServerURL / APIKey (the first release's per-product override): passed on trimmed; `server_settings` reads them.
//!
//! A value outside its rule is an [`Error::InvalidSettings`] naming the setting and what to type, never a default.
//! The op also answers the rules themselves (`rules`), which the module shows on the product's settings page.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ops::installer_links::Platform;
use crate::ops::{invite_link, login_url};
use crate::rights::RightsPreset;
use crate::service::{validate_key, ServiceRef};
use crate::settings::text;

pub const DEFAULT_GROUP_NAME_TEMPLATE: &str = "{company} #{service_id}";
pub const DEFAULT_SSO_LIFETIME_S: u32 = 60;
pub const DEFAULT_INVITE_HOURS: u32 = 24;
pub const MAX_DEVICE_LIMIT: u32 = 1_000_000;

/// The product's settings as WHMCS hands them over (`configoption1..8`, named; strings, numbers or null).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductSettingsInput {
    #[serde(default, deserialize_with = "text")]
    pub rights_preset: String,
    #[serde(default, deserialize_with = "text")]
    pub group_name_template: String,
    #[serde(default, deserialize_with = "text")]
    pub sso_lifetime: String,
    #[serde(default, deserialize_with = "text")]
    pub device_limit: String,
    #[serde(default, deserialize_with = "text")]
    pub invite_hours: String,
    #[serde(default, deserialize_with = "text")]
    pub installers: String,
    #[serde(default, deserialize_with = "text")]
    pub legacy_server_url: String,
    #[serde(default, deserialize_with = "text")]
    pub legacy_api_key: String,
}

/// The normalised settings, and the rules they were read by.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ProductSettings {
    pub preset: RightsPreset,
    pub group_name_template: String,
    pub sso_lifetime_seconds: u32,
    /// 0 = unlimited.
    pub device_limit: u32,
    pub invite_hours: u32,
    pub installers: Vec<Platform>,
    pub legacy_server_url: String,
    pub legacy_api_key: String,
    pub rules: Rules,
}

/// What an admin may type, for the product's settings page and the configurable option `rights_preset`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Rules {
    pub presets: Vec<PresetRule>,
    pub platforms: Vec<Platform>,
    pub default_group_name_template: &'static str,
    pub sso_lifetime: Range,
    pub device_limit: Range,
    pub invite_hours: Range,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct PresetRule {
    pub name: &'static str,
    /// The remote views (`desktop`, `terminal`, `files`) MeshCentral lets this preset open.
    pub views: Vec<&'static str>,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone, Copy)]
pub struct Range {
    pub min: u32,
    pub max: u32,
    pub default: u32,
}

const SSO_LIFETIME: Range = Range {
    min: login_url::MIN_LIFETIME_S,
    max: login_url::MAX_LIFETIME_S,
    default: DEFAULT_SSO_LIFETIME_S,
};
const DEVICE_LIMIT: Range = Range {
    min: 0,
    max: MAX_DEVICE_LIMIT,
    default: 0,
};
const INVITE_HOURS: Range = Range {
    min: invite_link::MIN_EXPIRE_HOURS,
    max: invite_link::MAX_EXPIRE_HOURS,
    default: DEFAULT_INVITE_HOURS,
};

pub fn rules() -> Rules {
    Rules {
        presets: RightsPreset::ALL
            .into_iter()
            .map(|p| PresetRule {
                name: p.name(),
                views: p.views(),
            })
            .collect(),
        platforms: Platform::ALL.to_vec(),
        default_group_name_template: DEFAULT_GROUP_NAME_TEMPLATE,
        sso_lifetime: SSO_LIFETIME,
        device_limit: DEVICE_LIMIT,
        invite_hours: INVITE_HOURS,
    }
}

fn refuse(setting: &'static str, message: String) -> Error {
    Error::InvalidSettings { setting, message }
}

pub fn run(input: ProductSettingsInput) -> Result<ProductSettings> {
    let preset = match input.rights_preset.trim() {
        "" => RightsPreset::Full,
        name => RightsPreset::from_name(name).ok_or_else(|| {
            refuse(
                "rights_preset",
                format!("Unknown rights preset '{name}' (product setting 1)"),
            )
        })?,
    };
    let mut installers = Vec::new();
    for name in input
        .installers
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let platform = Platform::from_name(name).ok_or_else(|| {
            let all: Vec<&str> = Platform::ALL.iter().map(|p| p.name()).collect();
            refuse(
                "installers",
                format!("Unknown installer '{name}' (product setting 6; use {})", all.join(", ")),
            )
        })?;
        installers.push(platform);
    }
    if installers.is_empty() {
        installers = Platform::ALL.to_vec();
    }
    let template = input.group_name_template.trim();
    Ok(ProductSettings {
        preset,
        group_name_template: if template.is_empty() {
            DEFAULT_GROUP_NAME_TEMPLATE
        } else {
            template
        }
        .to_string(),
        sso_lifetime_seconds: whole(&input.sso_lifetime, SSO_LIFETIME, "sso_lifetime", "SSO lifetime")?,
        device_limit: whole(&input.device_limit, DEVICE_LIMIT, "device_limit", "device limit")?,
        invite_hours: whole(
            &input.invite_hours,
            INVITE_HOURS,
            "invite_hours",
            "invite link lifetime",
        )?,
        installers,
        legacy_server_url: input.legacy_server_url.trim().to_string(),
        legacy_api_key: input.legacy_api_key.trim().to_string(),
        rules: rules(),
    })
}

/// A whole number in `range` (digits only: no sign, no decimals), or the range's default when empty.
fn whole(raw: &str, range: Range, setting: &'static str, what: &str) -> Result<u32> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(range.default);
    }
    raw.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| raw.parse::<u64>().ok())
        .flatten()
        .filter(|n| (u64::from(range.min)..=u64::from(range.max)).contains(n))
        .map(|n| n as u32)
        .ok_or_else(|| {
            refuse(
                setting,
                format!("The {what} must be a whole number from {} to {}", range.min, range.max),
            )
        })
}

/// The host's identity of a service: `whmcs-<install tag>-<service id>`, and the WHMCS username if any.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceNamesInput {
    pub install_tag: String,
    #[serde(default)]
    pub service_id: Option<u64>,
    /// The WHMCS service's username field (empty: the connector's default name).
    #[serde(default, deserialize_with = "text")]
    pub username: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ServiceNames {
    /// What every key of this install starts with (Server Sync and the sweep find the install's groups by it).
    pub key_prefix: String,
    /// The service's key, when a service id was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The service's MeshCentral username ([`ServiceRef::username`]), when a service id was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

pub fn service_names(input: ServiceNamesInput) -> Result<ServiceNames> {
    let key_prefix = format!("whmcs-{}-", input.install_tag);
    // The prefix must itself be the start of a valid key (the tag is the module's own random hex).
    validate_key(&format!("{key_prefix}0"))?;
    let Some(id) = input.service_id else {
        return Ok(ServiceNames {
            key_prefix,
            key: None,
            username: None,
        });
    };
    let service = ServiceRef {
        key: format!("{key_prefix}{id}"),
        username: Some(input.username),
        mesh_id: None,
    };
    validate_key(&service.key)?;
    let username = service.username();
    Ok(ServiceNames {
        key_prefix,
        key: Some(service.key),
        username: Some(username),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: serde_json::Value) -> ProductSettingsInput {
        serde_json::from_value(v).unwrap()
    }

    fn refused(v: serde_json::Value) -> (String, &'static str) {
        match run(input(v)).unwrap_err() {
            Error::InvalidSettings { setting, message } => (message, setting),
            other => panic!("not invalid_settings: {other:?}"),
        }
    }

    #[test]
    fn empty_settings_are_the_defaults() {
        let s = run(ProductSettingsInput::default()).unwrap();
        assert_eq!(s.preset, RightsPreset::Full);
        assert_eq!(s.group_name_template, "{company} #{service_id}");
        assert_eq!((s.sso_lifetime_seconds, s.device_limit, s.invite_hours), (60, 0, 24));
        assert_eq!(s.installers, Platform::ALL.to_vec());
        assert_eq!((s.legacy_server_url.as_str(), s.legacy_api_key.as_str()), ("", ""));
    }

    #[test]
    fn values_are_trimmed_and_read_as_whmcs_sends_them() {
        let s = run(input(json!({
            "rights_preset": " view_only ", "group_name_template": " {client} ", "sso_lifetime": 3600,
            "device_limit": "1000000", "invite_hours": "1", "installers": " linux_x64,\n macos  windows_x86,",
            "legacy_server_url": " https://mc.example.test ", "legacy_api_key": null,
        })))
        .unwrap();
        assert_eq!(s.preset, RightsPreset::ViewOnly);
        assert_eq!(s.group_name_template, "{client}");
        assert_eq!(
            (s.sso_lifetime_seconds, s.device_limit, s.invite_hours),
            (3600, 1_000_000, 1)
        );
        assert_eq!(
            s.installers,
            vec![Platform::LinuxX64, Platform::Macos, Platform::WindowsX86]
        );
        assert_eq!(s.legacy_server_url, "https://mc.example.test");
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["preset"], "view_only");
        assert_eq!(json["installers"], json!(["linux_x64", "macos", "windows_x86"]));
    }

    #[test]
    fn a_value_outside_its_rule_names_the_setting_and_what_to_type() {
        assert_eq!(
            refused(json!({"rights_preset": "superuser"})),
            (
                "Unknown rights preset 'superuser' (product setting 1)".into(),
                "rights_preset"
            )
        );
        assert_eq!(
            refused(json!({"installers": "linux_x64, solaris"})),
            (
                "Unknown installer 'solaris' (product setting 6; use windows_x64, windows_x86, windows_arm64, \
                 linux_x64, linux_script, macos)"
                    .into(),
                "installers"
            )
        );
        for (field, bad, message) in [
            (
                "sso_lifetime",
                "9",
                "The SSO lifetime must be a whole number from 10 to 3600",
            ),
            (
                "sso_lifetime",
                "99999",
                "The SSO lifetime must be a whole number from 10 to 3600",
            ),
            (
                "device_limit",
                "-1",
                "The device limit must be a whole number from 0 to 1000000",
            ),
            (
                "device_limit",
                "1000001",
                "The device limit must be a whole number from 0 to 1000000",
            ),
            (
                "invite_hours",
                "0",
                "The invite link lifetime must be a whole number from 1 to 8760",
            ),
            (
                "invite_hours",
                "8761",
                "The invite link lifetime must be a whole number from 1 to 8760",
            ),
            (
                "invite_hours",
                "1.5",
                "The invite link lifetime must be a whole number from 1 to 8760",
            ),
            (
                "invite_hours",
                "+5",
                "The invite link lifetime must be a whole number from 1 to 8760",
            ),
            (
                "sso_lifetime",
                "99999999999999999999999",
                "The SSO lifetime must be a whole number from 10 to 3600",
            ),
        ] {
            let (got, setting) = refused(json!({ field: bad }));
            assert_eq!((got.as_str(), setting), (message, field), "{field}={bad}");
        }
        assert_eq!(
            run(input(json!({"rights_preset": "x"}))).unwrap_err().kind(),
            "invalid_settings"
        );
    }

    #[test]
    fn the_ranges_are_the_ops_own() {
        let r = rules();
        assert_eq!(
            (r.sso_lifetime.min, r.sso_lifetime.max),
            (login_url::MIN_LIFETIME_S, login_url::MAX_LIFETIME_S)
        );
        assert_eq!(r.invite_hours.max, invite_link::MAX_EXPIRE_HOURS);
        let names: Vec<&str> = r.presets.iter().map(|p| p.name).collect();
        assert_eq!(names, ["full", "remote_only", "view_only"]);
        assert_eq!(r.presets[2].views, ["desktop"]);
        assert_eq!(r.presets[0].views, ["desktop", "terminal", "files"]);
        assert_eq!(r.presets[1].views, ["desktop", "terminal", "files"]);
    }

    /// Through the entry point: the envelope's kind is `invalid_settings` and the message is the setting's own text.
    #[test]
    fn the_envelope_carries_the_kind_and_the_plain_message() {
        struct NoHost;
        impl crate::host::Host for NoHost {
            fn ws_open(
                &mut self,
                _: &crate::host::OpenSpec,
            ) -> std::result::Result<crate::host::ConnId, crate::host::TransportError> {
                unreachable!("pure op")
            }
            fn ws_send(
                &mut self,
                _: crate::host::ConnId,
                _: &str,
            ) -> std::result::Result<(), crate::host::TransportError> {
                unreachable!("pure op")
            }
            fn ws_recv(
                &mut self,
                _: crate::host::ConnId,
                _: u32,
            ) -> std::result::Result<String, crate::host::TransportError> {
                unreachable!("pure op")
            }
            fn ws_close(&mut self, _: crate::host::ConnId) {}
            fn now_ms(&mut self) -> i64 {
                0
            }
            fn random_fill(&mut self, _: &mut [u8]) -> std::result::Result<(), crate::host::TransportError> {
                unreachable!("pure op")
            }
            fn log(&mut self, _: crate::host::LogLevel, _: &str) {}
        }
        let out = crate::dispatch::handle(&mut NoHost, br#"{"op":"product_settings","invite_hours":"0"}"#);
        let envelope: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            envelope["error"],
            json!({"kind": "invalid_settings", "message": "The invite link lifetime must be a whole number from 1 to 8760"})
        );
        let out = crate::dispatch::handle(
            &mut NoHost,
            br#"{"op":"service_names","install_tag":"ab12","service_id":3}"#,
        );
        let envelope: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            envelope,
            json!({"ok": true, "value": {"key_prefix": "whmcs-ab12-", "key": "whmcs-ab12-3", "username": "mc-whmcs-ab12-3"}})
        );
    }

    #[test]
    fn service_names_follow_the_core_username_rule() {
        let n = service_names(ServiceNamesInput {
            install_tag: "a1b2c3".into(),
            service_id: Some(7),
            username: " ".into(),
        })
        .unwrap();
        assert_eq!(n.key_prefix, "whmcs-a1b2c3-");
        assert_eq!(n.key.as_deref(), Some("whmcs-a1b2c3-7"));
        assert_eq!(n.username.as_deref(), Some("mc-whmcs-a1b2c3-7"));
        let n = service_names(ServiceNamesInput {
            install_tag: "AB".into(),
            service_id: Some(7),
            username: "".into(),
        })
        .unwrap();
        assert_eq!(
            n.username.as_deref(),
            Some("mc-whmcs-ab-7"),
            "MeshCentral lower-cases user ids"
        );
        let n = service_names(ServiceNamesInput {
            install_tag: "ab".into(),
            service_id: Some(7),
            username: " Ada ".into(),
        })
        .unwrap();
        assert_eq!(n.username.as_deref(), Some("Ada"));
        let n = service_names(ServiceNamesInput {
            install_tag: "ab".into(),
            service_id: None,
            username: "".into(),
        })
        .unwrap();
        assert_eq!((n.key, n.username), (None, None));
        let bad = service_names(ServiceNamesInput {
            install_tag: "a b".into(),
            service_id: None,
            username: "".into(),
        });
        assert_eq!(bad.unwrap_err().kind(), "invalid_input");
    }
}
