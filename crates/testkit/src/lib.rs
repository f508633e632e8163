//! Test aids, never shipped: degraded pictures of QR codes (`degrade`) and fake-camera frames
//! (`y4m`). Only tests, benchmarks and the browser-test harness depend on this crate.

#![forbid(unsafe_code)]

pub mod degrade;
pub mod y4m;
