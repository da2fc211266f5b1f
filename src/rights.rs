//! MeshCentral rights bits the connector hands out, and the presets a product chooses from.
//!
//! Values are MeshCentral 1.1.55's (`meshuser.js` constants), listed in `../shared/reference/meshcentral.md`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Group rights (`links[meshid].rights`, the `meshadmin` field of `addmeshuser`).
pub mod group {
    pub const EDITMESH: u32 = 1;
    pub const MANAGEUSERS: u32 = 2;
    pub const MANAGECOMPUTERS: u32 = 4;
    pub const REMOTECONTROL: u32 = 8;
    pub const AGENTCONSOLE: u32 = 16;
    pub const WAKEDEVICE: u32 = 64;
    pub const SETNOTES: u32 = 128;
    pub const REMOTEVIEWONLY: u32 = 256;
    pub const NOTERMINAL: u32 = 512;
    pub const NOFILES: u32 = 1024;
    pub const CHATNOTIFY: u32 = 16384;
    pub const UNINSTALL: u32 = 32768;
    pub const REMOTECOMMAND: u32 = 0x20000;
    pub const RESETOFF: u32 = 0x40000;
    pub const DEVICEDETAILS: u32 = 0x100000;
}

/// Site rights (`siteadmin`).
pub mod site {
    pub const LOCKED: u32 = 32;
    pub const NONEWGROUPS: u32 = 64;
    pub const NOMESHCMD: u32 = 128;
    pub const LOCKSETTINGS: u32 = 1024;
    /// Full administrator.
    pub const ADMIN: u32 = 0xFFFF_FFFF;
}

/// Site rights of every customer account: it cannot create groups (without this MeshCentral lets any user make its
/// own), cannot log in with a password from tools (meshctrl, the API; the SSO cookie still works) and cannot change
/// its account settings. LOCKED is added on suspend.
pub const CUSTOMER_SITE_RIGHTS: u32 = site::NONEWGROUPS | site::NOMESHCMD | site::LOCKSETTINGS;

/// The only site bits a connector-made account may carry; anything else marks an account someone else made or changed.
pub const CUSTOMER_SITE_MASK: u32 = CUSTOMER_SITE_RIGHTS | site::LOCKED;

/// What a product lets its customer do with the devices of its one group. Never EDITMESH or MANAGEUSERS: the customer
/// must not rename the group, edit its rights or invite other users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RightsPreset {
    /// Manage and remotely control the devices: desktop, terminal, files, console, commands, wake/reset/power,
    /// notes, chat, device details, remove devices (= 0x16C0DC).
    Full,
    /// Remote desktop, terminal and files, wake, device details; no console, commands, notes or removal (= 0x100048).
    RemoteOnly,
    /// Watch the remote desktop without input; no terminal, no files, device details (= 0x100708).
    ViewOnly,
}

impl RightsPreset {
    pub const ALL: [RightsPreset; 3] = [RightsPreset::Full, RightsPreset::RemoteOnly, RightsPreset::ViewOnly];

    pub fn group_rights(self) -> u32 {
        use group::*;
        match self {
            RightsPreset::Full => {
                MANAGECOMPUTERS
                    | REMOTECONTROL
                    | AGENTCONSOLE
                    | WAKEDEVICE
                    | SETNOTES
                    | CHATNOTIFY
                    | UNINSTALL
                    | REMOTECOMMAND
                    | RESETOFF
                    | DEVICEDETAILS
            }
            RightsPreset::RemoteOnly => REMOTECONTROL | WAKEDEVICE | DEVICEDETAILS,
            RightsPreset::ViewOnly => REMOTECONTROL | REMOTEVIEWONLY | NOTERMINAL | NOFILES | DEVICEDETAILS,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RightsPreset::Full => "full",
            RightsPreset::RemoteOnly => "remote_only",
            RightsPreset::ViewOnly => "view_only",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The preset whose bits these are, if any (a link someone edited in MeshCentral matches none).
    pub fn from_rights(rights: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.group_rights() == rights)
    }

    /// The remote views MeshCentral opens with these rights: the desktop always (REMOTECONTROL), the terminal and
    /// files unless NOTERMINAL / NOFILES say no (MeshCentral would refuse them, so nobody should offer them).
    pub fn views(self) -> Vec<&'static str> {
        let rights = self.group_rights();
        let mut views = vec!["desktop"];
        if rights & group::NOTERMINAL == 0 {
            views.push("terminal");
        }
        if rights & group::NOFILES == 0 {
            views.push("files");
        }
        views
    }
}

/// Refuses rights that would let a customer administer its group (a defence against a preset table edited wrongly).
pub fn check_customer_group_rights(rights: u32) -> Result<()> {
    if rights & (group::EDITMESH | group::MANAGEUSERS) != 0 {
        return Err(Error::InvalidInput(
            "customer group rights must not include EDITMESH or MANAGEUSERS".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_have_the_documented_bits_and_never_admin_rights() {
        assert_eq!(RightsPreset::Full.group_rights(), 0x16C0DC);
        assert_eq!(RightsPreset::RemoteOnly.group_rights(), 0x100048);
        assert_eq!(RightsPreset::ViewOnly.group_rights(), 0x100708);
        for p in RightsPreset::ALL {
            check_customer_group_rights(p.group_rights()).unwrap();
            assert_eq!(RightsPreset::from_rights(p.group_rights()), Some(p));
            assert_eq!(RightsPreset::from_name(p.name()), Some(p));
            let serde_name: RightsPreset = serde_json::from_value(serde_json::json!(p.name())).unwrap();
            assert_eq!(serde_name, p);
        }
        assert_eq!(CUSTOMER_SITE_RIGHTS, 1216);
        assert!(check_customer_group_rights(0xFFFF_FFFF).is_err());
    }
}
