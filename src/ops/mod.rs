//! The operations the host can ask for, one module each.

pub mod test_connection;
