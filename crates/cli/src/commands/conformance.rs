//! `vaxpass conformance DIR`: the EU member states' test suite, scored flag by flag, with the
//! EU value sets of the shared reference data (`conformance::value_sets_dir`) when present.

use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::cli::ConformanceArgs;
use crate::commands::common::print_json;
use crate::commands::rules;
use crate::conformance;

pub(crate) fn run(a: &ConformanceArgs) -> Result<ExitCode> {
    let allow = match &a.allowlist {
        None => conformance::DEFAULT_ALLOWLIST.to_string(),
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
        }
    };
    let vs_dir = conformance::value_sets_dir(&a.dir);
    let value_sets = if vs_dir.is_dir() {
        Some(rules::load_value_sets(std::slice::from_ref(&vs_dir))?)
    } else {
        eprintln!(
            "\n========== SKIP: value sets not found at {} (set VAXPASS_SHARED_DIR): codes are \
             not checked, and cases expecting unknown codes to fail will disagree ==========\n",
            vs_dir.display()
        );
        None
    };
    let report =
        conformance::run(&a.dir, &allow, value_sets.as_ref()).map_err(|e| anyhow::anyhow!(e))?;
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
