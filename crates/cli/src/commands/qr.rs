//! `vaxpass qr INPUT --out FILE`: a certificate drawn as a QR code (PNG or SVG).

use std::process::ExitCode;

use anyhow::{anyhow, bail, Context as _, Result};
use vaxpass_i18n::Lang;
use vaxpass_qrgen::{self as qrgen, Ecc};

use crate::cli::{EccArg, QrArgs};
use crate::commands::common::read_input;

pub(crate) fn run(a: &QrArgs, lang: Lang) -> Result<ExitCode> {
    let text = match read_input(&a.input, lang)? {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let ecc = match a.ecc {
        EccArg::L => Ecc::Low,
        EccArg::M => Ecc::Medium,
        EccArg::Q => Ecc::Quartile,
        EccArg::H => Ecc::High,
    };
    if !(1..=64).contains(&a.scale) {
        bail!("--scale must be 1 to 64");
    }
    let code = qrgen::encode(text.trim(), ecc)
        .map_err(|e| anyhow!("cannot encode as a QR code: {e:?}"))?;
    let svg = a
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    let bytes = if svg {
        qrgen::svg(&code).into_bytes()
    } else {
        qrgen::png(&code, a.scale, &mut qrgen::PngDeflater::new(6))
            .map_err(|e| anyhow!("cannot write the PNG: {e:?}"))?
    };
    std::fs::write(&a.out, bytes).with_context(|| format!("writing {}", a.out.display()))?;
    Ok(ExitCode::SUCCESS)
}
