//! The operations the host can ask for, one module each.

pub mod account;
// The admin command line's audit (js-host/); the WHMCS module never asks for it, so the PHP `.wasm` (wasm32 without
// the `js` feature) leaves it out: every KiB of that file is ~11 KiB of translated PHP to compile.
#[cfg(any(feature = "js", not(target_arch = "wasm32")))]
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
