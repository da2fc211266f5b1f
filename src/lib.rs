//! MeshCentral Connector core: the MeshCentral control-channel protocol, validation and SSO tokens, with no I/O of
//! its own. It reaches the network, clock, randomness and log only through [`host::Host`]; compiled to
//! `wasm32-unknown-unknown`, that interface is the import set declared in `wit/connector.wit`, provided by PHP.

pub mod config;
pub mod cookie;
pub mod dispatch;
pub mod error;
pub mod host;
pub mod ids;
pub mod messages;
pub mod ops;
pub mod ownership;
pub mod product_settings;
pub mod rights;
pub mod service;
pub mod session;
pub mod settings;
pub mod skim;

#[cfg(test)]
mod fuzz;

// The PHP build: exactly the imports and exports of wit/connector.wit.
#[cfg(all(target_arch = "wasm32", not(feature = "js")))]
mod wasm_abi;

// The JavaScript build (`--features js`, wasm-bindgen for Node; js-host/): JS values in and out, a JS host object.
#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod js_abi;

/// Contract version (major * 1000 + minor) reported by the `abi-version` export; see `wit/connector.wit`.
pub const ABI_VERSION: u32 = 1_000;
