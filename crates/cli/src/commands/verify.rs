//! `vaxpass verify INPUT (--trust FILE… | --published DIR --anchor PEM [--keys DIR])`.

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use vaxpass_i18n::Lang;

use crate::cli::VerifyArgs;
use crate::commands::common::{now, print_json, read_input, time_or_now};
use crate::{published, render};

pub(crate) fn run(a: &VerifyArgs, lang: Lang) -> Result<ExitCode> {
    let at = time_or_now("--at", a.at.as_deref())?;
    let mut store = hcert::TrustStore::new();
    if let (Some(dir), Some(anchor)) = (&a.published, &a.anchor) {
        match published::load(dir, anchor, a.keys.as_deref(), now()) {
            Ok((s, note)) => {
                store = s;
                if !a.json {
                    eprintln!("{note}");
                }
            }
            Err(e) => {
                // The published lists themselves are bad: nothing can be verified.
                eprintln!("vaxpass: the published lists cannot be used: {e:#}");
                return Ok(ExitCode::from(1));
            }
        }
    }
    for path in &a.trust {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let added = store
            .add_any(&bytes)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        for r in &added.refused {
            eprintln!(
                "{}: entry {} (kid {}) refused: {}",
                path.display(),
                r.index,
                r.kid.as_deref().unwrap_or("-"),
                r.error
            );
        }
    }
    let text = match read_input(&a.input, lang)? {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let verdict = hcert::verify_as_of(&text, &store, at, now());
    if a.json {
        print_json(&render::verdict_json(&verdict, lang));
    } else {
        print!("{}", render::verdict_text(&verdict, lang));
    }
    Ok(if verdict.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
