//! Pins the trust-list signing certificate into the portal at build time.
//!
//! `VAXPASS_ANCHOR` names a PEM file; without it the demo set-up's anchor
//! (`trust-lists/current/trust-anchor.pem`, written by `./dev run`) is used when present. A
//! build without any anchor still succeeds, but that portal refuses to verify anything (it
//! says so on screen): failing closed beats trusting an unpinned list.
//!
//! The certificate is parsed here, with `x509-cert`, and only what the portal needs is
//! compiled in: the public key (SPKI), the validity and the subject. So the browser build
//! parses no X.509 at run time and carries no X.509 parser. A certificate whose key usage
//! does not allow signatures is refused here.

use std::fmt::Write as _;
use std::path::PathBuf;

use der::{Decode as _, Encode as _};

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
    let code = match std::fs::read_to_string(&path) {
        Ok(pem) => anchor_code(&pem).map_err(|e| format!("{}: {e}", path.display()))?,
        Err(e) if explicit => {
            return Err(format!("VAXPASS_ANCHOR={}: {e}", path.display()));
        }
        Err(_) => {
            println!(
                "cargo:warning=no trust anchor at {} and VAXPASS_ANCHOR is unset: this portal build will refuse to verify (run ./dev run, or set VAXPASS_ANCHOR)",
                path.display()
            );
            "None".to_string()
        }
    };
    std::fs::write(out.join("anchor.rs"), code).map_err(|e| e.to_string())?;
    Ok(())
}

/// The Rust expression of the pinned anchor: `Some(PinnedAnchor { … })`.
fn anchor_code(pem: &str) -> Result<String, String> {
    use base64::Engine as _;
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let start = pem.find(BEGIN).ok_or("not a PEM certificate")? + BEGIN.len();
    let end = pem[start..].find(END).ok_or("PEM block without END line")? + start;
    let body: String = pem[start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| "PEM body is not Base64")?;
    let cert = x509_cert::Certificate::from_der(&der).map_err(|e| e.to_string())?;
    let tbs = &cert.tbs_certificate;
    for ext in tbs.extensions.as_deref().unwrap_or_default() {
        if ext.extn_id == const_oid::db::rfc5280::ID_CE_KEY_USAGE {
            let ku = x509_cert::ext::pkix::KeyUsage::from_der(ext.extn_value.as_bytes())
                .map_err(|e| e.to_string())?;
            if !ku.digital_signature() {
                return Err("the anchor's key usage does not allow digital signatures".into());
            }
        }
    }
    let spki = tbs
        .subject_public_key_info
        .to_der()
        .map_err(|e| e.to_string())?;
    let secs = |t: &x509_cert::time::Time| t.to_unix_duration().as_secs();
    let mut bytes = String::new();
    for b in spki {
        let _ = write!(bytes, "{b},");
    }
    Ok(format!(
        "Some(PinnedAnchor {{ spki: &[{bytes}], subject: {:?}, not_before: {}, not_after: {} }})",
        tbs.subject.to_string(),
        secs(&tbs.validity.not_before),
        secs(&tbs.validity.not_after),
    ))
}
