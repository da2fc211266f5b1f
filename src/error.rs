//! Every way an operation can fail, as a typed error with a stable `kind` the PHP side maps to exception classes.

use thiserror::Error;

use crate::messages::reply::ReplyFault;
use crate::ownership::NotOwned;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// The request itself is malformed or a setting is invalid; nothing was sent.
    #[error("invalid setting: {0}")]
    InvalidInput(String),
    /// A product setting an admin typed breaks its rule; the message names the setting and what to type.
    #[error("{message}")]
    InvalidSettings { setting: &'static str, message: String },
    /// TCP connect failed: the server is down or unreachable.
    #[error("cannot reach MeshCentral at {url}: {detail}")]
    Unreachable { url: String, detail: String },
    /// The TLS certificate did not verify (CA or pinned hash).
    #[error("TLS verification failed for {url}: {detail}")]
    Tls { url: String, detail: String },
    /// Something answered, but not as a MeshCentral control channel does.
    #[error("{url} does not look like a MeshCentral server: {detail}")]
    NotMeshCentral { url: String, detail: String },
    /// A wait exceeded its deadline.
    #[error("MeshCentral did not answer in time ({what}, {ms} ms)")]
    Timeout { what: String, ms: u64 },
    /// The server refused the password, and the login token key proved that the account exists.
    #[error("MeshCentral rejected the password of user '{0}'")]
    WrongPassword(String),
    /// The server refused a cookie minted with the key, and the password proved that the account exists.
    #[error("MeshCentral rejected the login token key (the account '{0}' exists, so the key is wrong)")]
    WrongKey(String),
    /// Both methods were refused: the account most likely does not exist.
    #[error("MeshCentral has no user '{0}' (both the password and the login token key were refused)")]
    UnknownUser(String),
    /// One method was refused and there is no second one to tell why.
    #[error("MeshCentral refused the login of user '{user}' by {method} (wrong {method}, or no such user)")]
    AuthRejected { user: String, method: String },
    /// The account logged in but lacks rights the connector needs.
    #[error("the account '{user}' lacks rights the connector needs: {missing}")]
    InsufficientRights { user: String, missing: String },
    /// The peer closed the connection or broke the protocol mid-operation.
    #[error("connection to MeshCentral lost: {0}")]
    ConnectionLost(String),
    /// MeshCentral answered with an error text.
    #[error("MeshCentral refused {action}: {message}")]
    Remote { action: String, message: String },
    /// MeshCentral answered, but not with a reply the core can read (kind `remote`, as it was when this was a text:
    /// the hosts handle it as a refusal of the request).
    #[error("MeshCentral refused {action}: {fault}")]
    BadReply { action: String, fault: ReplyFault },
    /// An object exists but was not made by the connector for this service, so the connector will not touch it.
    #[error("refusing to touch a MeshCentral object the connector did not create: {0}")]
    NotOwned(NotOwned),
    /// The service's MeshCentral object is gone (e.g. deleted by hand in MeshCentral).
    #[error("{0}")]
    NotFound(String),
    /// The host (PHP) could not provide a facility such as randomness.
    #[error("host failure: {0}")]
    Host(String),
    /// A bug in the core itself (e.g. a value it could not serialise); not the host's nor MeshCentral's doing.
    #[error("internal error in the connector core: {0}")]
    Internal(String),
    /// A failure after which undoing this call's own changes failed too. It keeps the original's kind (so the host
    /// handles it as it would the original) and says what may be left over.
    #[error(
        "{original}; cleaning up failed too ({cleanup}), so a device group or user may be left over: run create again \
         to finish, or terminate to remove it"
    )]
    CleanupFailed { original: Box<Error>, cleanup: Box<Error> },
}

impl Error {
    /// A stable machine-readable name; PHP maps it to an exception class.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidInput(_) => "invalid_input",
            Error::InvalidSettings { .. } => "invalid_settings",
            Error::Unreachable { .. } => "unreachable",
            Error::Tls { .. } => "tls",
            Error::NotMeshCentral { .. } => "not_meshcentral",
            Error::Timeout { .. } => "timeout",
            Error::WrongPassword(_) => "wrong_password",
            Error::WrongKey(_) => "wrong_key",
            Error::UnknownUser(_) => "unknown_user",
            Error::AuthRejected { .. } => "auth_rejected",
            Error::InsufficientRights { .. } => "insufficient_rights",
            Error::ConnectionLost(_) => "connection_lost",
            Error::Remote { .. } | Error::BadReply { .. } => "remote",
            Error::NotOwned(_) => "not_owned",
            Error::NotFound(_) => "not_found",
            Error::Host(_) => "host",
            Error::Internal(_) => "internal",
            Error::CleanupFailed { original, .. } => original.kind(),
        }
    }

    /// Every kind `kind()` can return: the one list the PHP host's exception map and the README are checked against.
    pub const KINDS: [&'static str; 17] = [
        "invalid_input",
        "invalid_settings",
        "unreachable",
        "tls",
        "not_meshcentral",
        "timeout",
        "wrong_password",
        "wrong_key",
        "unknown_user",
        "auth_rejected",
        "insufficient_rights",
        "connection_lost",
        "remote",
        "not_owned",
        "not_found",
        "host",
        "internal",
    ];

    /// True for the failures that say "these credentials were refused".
    pub fn is_auth_refusal(&self) -> bool {
        matches!(self, Error::AuthRejected { .. })
    }
}

impl From<NotOwned> for Error {
    fn from(reason: NotOwned) -> Self {
        Error::NotOwned(reason)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every variant. The match has no wildcard, so a new variant does not compile until it is added
    /// here, and then `KINDS` and the checks below cover it.
    fn one_of_each() -> Vec<Error> {
        let s = || String::from("x");
        let all = vec![
            Error::InvalidInput(s()),
            Error::InvalidSettings {
                setting: "x",
                message: s(),
            },
            Error::Unreachable { url: s(), detail: s() },
            Error::Tls { url: s(), detail: s() },
            Error::NotMeshCentral { url: s(), detail: s() },
            Error::Timeout { what: s(), ms: 1 },
            Error::WrongPassword(s()),
            Error::WrongKey(s()),
            Error::UnknownUser(s()),
            Error::AuthRejected { user: s(), method: s() },
            Error::InsufficientRights {
                user: s(),
                missing: s(),
            },
            Error::ConnectionLost(s()),
            Error::Remote {
                action: s(),
                message: s(),
            },
            Error::BadReply {
                action: s(),
                fault: crate::messages::reply::ReplyFault::NoResult,
            },
            Error::NotOwned(crate::ownership::NotOwned::DuplicateGroups { count: 2, key: s() }),
            Error::NotFound(s()),
            Error::Host(s()),
            Error::Internal(s()),
            Error::CleanupFailed {
                original: Box::new(Error::Host(s())),
                cleanup: Box::new(Error::Host(s())),
            },
        ];
        for e in &all {
            match e {
                Error::InvalidInput(_)
                | Error::InvalidSettings { .. }
                | Error::Unreachable { .. }
                | Error::Tls { .. }
                | Error::NotMeshCentral { .. }
                | Error::Timeout { .. }
                | Error::WrongPassword(_)
                | Error::WrongKey(_)
                | Error::UnknownUser(_)
                | Error::AuthRejected { .. }
                | Error::InsufficientRights { .. }
                | Error::ConnectionLost(_)
                | Error::Remote { .. }
                | Error::BadReply { .. }
                | Error::NotOwned(_)
                | Error::NotFound(_)
                | Error::Host(_)
                | Error::Internal(_)
                | Error::CleanupFailed { .. } => {}
            }
        }
        all
    }

    #[test]
    fn kinds_lists_every_variant_once() {
        // Some variants share a kind (`BadReply` is `remote`; `CleanupFailed` has its original's): first occurrences.
        let mut kinds: Vec<&str> = Vec::new();
        for kind in one_of_each().iter().map(Error::kind) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        assert_eq!(kinds, Error::KINDS.to_vec());
    }

    /// Every kind has its own arm in the PHP host's `ConnectorException::fromKind` (none reaches the `default` arm,
    /// which is only for a core newer than the host), and the README's list is the same list.
    #[test]
    fn php_host_and_readme_name_every_kind() {
        let root = env!("CARGO_MANIFEST_DIR");
        let php = std::fs::read_to_string(format!("{root}/php-host/src/Exception/ConnectorException.php")).unwrap();
        let from_kind = &php[php
            .find("function fromKind")
            .expect("fromKind in ConnectorException.php")..];
        let arms = &from_kind[..from_kind.find("default =>").expect("a default arm")];
        let mapped: Vec<&str> = arms.split('\'').skip(1).step_by(2).collect();
        let mut want = Error::KINDS.to_vec();
        want.sort_unstable();
        let mut got = mapped.clone();
        got.sort_unstable();
        assert_eq!(got, want, "kinds in fromKind's arms vs Error::KINDS");

        let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
        let list = &readme[readme.find("Error kinds: ").expect("the README's list of error kinds")..];
        let list = &list[..list.find('.').unwrap()];
        let named: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
        assert_eq!(
            named,
            Error::KINDS.to_vec(),
            "the README's error kinds, in Error::KINDS order"
        );
    }

    #[test]
    fn a_failed_cleanup_keeps_the_original_kind_and_says_what_may_be_left() {
        let original = Error::Remote {
            action: "addmeshuser".into(),
            message: "Access denied".into(),
        };
        let e = Error::CleanupFailed {
            original: Box::new(original.clone()),
            cleanup: Box::new(Error::Timeout {
                what: "deletemesh".into(),
                ms: 15_000,
            }),
        };
        assert_eq!(e.kind(), "remote");
        assert!(e
            .to_string()
            .starts_with(&format!("{original}; cleaning up failed too (MeshCentral did not")));
        assert!(e
            .to_string()
            .ends_with("run create again to finish, or terminate to remove it"));
    }
}
