//! `vaxpass decode INPUT [--json]`: the certificate's content, not verified.

use std::process::ExitCode;

use anyhow::Result;
use vaxpass_i18n::Lang;

use crate::cli::DecodeArgs;
use crate::commands::common::{print_json, read_input};
use crate::render;

pub(crate) fn run(a: &DecodeArgs, lang: Lang) -> Result<ExitCode> {
    let text = match read_input(&a.input, lang)? {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    match hcert::decode(&text) {
        Ok(d) => {
            if a.json {
                print_json(&render::decoded_json(&d));
            } else {
                print!("{}", render::decoded_text(&d, lang));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let message = vaxpass_i18n::reason(lang, &e);
            if a.json {
                println!(
                    "{}",
                    serde_json::json!({"error": {"code": e.code(), "message": message, "detail": e.detail()}})
                );
            } else {
                eprintln!("{message} [{}: {}]", e.code(), e.detail());
            }
            Ok(ExitCode::from(1))
        }
    }
}
