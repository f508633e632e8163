//! `vaxpass publish --keys DIR --out DIR [--rules DIR] [--extra-rules DIR|FILE…]
//! [--value-sets DIR…]`: a new signed version of the static API, business rules and value sets
//! included (a bad rule or value set refuses the whole publication, naming its file).

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::PublishArgs;
use crate::commands::common::time_or_now;

pub(crate) fn run(a: PublishArgs) -> Result<ExitCode> {
    let opts = vaxpass_publish::Options {
        now: time_or_now("--now", a.now.as_deref())?,
        keys: a.keys,
        out: a.out,
        extra_trust: a.extra_trust,
        rules: a.rules,
        extra_rules: a.extra_rules,
        value_sets: a.value_sets,
        valid_days: a.valid_days,
        update_hours: a.update_hours,
        revocation_hours: a.revocation_hours.unwrap_or(2 * a.update_hours),
        allow_log_rewind: a.allow_log_rewind,
    };
    let p = vaxpass_publish::publish_report(&opts)?;
    let r = &p.revocation;
    println!("published {}", p.dir.display());
    println!(
        "revocation: {} certificates; filter {} bytes in {} ({}, false positives {:.2e}); EU batches {} ({} new)",
        r.entries,
        r.filter_bytes,
        if r.base_rebuilt { "a new base" } else { "base + deltas" },
        r.new_delta_bytes
            .map_or_else(|| "no new delta".to_string(), |b| format!("new delta {b} bytes")),
        r.false_positive_rate,
        r.batches.0,
        r.batches.1,
    );
    println!(
        "rules: {} from {} countries ({}); value sets: {}",
        p.rules.0,
        p.rules.1.len(),
        p.rules.1.join(" "),
        if p.value_sets == 0 {
            "none (verifiers will say value sets are not checked)".to_owned()
        } else {
            p.value_sets.to_string()
        },
    );
    if p.revoked_signers > 0 {
        println!("left out {} revoked document signer(s)", p.revoked_signers);
    }
    Ok(ExitCode::SUCCESS)
}
