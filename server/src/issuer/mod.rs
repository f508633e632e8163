//! Issuing certificates at national scale: key management, the record format, cleaning,
//! signing in parallel, QR rendering and crash-safe, resumable output.

pub mod batch;
pub mod clean;
pub mod gen;
pub mod keys;
pub mod nid;
pub mod qrgen;
pub mod records;
pub mod revoke;
pub mod translit;
pub mod vaccines;
