//! MeshCentral's object ids and the names inside them: `user/<domain>/<name>` and `mesh/<domain>/<id>`. Everything
//! that builds or checks an id does it here, so the rules MeshCentral applies to them live in one place.

use crate::error::{Error, Result};

/// The id of `username` in `domain` (`user/<domain>/<lowercase name>`: MeshCentral lower-cases user ids).
pub fn user_id(domain: &str, username: &str) -> String {
    // Put together by hand rather than with `format!`: server sync makes one per service, and the formatting
    // machinery was a visible share of its time on the translated backend.
    let mut id = String::with_capacity("user//".len() + domain.len() + username.len());
    id.push_str("user/");
    id.push_str(domain);
    id.push('/');
    if username.is_ascii() {
        id.extend(username.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        id.push_str(&username.to_lowercase());
    }
    id
}

/// MeshCentral refuses empty names and names with spaces, `~` or `/` (observed: `Invalid username`).
pub fn validate_username(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::InvalidInput("the MeshCentral username is empty".into()));
    }
    if name.len() > 64 {
        return Err(Error::InvalidInput(
            "the MeshCentral username is longer than 64 characters".into(),
        ));
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '/' || c == '~' || c == ',')
    {
        return Err(Error::InvalidInput(format!(
            "the MeshCentral username '{name}' contains a space, '/', '~' or ','"
        )));
    }
    Ok(())
}

/// The part after `mesh//` (or `mesh/<domain>/`); MeshCentral's ids are base64 with `@`/`$` for `+`/`/`. Checking it
/// is how every operation validates a group id it is given.
pub fn mesh_suffix(mesh_id: &str) -> Result<&str> {
    let bad = || {
        Error::InvalidInput(format!(
            "'{mesh_id}' is not a MeshCentral device group id (mesh/<domain>/<id>)"
        ))
    };
    let rest = mesh_id.strip_prefix("mesh/").ok_or_else(bad)?;
    let (_, suffix) = rest.split_once('/').ok_or_else(bad)?;
    if suffix.is_empty()
        || suffix.len() > 128
        || !suffix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '@' || c == '$')
    {
        return Err(bad());
    }
    Ok(suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_the_domain_and_a_lowercase_name() {
        assert_eq!(user_id("", "Alice"), "user//alice");
        assert_eq!(user_id("t1", "bob"), "user/t1/bob");
        // Beyond ASCII, Unicode's lower case (as MeshCentral's JavaScript `toLowerCase`).
        assert_eq!(user_id("", "ÄRGER-Σ"), "user//ärger-σ");
        assert!(validate_username("mc-1").is_ok());
        for bad in ["", "a b", "a/b", "~t:x", "a,b"] {
            assert!(validate_username(bad).is_err(), "{bad}");
        }
        assert_eq!(mesh_suffix("mesh//abc@$"), Ok("abc@$"));
        assert_eq!(mesh_suffix("mesh/t1/x"), Ok("x"));
        for bad in ["", "mesh//", "mesh/x", "node//abc", "mesh//a b"] {
            assert_eq!(mesh_suffix(bad).unwrap_err().kind(), "invalid_input", "{bad}");
        }
    }
}
