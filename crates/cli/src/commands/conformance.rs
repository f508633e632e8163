//! `vaxpass conformance DIR`: the EU member states' test suite, scored flag by flag.

use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::cli::ConformanceArgs;
use crate::commands::common::print_json;
use crate::conformance;

pub(crate) fn run(a: &ConformanceArgs) -> Result<ExitCode> {
    let allow = match &a.allowlist {
        None => conformance::DEFAULT_ALLOWLIST.to_string(),
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
        }
    };
    let report = conformance::run(&a.dir, &allow).map_err(|e| anyhow::anyhow!(e))?;
    if a.json {
        print_json(&conformance::to_json(&report));
    } else {
        print!("{}", conformance::render(&report));
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
