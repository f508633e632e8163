//! `vaxpass reconcile` and `vaxpass gen-registry` (see `vaxpass-reconcile` and
//! docs/reconcile.md).

use std::process::ExitCode;

use anyhow::Result;
use vaxpass_reconcile::{self as reconcile, GenOptions, JoinStrategy, Options, Source};

use crate::cli::{GenRegistryArgs, JoinArg, ReconcileArgs};

pub(crate) fn run(a: &ReconcileArgs) -> Result<ExitCode> {
    let mut opts = Options::new(&a.records, &a.registry, &a.out);
    opts.threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    opts.memory_limit = a.memory_mib.saturating_mul(1 << 20);
    opts.join = match a.join {
        JoinArg::Auto => JoinStrategy::Auto,
        JoinArg::Hash => JoinStrategy::Hash,
        JoinArg::SortMerge => JoinStrategy::SortMerge,
    };
    let summary = reconcile::reconcile(&opts)?;
    println!("{:<18} {:>12}", "class", "records");
    for (class, n) in &summary.classes {
        println!("{:<18} {:>12}", class.code(), n);
    }
    println!("{:<18} {:>12}", "total", summary.records);
    eprintln!(
        "{} records in {:.1} s ({:.0} records/s); {} verified (for `vaxpass issue --only-verified {}`), \
         {} rows to fix in {} site worklists; see {}",
        summary.records,
        summary.timings.total,
        summary.records as f64 / summary.timings.total.max(1e-9),
        summary.verified_written,
        a.out.display(),
        summary.worklist_rows,
        summary.worklist_sites,
        a.out.join("summary.json").display()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn gen(a: &GenRegistryArgs) -> Result<ExitCode> {
    let source = match (&a.records, a.count) {
        (Some(path), _) => Source::File(path.clone()),
        (None, Some(count)) => Source::Generate { count },
        (None, None) => anyhow::bail!("give --records FILE or --count N"),
    };
    let mut opts = GenOptions::new(source, &a.out, a.seed);
    opts.registry_jsonl = a.jsonl;
    let summary = reconcile::gen_registry(&opts)?;
    eprintln!(
        "{} records and {} registry entries in {} (truth.jsonl holds each record's class)",
        summary.records,
        summary.registry,
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
