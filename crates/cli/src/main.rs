//! `vaxpass`: decode, verify and issue EU Digital COVID Certificates, revoke them, and
//! publish and serve the static trust-list API.
//!
//! Exit codes: 0 success (for `verify`: valid), 1 the certificate or a check failed,
//! 2 usage or I/O errors.

use std::process::ExitCode;

use clap::Parser as _;

/// Small allocations dominate decoding and issuing; mimalloc makes them cheap.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match vaxpass::run(vaxpass::Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vaxpass: {e:#}");
            ExitCode::from(2)
        }
    }
}
