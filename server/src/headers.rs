//! Response headers: the security headers every response carries, and the
//! Content-Security-Policy, which allows the portal's inline scripts by hash.

use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

/// The Content-Security-Policy for a portal whose `index.html` is `index`: only its own
/// origin, WebAssembly, and the inline scripts of `index` by hash. `connect-src 'self'` is
/// what keeps certificate data in the browser: the page cannot send anything elsewhere.
pub(crate) fn content_security_policy(index: &str) -> String {
    let scripts = inline_script_hashes(index).join(" ");
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {scripts}; style-src 'self'; \
         img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; worker-src 'self'; \
         manifest-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// SHA-256 source hashes of the inline scripts of an HTML page, in CSP syntax.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = start + open_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + close];
        if !tag.contains("src=") && !body.trim().is_empty() {
            let d = Sha256::digest(body.as_bytes());
            out.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(d)
            ));
        }
        rest = &rest[body_start + close..];
    }
    out
}

/// The security headers of every response, with this CSP.
pub(crate) fn security_headers(csp: HeaderValue) -> Vec<(HeaderName, HeaderValue)> {
    vec![
        (header::CONTENT_SECURITY_POLICY, csp),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "camera=(self), microphone=(), geolocation=(), interest-cohort=()",
            ),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ]
}

/// The security headers as a map, to build into prebuilt file responses.
pub(crate) fn security_header_map(csp: HeaderValue) -> HeaderMap {
    security_headers(csp).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<html><script type="module">import init from '/a.js'; init();</script><script src="/x.js"></script><script> </script></html>"#;
        let hashes = inline_script_hashes(html);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/a.js'; init();"));
        assert_eq!(hashes, vec![format!("'sha256-{expected}'")]);
        let csp = content_security_policy(html);
        assert!(csp.contains(&hashes[0]) && csp.contains("connect-src 'self'"));
    }
}
