//! Test aids, never shipped: degraded pictures of QR codes (`degrade`), fake-camera frames
//! (`y4m`) and a throwaway document signer (`signer`). Only tests, benchmarks and the browser-test harness depend on this crate.

#![forbid(unsafe_code)]

pub mod degrade;
pub mod signer;
pub mod y4m;
