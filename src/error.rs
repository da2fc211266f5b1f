//! Every way an operation can fail, as a typed error with a stable `kind` the PHP side maps to exception classes.

use thiserror::Error;

use crate::messages::reply::ReplyFault;
use crate::ownership::NotOwned;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// The request itself is malformed or a setting is invalid; nothing was sent.
    #[error("invalid setting: {0}")]
    InvalidInput(String),
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
