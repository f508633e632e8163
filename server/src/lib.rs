//! VaxPass issuer tooling, static API server and verifier CLI.
//!
//! The binary (`main.rs`) parses arguments; everything it does lives in these modules so
//! tests reach it without spawning processes.

pub mod conformance;
pub mod degrade;
pub mod input;
pub mod issuer;
pub mod picture;
pub mod publish;
pub mod render;
pub mod revocations;
pub mod serve;
pub mod verify_published;
