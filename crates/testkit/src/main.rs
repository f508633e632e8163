//! `vaxpass-testkit`: test aids for the browser tests, kept out of the `vaxpass` product.
//!
//! Run with `cargo run -p vaxpass-testkit -- y4m TEXT_FILE OUT.y4m [SCALE]`: a one-frame
//! 640×480 YUV4MPEG2 video of the QR code of the text in TEXT_FILE (ECC level Q), for
//! Chromium's `--use-file-for-fake-video-capture`.

use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, input, out, rest @ ..] if cmd == "y4m" => {
            let scale: usize = match rest {
                [] => 3,
                [s] => s.parse().context("SCALE must be a number")?,
                _ => bail!("usage: vaxpass-testkit y4m TEXT_FILE OUT.y4m [SCALE]"),
            };
            let text =
                std::fs::read_to_string(input).with_context(|| format!("reading {input}"))?;
            let code = vaxpass_qrgen::encode(text.trim(), vaxpass_qrgen::Ecc::Quartile)
                .map_err(|e| anyhow::anyhow!("cannot encode as a QR code: {e:?}"))?;
            let frame = vaxpass_testkit::y4m::y4m(&code, scale, 640, 480).with_context(|| {
                format!("the code does not fit a 640×480 frame at scale {scale}")
            })?;
            std::fs::write(out, frame).with_context(|| format!("writing {out}"))
        }
        _ => bail!("usage: vaxpass-testkit y4m TEXT_FILE OUT.y4m [SCALE]"),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vaxpass-testkit: {e:#}");
            ExitCode::from(2)
        }
    }
}
