//! Every signature the portal checks is checked by the browser's WebCrypto: ES256 about ten
//! times faster than P-256 arithmetic in WebAssembly (0.1 ms against 1–2 ms), PS256 (RSA-PSS,
//! SHA-256, salt 32), and the ES256 signatures of the trust lists. The portal ships no
//! signature arithmetic at all (the build leaves `hcert`'s backends out: about 60 KB less
//! WebAssembly, 9.3 KB gzip measured). WebCrypto is asynchronous, so it cannot sit behind
//! `hcert`'s synchronous backend:
//! * a certificate: the portal asks `hcert` which signatures a verdict will check
//!   ([`hcert::signature_checks`]), answers them here first, and hands the answers to
//!   [`hcert::verify_decoded_with`];
//! * the lists: the signature files' signing inputs are checked here first and the confirmed
//!   ones passed to `hcert::load_lists` as the anchor's key (`lists::Confirmed`).
//!
//! A check WebCrypto does not answer (no `crypto.subtle`, outside a secure context; a key it
//! refuses) fails closed: the verdict says CANNOT VERIFY, a list does not load. Nothing is
//! cached between certificates except imported public keys.

use std::cell::RefCell;
use std::collections::HashMap;

use hcert::{Algorithm, SignatureCheck};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// Imported public keys, by algorithm and SPKI: public data, kept for the next certificate.
    static KEYS: RefCell<HashMap<(bool, Vec<u8>), web_sys::CryptoKey>> = RefCell::new(HashMap::new());
}

fn object(pairs: &[(&str, wasm_bindgen::JsValue)]) -> js_sys::Object {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &(*k).into(), v);
    }
    o
}

/// The WebCrypto import parameters and verify parameters of a COSE algorithm.
fn params(alg: Algorithm) -> (js_sys::Object, js_sys::Object) {
    match alg {
        Algorithm::Es256 => (
            object(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())]),
            object(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())]),
        ),
        Algorithm::Ps256 => (
            object(&[("name", "RSA-PSS".into()), ("hash", "SHA-256".into())]),
            object(&[("name", "RSA-PSS".into()), ("saltLength", 32.into())]),
        ),
    }
}

async fn import(
    subtle: &web_sys::SubtleCrypto,
    alg: Algorithm,
    spki: &[u8],
) -> Option<web_sys::CryptoKey> {
    let id = (alg == Algorithm::Es256, spki.to_vec());
    if let Some(k) = KEYS.with(|k| k.borrow().get(&id).cloned()) {
        return Some(k);
    }
    let data = js_sys::Uint8Array::from(spki);
    let usages = js_sys::Array::of1(&"verify".into());
    let promise = subtle
        .import_key_with_object("spki", &data, &params(alg).0, false, &usages)
        .ok()?;
    let key: web_sys::CryptoKey = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    KEYS.with(|k| k.borrow_mut().insert(id, key.clone()));
    Some(key)
}

/// WebCrypto's answer to each check, by [`SignatureCheck::index`]; `None` where it gave none.
/// `hcert` has already decided which keys may make which signature, and of what length.
pub async fn answer(checks: &[SignatureCheck]) -> Vec<(usize, Option<bool>)> {
    let mut out = Vec::with_capacity(checks.len());
    for c in checks {
        let answer = verify(c.algorithm, &c.spki, &c.message, &c.signature).await;
        out.push((c.index, answer));
    }
    out
}

/// Whether `signature` (`r‖s`) is a valid ES256 signature of `message` by the P-256 key
/// `spki`; `false` when WebCrypto cannot say.
pub async fn verify_es256(spki: &[u8], message: &[u8], signature: &[u8]) -> bool {
    verify(Algorithm::Es256, spki, message, signature).await == Some(true)
}

async fn verify(alg: Algorithm, spki: &[u8], message: &[u8], signature: &[u8]) -> Option<bool> {
    let subtle = subtle()?;
    let key = import(&subtle, alg, spki).await?;
    let promise = subtle
        .verify_with_object_and_u8_array_and_u8_array(&params(alg).1, &key, signature, message)
        .ok()?;
    JsFuture::from(promise).await.ok()?.as_bool()
}

/// `crypto.subtle` of the page or the worker this runs in (secure contexts only).
fn subtle() -> Option<web_sys::SubtleCrypto> {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    let crypto: web_sys::Crypto = crypto.dyn_into().ok()?;
    Some(crypto.subtle())
}
