//! One small function per subcommand. Each returns how the command ended; an `Err` is a
//! usage or I/O problem and becomes exit code 2 in `main`.

mod common;
mod conformance;
mod decode;
mod gen;
mod issue;
mod keys;
mod publish;
mod qr;
#[cfg(feature = "reconcile")]
mod reconcile;
mod revoke;
mod rules;
mod serve;
mod verify;

use std::process::ExitCode;

use anyhow::Result;
use vaxpass_i18n::Lang;

use crate::cli::{Cli, Command, LangArg};

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    let lang = match cli.lang {
        LangArg::En => Lang::En,
        LangArg::Vi => Lang::Vi,
    };
    match cli.command {
        Command::Decode(a) => decode::run(&a, lang),
        Command::Verify(a) => verify::run(&a, lang),
        Command::Keys(a) => keys::run(a.command),
        Command::Issue(a) => issue::run(a),
        Command::GenRecords(a) => gen::run(&a),
        #[cfg(feature = "reconcile")]
        Command::Reconcile(a) => reconcile::run(&a),
        #[cfg(feature = "reconcile")]
        Command::GenRegistry(a) => reconcile::gen(&a),
        Command::Publish(a) => publish::run(a),
        Command::Revoke(a) => revoke::run(&a),
        Command::Serve(a) => serve::run(&a),
        Command::Qr(a) => qr::run(&a, lang),
        Command::Conformance(a) => conformance::run(&a),
        Command::Rules(a) => rules::run(&a.command),
    }
}
