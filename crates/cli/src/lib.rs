//! The `vaxpass` command line: `main` parses arguments into [`Cli`] and calls [`run`], which
//! hands each subcommand to its own small function in `commands`. Errors of use or I/O are
//! `anyhow` errors with context (exit 2); a certificate that fails is exit 1.
//!
//! Everything that decides whether a certificate is valid lives in `hcert`; the sentences for
//! people live in `vaxpass-i18n`. What stays here is reading inputs (`input`, with pictures read
//! by `vaxpass-picture`),
//! printing verdicts (`render`), loading a published tree (`published`) and the EU test-suite
//! runner (`conformance`).

#![forbid(unsafe_code)]

mod cli;
mod commands;
pub mod conformance;
pub mod input;
mod published;
mod render;

use std::process::ExitCode;

pub use cli::Cli;

/// Runs one command line to completion and says how it ended.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    commands::run(cli)
}
