//! Pins the trust-list signing certificate into the portal at build time.
//!
//! `VAXPASS_ANCHOR` names a PEM file; without it the demo set-up's anchor
//! (`trust-lists/current/trust-anchor.pem`, written by `./dev run`) is used when present. A
//! build without any anchor still succeeds, but that portal refuses to verify anything (it
//! says so on screen): failing closed beats trusting an unpinned list.

use std::path::PathBuf;

fn main() -> Result<(), String> {
    println!("cargo:rerun-if-env-changed=VAXPASS_ANCHOR");
    println!("cargo:rerun-if-env-changed=VAXPASS_API");
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let (path, explicit) = match std::env::var_os("VAXPASS_ANCHOR") {
        Some(p) if !p.is_empty() => (PathBuf::from(p), true),
        _ => (
            manifest.join("../trust-lists/current/trust-anchor.pem"),
            false,
        ),
    };
    println!("cargo:rerun-if-changed={}", path.display());
    let pem = match std::fs::read_to_string(&path) {
        Ok(pem) if pem.contains("-----BEGIN CERTIFICATE-----") => pem,
        Ok(_) => return Err(format!("{}: not a PEM certificate", path.display())),
        Err(e) if explicit => {
            return Err(format!("VAXPASS_ANCHOR={}: {e}", path.display()));
        }
        Err(_) => {
            println!(
                "cargo:warning=no trust anchor at {} and VAXPASS_ANCHOR is unset: this portal build will refuse to verify (run ./dev run, or set VAXPASS_ANCHOR)",
                path.display()
            );
            String::new()
        }
    };
    std::fs::write(out.join("anchor.pem"), pem).map_err(|e| e.to_string())?;
    Ok(())
}
