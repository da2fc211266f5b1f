//! Every way an operation can fail, as a typed error with a stable `kind` the PHP side maps to exception classes.

use thiserror::Error;

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
    /// An object exists but was not made by the connector for this service, so the connector will not touch it.
    #[error("refusing to touch a MeshCentral object the connector did not create: {0}")]
    NotOwned(String),
    /// The service's MeshCentral object is gone (e.g. deleted by hand in MeshCentral).
    #[error("{0}")]
    NotFound(String),
    /// The host (PHP) could not provide a facility such as randomness.
    #[error("host failure: {0}")]
    Host(String),
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
            Error::Remote { .. } => "remote",
            Error::NotOwned(_) => "not_owned",
            Error::NotFound(_) => "not_found",
            Error::Host(_) => "host",
        }
    }

    /// Every kind `kind()` can return: the one list the PHP host's exception map and the README are checked against.
    pub const KINDS: [&'static str; 16] = [
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
    ];

    /// True for the failures that say "these credentials were refused".
    pub fn is_auth_refusal(&self) -> bool {
        matches!(self, Error::AuthRejected { .. })
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
            Error::NotOwned(s()),
            Error::NotFound(s()),
            Error::Host(s()),
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
                | Error::NotOwned(_)
                | Error::NotFound(_)
                | Error::Host(_) => {}
            }
        }
        all
    }

    #[test]
    fn kinds_lists_every_variant_once() {
        let kinds: Vec<&str> = one_of_each().iter().map(Error::kind).collect();
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
}
