//! Issuing certificates at national scale: the record format (`records`), cleaning and its
//! reasons (`clean`, with `nid` for citizen IDs, `translit` for ICAO 9303 names and `vaccines`
//! for the one vaccine mapping table), resumable parallel signing with crash-safe output
//! (`batch`, with `write` for what it writes per certificate), and synthetic records for tests
//! and benchmarks (`gen`); `verified` gates issuing on a `vaxpass reconcile` run.

#![forbid(unsafe_code)]

pub mod batch;
pub mod clean;
pub mod gen;
pub mod nid;
pub mod records;
pub mod translit;
pub mod vaccines;
pub mod verified;
pub mod write;
