//! The operations the host can ask for, one module each.

pub mod devices;
pub mod installer_links;
pub mod invite_link;
pub mod login_url;
pub mod test_connection;
pub mod usage;
