//! ES256 signatures checked by the browser's WebCrypto: about ten times faster than P-256
//! arithmetic in WebAssembly (0.1 ms against 1–2 ms), but asynchronous, so it cannot sit
//! behind `hcert`'s synchronous backend. Instead the portal asks `hcert` which signatures a
//! verdict will check ([`hcert::signature_checks`]), answers them here first, and hands the
//! answers to [`hcert::verify_decoded_with`]. Whatever is not answered (PS256, no WebCrypto,
//! a key it refuses) is checked by `hcert`'s pure-Rust backend. Nothing is cached between
//! certificates except imported public keys.

use std::cell::RefCell;
use std::collections::HashMap;

use hcert::{Algorithm, SignatureCheck};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// Imported public keys, by SPKI: public data, kept for the next certificate.
    static KEYS: RefCell<HashMap<Vec<u8>, web_sys::CryptoKey>> = RefCell::new(HashMap::new());
}

fn object(pairs: &[(&str, &str)]) -> js_sys::Object {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    o
}

async fn import(subtle: &web_sys::SubtleCrypto, spki: &[u8]) -> Option<web_sys::CryptoKey> {
    if let Some(k) = KEYS.with(|k| k.borrow().get(spki).cloned()) {
        return Some(k);
    }
    let data = js_sys::Uint8Array::from(spki);
    let usages = js_sys::Array::of1(&"verify".into());
    let promise = subtle
        .import_key_with_object(
            "spki",
            &data,
            &object(&[("name", "ECDSA"), ("namedCurve", "P-256")]),
            false,
            &usages,
        )
        .ok()?;
    let key: web_sys::CryptoKey = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    KEYS.with(|k| k.borrow_mut().insert(spki.to_vec(), key.clone()));
    Some(key)
}

/// WebCrypto's answer to each ES256 check, by [`SignatureCheck::index`]; `None` where it
/// gave none. `hcert` has already decided which keys may make which signature.
pub async fn answer(checks: &[SignatureCheck]) -> Vec<(usize, Option<bool>)> {
    let mut out = Vec::with_capacity(checks.len());
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle());
    let algorithm = object(&[("name", "ECDSA"), ("hash", "SHA-256")]);
    for c in checks {
        let mut answer = None;
        if let (Some(subtle), Algorithm::Es256) = (&subtle, c.algorithm) {
            if let Some(key) = import(subtle, &c.spki).await {
                if let Ok(promise) = subtle.verify_with_object_and_u8_array_and_u8_array(
                    &algorithm,
                    &key,
                    &c.signature,
                    &c.message,
                ) {
                    answer = JsFuture::from(promise).await.ok().and_then(|v| v.as_bool());
                }
            }
        }
        out.push((c.index, answer));
    }
    out
}
