//! `vaxpass gen-records`: synthetic vaccination records for tests and benchmarks.

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use vaxpass_issuer::{gen, records};

use crate::cli::GenRecordsArgs;

pub(crate) fn run(a: &GenRecordsArgs) -> Result<ExitCode> {
    let jsonl = a.jsonl
        || a.out
            .as_deref()
            .is_some_and(|p| matches!(records::Format::from_path(p), records::Format::JsonLines));
    match &a.out {
        Some(path) => {
            let f = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            gen::write(&mut w, a.count, a.seed, a.error_rate, jsonl)?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            gen::write(&mut w, a.count, a.seed, a.error_rate, jsonl)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
