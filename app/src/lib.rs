//! The VaxPass verifier portal.
//!
//! Pure logic, tested natively: `portal` (what a scan is verified against and what blocks an
//! answer), `lists` (which files, in which order, the loading and refresh policy), `answer`
//! (the result screen as data), `frame` (pixels to QR text) and the wording (`i18n`, shared
//! with the command line). In the browser build, `browser` is the only code that touches the
//! browser's APIs (web-sys: fetch, Cache API, camera, canvas, the scanner worker, WebCrypto)
//! and `components` holds the Leptos views; both only move bytes, pixels and events.

pub mod acceptance;
pub mod answer;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod components;
pub mod frame;
pub mod lists;
pub mod portal;

pub use vaxpass_i18n as i18n;

/// The trust-list signer pinned at build time (`VAXPASS_ANCHOR`), as `build.rs` extracted it
/// from the certificate: its key, subject and validity.
#[derive(Debug, Clone, Copy)]
pub struct PinnedAnchor {
    /// SubjectPublicKeyInfo, DER.
    pub spki: &'static [u8],
    /// Subject of the certificate.
    pub subject: &'static str,
    /// Validity start (NumericDate).
    pub not_before: u64,
    /// Validity end (NumericDate).
    pub not_after: u64,
}

/// The pinned anchor; `None` when the build had none, and then nothing verifies.
pub const ANCHOR: Option<PinnedAnchor> = include!(concat!(env!("OUT_DIR"), "/anchor.rs"));

/// The pinned anchor with `key` as its verifying key (in the browser, [`lists::Confirmed`]:
/// the signatures WebCrypto confirmed), or `None` (no anchor, or not a P-256 key).
pub fn pinned_anchor(key: Box<dyn hcert::VerifyingKey>) -> Option<hcert::TrustAnchor> {
    let a = ANCHOR?;
    let secs = |s: u64| hcert::UnixTime(i64::try_from(s).unwrap_or(i64::MAX));
    hcert::TrustAnchor::with_key(
        a.spki,
        a.subject.to_string(),
        secs(a.not_before),
        secs(a.not_after),
        key,
    )
    .ok()
}

/// Base URL of the static API (`VAXPASS_API` at build time); `None` means the portal's own
/// origin.
pub const API_BASE: Option<&str> = option_env!("VAXPASS_API");

/// The URL of a file of the published tree.
pub fn api_url(base: Option<&str>, path: &str) -> String {
    match base
        .map(|b| b.trim_end_matches('/'))
        .filter(|b| !b.is_empty())
    {
        Some(b) => format!("{b}/{path}"),
        None => format!("/{path}"),
    }
}

/// Parses the `?at=` audit time. `None` when absent; `Some(Err)` when present but not RFC 3339
/// (then nothing may verify: a typo must not silently verify as of now).
pub fn audit_time(query: &str) -> Option<Result<hcert::UnixTime, String>> {
    let query = query.trim_start_matches('?');
    let value = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "at")
        .map(|(_, v)| v)?;
    let decoded = percent_decode(value);
    Some(hcert::UnixTime::parse_rfc3339(&decoded).ok_or(decoded))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_time_parameter() {
        assert_eq!(audit_time(""), None);
        assert_eq!(audit_time("?lang=vi"), None);
        let t = audit_time("?at=2021-06-01T12%3A00%3A00Z").unwrap().unwrap();
        assert_eq!(t.rfc3339(), "2021-06-01T12:00:00Z");
        let t = audit_time("lang=en&at=2021-06-01T12:00:00%2B02:00")
            .unwrap()
            .unwrap();
        assert_eq!(t.rfc3339(), "2021-06-01T10:00:00Z");
        assert_eq!(audit_time("?at=yesterday"), Some(Err("yesterday".into())));
        assert_eq!(audit_time("?at=%"), Some(Err("%".into())));
    }

    #[test]
    fn urls() {
        assert_eq!(
            api_url(None, "trust-lists/verifier.json"),
            "/trust-lists/verifier.json"
        );
        assert_eq!(api_url(Some(""), "a"), "/a");
        assert_eq!(
            api_url(Some("https://cdn.example/vn/"), "a"),
            "https://cdn.example/vn/a"
        );
    }
}
