//! `vaxpass issue --keys DIR --input FILE --out DIR`: batch signing (see `vaxpass-issuer`).

use std::process::ExitCode;

use anyhow::Result;
use vaxpass_issuer::batch;

use crate::cli::{IssueArgs, QrArg};
use crate::commands::common::parse_time;

pub(crate) fn run(a: IssueArgs) -> Result<ExitCode> {
    let issued_at = a
        .issued_at
        .as_deref()
        .map(|s| parse_time("--issued-at", s))
        .transpose()?;
    let opts = batch::Options {
        keys: a.keys,
        input: a.input,
        out: a.out,
        qr: match a.qr {
            QrArg::None => batch::QrOutput::None,
            QrArg::Png => batch::QrOutput::Png,
            QrArg::Svg => batch::QrOutput::Svg,
        },
        threads: a
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        resume: a.resume,
        issued_at,
        verify_all: a.verify_all,
        progress: true,
        png_scale: a.png_scale,
        zlib_level: a.zlib_level,
        checkpoint_every: std::time::Duration::from_millis(a.checkpoint_ms.max(10)),
        only_verified: a.only_verified,
    };
    let summary = batch::run(&opts)?;
    eprintln!(
        "issued {} certificates, rejected {} records ({:.0} records/s); see {}",
        summary.issued,
        summary.rejected,
        summary.records_per_second,
        opts.out.join("summary.json").display()
    );
    Ok(ExitCode::SUCCESS)
}
