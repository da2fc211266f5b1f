//! Which device groups are the connector's: decided only by what MeshCentral itself sets.
//!
//! A group's name and description are free text: any account allowed to create groups (every account without site
//! right NONEWGROUPS, e.g. a staff account) can write the connector's marker into a description. What nobody can
//! forge is `creatorid` (set by the server at `createmesh` from the creating session, never changed by `editmesh`)
//! and the `links` map (changed only through `addmeshuser` / `removemeshuser` by someone with MANAGEUSERS on that
//! group). So a group counts as the connector's only when
//! - its creator is one of the connector's accounts (the one it logs in with, or one the admin listed as an earlier
//!   connector account), and
//! - it is linked to nobody but the connector's accounts and, for a service group, that service's own user.
//!
//! The marker in the description then only says *which* service a trusted group belongs to: a lookup hint.

use std::fmt;

use crate::config::ServerConfig;
use crate::service::Group;

/// The accounts whose groups count as the connector's.
#[derive(Debug, Clone)]
pub struct Trust {
    accepted: Vec<String>,
}

impl Trust {
    /// The account the session is logged in as (`own_id`, from its `userinfo`), the configured account and the
    /// admin's list of earlier connector accounts.
    pub fn new(own_id: &str, cfg: &ServerConfig) -> Self {
        let mut accepted: Vec<String> = Vec::new();
        for id in [own_id.to_string(), cfg.user_id()]
            .into_iter()
            .chain(cfg.accepted_creators.iter().cloned())
        {
            if !id.is_empty() && !accepted.contains(&id) {
                accepted.push(id);
            }
        }
        Trust { accepted }
    }

    /// Without a session of the connector's own (e.g. one logged in as a customer): the configured account and the
    /// admin's list. A connector that logs in with a MeshCentral login token (`~t:`) lists the token's owner there.
    pub fn configured(cfg: &ServerConfig) -> Self {
        Self::new("", cfg)
    }

    pub fn accepts(&self, user_id: &str) -> bool {
        self.accepted.iter().any(|a| a == user_id)
    }

    /// Why `group` is not the connector's (None = it is). `customer` is the one other account a service group may
    /// be linked to: that service's own user (`user/<domain>/<name>`); None for groups no customer may see.
    pub fn doubt(&self, group: &Group, customer: Option<&str>) -> Option<Doubt> {
        if let Some(doubt) = self.doubt_creator(group) {
            return Some(doubt);
        }
        group
            .links
            .iter()
            .map(|(id, _)| id)
            .find(|id| !self.accepts(id) && Some(id.as_str()) != customer)
            .map(|id| Doubt::LinkedTo(id.clone()))
    }
}

impl Trust {
    /// The creator half of `doubt`, for callers that cannot name the service's user.
    pub fn doubt_creator(&self, group: &Group) -> Option<Doubt> {
        match group.creator_id.as_deref() {
            None | Some("") => Some(Doubt::NoCreator),
            Some(c) if !self.accepts(c) => Some(Doubt::CreatedBy(c.to_string())),
            Some(_) => None,
        }
    }
}

/// Why a group is not the connector's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// MeshCentral recorded no creator (a group from before creators were recorded, or a malformed reply).
    NoCreator,
    /// Another account created it.
    CreatedBy(String),
    /// Someone other than the connector's accounts and the service's own user has rights on it.
    LinkedTo(String),
}

impl fmt::Display for Doubt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Doubt::NoCreator => write!(f, "MeshCentral records no creator for it"),
            Doubt::CreatedBy(who) => write!(f, "it was created by {who}, not by the connector's account"),
            Doubt::LinkedTo(who) => write!(f, "{who} has rights on it"),
        }
    }
}

/// Why an account is not the connector's own account for a service (see `service::not_ours_reason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountDoubt {
    /// It is the account the session is logged in as.
    ConnectorOwn,
    /// Its site rights are not the customer profile (`rights::CUSTOMER_SITE_RIGHTS`, optionally LOCKED).
    SiteRights(u32),
    /// It is linked to another group, a single device or a user group.
    LinkedElsewhere,
    /// This group's marker names another user.
    NotNamedBy { group: String },
    /// It exists while the service has no group yet: this code makes the group first, so it did not make this account.
    ExistsWithoutGroup,
}

impl fmt::Display for AccountDoubt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountDoubt::ConnectorOwn => write!(f, "it is the account the connector logs in with"),
            AccountDoubt::SiteRights(rights) => {
                write!(
                    f,
                    "its site rights ({rights:#x}) are not the connector's customer profile"
                )
            }
            AccountDoubt::LinkedElsewhere => write!(f, "it is linked to other device groups or devices"),
            AccountDoubt::NotNamedBy { group } => write!(f, "the group {group} does not name it as the service's user"),
            AccountDoubt::ExistsWithoutGroup => write!(f, "it exists while this service has no device group yet"),
        }
    }
}

/// How a request reached a group it then refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupRef {
    /// The id the host stored for the service.
    Stored,
    /// The one trusted group carrying the service's marker, for its user.
    Marked { key: String, user: String },
    /// The id the request named (devices, invitations, usage).
    Named,
}

/// What an account refusal stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountUse {
    /// Provisioning would have adopted it.
    Create,
    /// Suspend, unsuspend, a new password, package or contact.
    Change,
    /// Terminate would have deleted it.
    Terminate,
}

/// Why the connector refuses to touch a MeshCentral object (`Error::NotOwned`): which object, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOwned {
    /// A device group MeshCentral does not vouch for.
    Group { id: String, via: GroupRef, doubt: Doubt },
    /// The group id stored for the service is a trusted group without this service's marker.
    StoredGroupUnmarked { id: String, key: String },
    /// Several trusted groups carry the service's marker: a person must choose.
    DuplicateGroups { count: usize, key: String },
    /// An account with the service's user name that is not the connector's own for the service.
    Account {
        name: String,
        stopped: AccountUse,
        doubt: AccountDoubt,
    },
}

impl fmt::Display for NotOwned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotOwned::Group { id, via, doubt } => match via {
                GroupRef::Stored => {
                    write!(
                        f,
                        "the device group {id} stored for this service is not the connector's: {doubt}"
                    )
                }
                GroupRef::Marked { key, user } => write!(
                    f,
                    "the device group {id} of service '{key}' is not the connector's for user '{user}': {doubt}"
                ),
                GroupRef::Named => write!(f, "the device group {id} is not the connector's: {doubt}"),
            },
            NotOwned::StoredGroupUnmarked { id, key } => write!(
                f,
                "the device group {id} stored for this service does not carry the connector's marker for service \
                 '{key}'"
            ),
            NotOwned::DuplicateGroups { count, key } => write!(
                f,
                "{count} device groups made by the connector carry the marker of service '{key}'; resolve the \
                 duplicates in MeshCentral"
            ),
            NotOwned::Account { name, stopped, doubt } => match stopped {
                AccountUse::Create => write!(
                    f,
                    "a MeshCentral account named '{name}' already exists and {doubt}; choose another username"
                ),
                AccountUse::Change => write!(f, "the account '{name}': {doubt}"),
                AccountUse::Terminate => {
                    write!(
                        f,
                        "the account '{name}' was left alone because {doubt}; nothing was removed"
                    )
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(accepted: &[&str]) -> ServerConfig {
        let mut input = crate::config::test_input("https://127.0.0.1:4430");
        input.username = "connector".into();
        input.accepted_creators = accepted.iter().map(|s| s.to_string()).collect();
        ServerConfig::from_input(input).unwrap()
    }

    fn group(creator: Option<&str>, links: &[&str]) -> Group {
        Group {
            id: "mesh//g".into(),
            name: "g".into(),
            marker: None,
            retired: false,
            creator_id: creator.map(str::to_string),
            links: links.iter().map(|l| (l.to_string(), 0xFFFF_FFFF)).collect(),
            creation_ms: None,
        }
    }

    #[test]
    fn only_the_creator_and_links_decide() {
        let trust = Trust::new("user//connector", &cfg(&["old-admin"]));
        let ours = group(Some("user//connector"), &["user//connector", "user//mc-1"]);
        assert_eq!(trust.doubt(&ours, Some("user//mc-1")), None);
        assert_eq!(
            trust.doubt(&group(Some("user//old-admin"), &["user//old-admin"]), None),
            None
        );
        assert_eq!(
            trust.doubt(&group(Some("user//mallory"), &["user//mallory"]), None),
            Some(Doubt::CreatedBy("user//mallory".into()))
        );
        assert_eq!(trust.doubt(&group(None, &[]), None), Some(Doubt::NoCreator));
        // The customer's link is only allowed on that customer's group, and nobody else's.
        assert_eq!(trust.doubt(&ours, None), Some(Doubt::LinkedTo("user//mc-1".into())));
        let widened = group(
            Some("user//connector"),
            &["user//connector", "user//mc-1", "user//mallory"],
        );
        assert_eq!(
            trust.doubt(&widened, Some("user//mc-1")),
            Some(Doubt::LinkedTo("user//mallory".into()))
        );
    }

    #[test]
    fn refusals_read_as_they_always_did() {
        let not_owned = |r: NotOwned| crate::error::Error::from(r).to_string();
        let prefix = "refusing to touch a MeshCentral object the connector did not create: ";
        assert_eq!(
            not_owned(NotOwned::Group {
                id: "mesh//g".into(),
                via: GroupRef::Marked {
                    key: "k1".into(),
                    user: "mc-k1".into()
                },
                doubt: Doubt::LinkedTo("user//mallory".into()),
            }),
            format!("{prefix}the device group mesh//g of service 'k1' is not the connector's for user 'mc-k1': user//mallory has rights on it")
        );
        assert_eq!(
            not_owned(NotOwned::Account {
                name: "mc-k1".into(),
                stopped: AccountUse::Create,
                doubt: AccountDoubt::SiteRights(0xFFFF_FFFF),
            }),
            format!("{prefix}a MeshCentral account named 'mc-k1' already exists and its site rights (0xffffffff) are not the connector's customer profile; choose another username")
        );
        assert_eq!(
            not_owned(NotOwned::Account {
                name: "mc-k1".into(),
                stopped: AccountUse::Terminate,
                doubt: AccountDoubt::LinkedElsewhere,
            }),
            format!("{prefix}the account 'mc-k1' was left alone because it is linked to other device groups or devices; nothing was removed")
        );
        assert_eq!(
            not_owned(NotOwned::StoredGroupUnmarked {
                id: "mesh//g".into(),
                key: "k1".into()
            }),
            format!("{prefix}the device group mesh//g stored for this service does not carry the connector's marker for service 'k1'")
        );
        assert_eq!(
            not_owned(NotOwned::DuplicateGroups {
                count: 2,
                key: "k1".into()
            }),
            format!("{prefix}2 device groups made by the connector carry the marker of service 'k1'; resolve the duplicates in MeshCentral")
        );
    }
}
