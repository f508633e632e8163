//! ES256 verification through the browser's WebCrypto, with the pure-Rust backend behind it.
//!
//! `hcert` verifies synchronously through a [`Backend`]; WebCrypto is asynchronous but about
//! ten times faster than P-256 arithmetic in WebAssembly. So the portal first asks WebCrypto
//! about the signature of the certificate at hand ([`preverify`]), and the backend's keys then
//! answer from those results, bound to the exact key, message and signature. Anything not
//! answered there (PS256, no WebCrypto, a key it refuses) is verified in pure Rust. The
//! results are dropped before the next certificate: nothing about it is kept.

use std::cell::RefCell;
use std::collections::HashMap;

use hcert::crypto::{Algorithm, Backend, RustCrypto, VerifyingKey};
use hcert::x509::{KeyKind, PublicKeyInfo};
use hcert::TrustStore;
use sha2::{Digest as _, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// WebCrypto's answers for the certificate being verified: H(spki, message, signature).
    static ANSWERS: RefCell<HashMap<[u8; 32], bool>> = RefCell::new(HashMap::new());
    /// Imported keys, by SPKI.
    static KEYS: RefCell<HashMap<Vec<u8>, web_sys::CryptoKey>> = RefCell::new(HashMap::new());
}

fn binding(spki: &[u8], message: &[u8], signature: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [spki, message, signature] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

/// The backend of the portal's trust store.
pub(crate) struct WebCryptoFirst;

/// The one instance.
pub(crate) static BACKEND: WebCryptoFirst = WebCryptoFirst;

struct Key {
    spki: Vec<u8>,
    fallback: Box<dyn VerifyingKey>,
}

impl VerifyingKey for Key {
    fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        let answer = ANSWERS.with(|a| {
            a.borrow()
                .get(&binding(&self.spki, message, signature))
                .copied()
        });
        match answer {
            Some(ok) if alg == Algorithm::Es256 => ok,
            _ => self.fallback.verify(alg, message, signature),
        }
    }
}

impl Backend for WebCryptoFirst {
    fn name(&self) -> &'static str {
        "webcrypto+rustcrypto"
    }

    fn prepare(&self, key: &PublicKeyInfo) -> hcert::Result<Box<dyn VerifyingKey>> {
        Ok(Box::new(Key {
            spki: key.spki_der.clone(),
            fallback: RustCrypto.prepare(key)?,
        }))
    }
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

/// Asks WebCrypto about the ES256 signature of `text` for every trusted signer with its kid.
/// Never fails: whatever it cannot answer is left to the pure-Rust fallback.
pub(crate) async fn preverify(text: &str, store: &TrustStore) {
    ANSWERS.with(|a| a.borrow_mut().clear());
    let Ok(d) = hcert::decode(text) else { return };
    let (Ok(Algorithm::Es256), Ok(kid)) = (d.cose.algorithm(), d.cose.kid()) else {
        return;
    };
    if d.cose.signature.len() != 64 {
        return;
    }
    let Some(subtle) = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
    else {
        return;
    };
    let message = d.cose.signed_bytes();
    let algorithm = object(&[("name", "ECDSA"), ("hash", "SHA-256")]);
    for signer in store.candidates(&kid) {
        let spki = &signer.public_key.spki_der;
        if signer.public_key.kind != KeyKind::EcP256 {
            continue;
        }
        let Some(key) = import(&subtle, spki).await else {
            continue;
        };
        let Ok(promise) = subtle.verify_with_object_and_u8_array_and_u8_array(
            &algorithm,
            &key,
            &d.cose.signature,
            &message,
        ) else {
            continue;
        };
        if let Some(ok) = JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()) {
            let b = binding(spki, &message, &d.cose.signature);
            ANSWERS.with(|a| a.borrow_mut().insert(b, ok));
        }
    }
}

/// Forgets the answers about the last certificate.
pub(crate) fn forget() {
    ANSWERS.with(|a| a.borrow_mut().clear());
}
