//! Test aids, never shipped: degraded pictures of QR codes (`degrade`), fake-camera frames
//! (`y4m`), a throwaway document signer (`signer`) and the path to the shared reference data
//! (`shared`). Only tests, benchmarks and the browser-test harness depend on this crate.

#![forbid(unsafe_code)]

pub mod degrade;
pub mod shared;
pub mod signer;
pub mod y4m;
