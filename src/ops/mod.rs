//! The operations the host can ask for, one module each.

pub mod account;
pub mod audit;
pub mod devices;
pub mod installer_links;
pub mod invite_link;
pub mod list_accounts;
pub mod login_url;
pub mod nodes;
pub mod objects;
pub mod provision;
pub mod sweep;
pub mod terminate;
pub mod test_connection;
pub mod usage;
