//! Measurement hooks for the browser tests (feature `bench`, which the release build leaves
//! out): timings with `performance.now()` of scanning, verifying and the revocation check, as
//! the portal does them. The portal's binary exports them to JavaScript (`main.rs`); the
//! scanner worker, which links the same library, does not.

use leptos::prelude::window;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

use crate::browser::dom::now;
use crate::browser::{net, scanner, webcrypto};
use crate::portal;

/// Sends RGBA pixels to the scanner worker as the camera loop (`kind` "frame", pass `n`),
/// over two consecutive frames ("frame2") or as a picture ("picture"); resolves to
/// `{text?, code?, ms}` with the worker's decoding time.
pub async fn scan(
    kind: String,
    rgba: js_sys::Uint8Array,
    width: u32,
    height: u32,
    n: u32,
) -> JsValue {
    // A copy of the caller's bytes, so that transferring it leaves theirs intact.
    let copy = js_sys::Uint8Array::new(&rgba.buffer())
        .slice(rgba.byte_offset(), rgba.byte_offset() + rgba.byte_length());
    let reply = scanner::scan(&kind, copy.buffer().into(), width, height, u64::from(n)).await;
    let o = js_sys::Object::new();
    if let Some(t) = reply.text {
        let _ = js_sys::Reflect::set(&o, &"text".into(), &t.into());
    }
    if let Some(c) = reply.code {
        let _ = js_sys::Reflect::set(&o, &"code".into(), &c.into());
    }
    let _ = js_sys::Reflect::set(&o, &"ms".into(), &reply.ms.into());
    o.into()
}

/// Median time (ms) to verify `hc1` against the lists in use as the portal does (WebCrypto
/// for the signature, then `hcert`), and whether it was valid.
pub async fn verify(hc1: String, runs: u32) -> js_sys::Array {
    let state = net::load_lists().await;
    if state.lists().is_none() {
        return js_sys::Array::of2(&JsValue::NULL, &"no lists".into());
    };
    let perf = window().performance();
    let clock = || perf.as_ref().map_or(0.0, |p| p.now());
    let mut valid = true;
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let t0 = clock();
        let prepared = portal::prepare(hc1.clone(), &state);
        let answers = webcrypto::answer(&prepared.checks).await;
        let v = portal::verify(prepared, &state, None, now(), &answers);
        valid &= v.blocked.is_none() && v.verdict.is_valid();
        times.push(clock() - t0);
    }
    times.sort_by(f64::total_cmp);
    js_sys::Array::of2(&times[times.len() / 2].into(), &valid.into())
}

/// Size of the portal's WebAssembly memory (it only grows).
fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0.0, |m| {
            f64::from(js_sys::ArrayBuffer::from(m.buffer()).byte_length())
        })
}

/// The revocation check in the lists in use, timed over `runs` repetitions: microseconds per
/// check of `hc1` (its COUNTRYCODEUCI hash and every slice), microseconds per bare filter
/// lookup of random hashes, whether `hc1` is revoked, random hashes reported revoked (false
/// positives), filter bytes in memory, revoked entries and the WebAssembly memory size.
pub async fn revocation(hc1: String, runs: u32) -> js_sys::Array {
    let out = js_sys::Array::new();
    let state = net::load_lists().await;
    let (Some(lists), Ok(decoded)) = (state.lists(), hcert::decode(&hc1)) else {
        return out;
    };
    let Some(rev) = &lists.store.revocations else {
        return out;
    };
    let perf = window().performance();
    let clock = || perf.as_ref().map_or(0.0, |p| p.now());
    let n = runs.max(1);
    let at = now();
    let t0 = clock();
    let mut revoked = true;
    for _ in 0..n {
        revoked &= rev.check(&decoded, at).is_err();
    }
    let check_us = (clock() - t0) * 1000.0 / f64::from(n);
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut hits = 0u32;
    let t1 = clock();
    for _ in 0..n {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let mut h = [0u8; 16];
        h[..8].copy_from_slice(&state.to_be_bytes());
        hits += u32::from(rev.filters_contain(&h));
    }
    let lookup_us = (clock() - t1) * 1000.0 / f64::from(n);
    for v in [
        check_us,
        lookup_us,
        if revoked { 1.0 } else { 0.0 },
        f64::from(hits),
        rev.memory_bytes() as f64,
        rev.entries() as f64,
        wasm_memory_bytes(),
    ] {
        out.push(&v.into());
    }
    out
}

/// The scanner worker's CertLogic time for `hc1`, asked `runs` times as the page asks it:
/// `countries` comma-separated (one destination), or empty (the traveller view: every country
/// with rules, with until when), at `at` (seconds), each request evaluated `repeat` times in
/// the worker (one evaluation is below the worker clock's 0.1 ms resolution). Returns the
/// median and the largest of the worker's own time per evaluation (ms, the rules already
/// parsed), and the median round trip seen by the page (ms, markup and messages included).
pub async fn acceptance(
    hc1: String,
    countries: String,
    at: f64,
    runs: u32,
    repeat: u32,
) -> js_sys::Array {
    let state = net::load_lists().await;
    let Some(lists) = state.lists().cloned() else {
        return js_sys::Array::new();
    };
    // Verified as the page verifies (WebCrypto answers the signature check).
    let prepared = portal::prepare(hc1, &state);
    let answers = webcrypto::answer(&prepared.checks).await;
    let v = portal::verify(prepared, &state, None, now(), &answers);
    let Some(cert) = crate::acceptance::Certificate::of(&v.verdict) else {
        return js_sys::Array::new();
    };
    let perf = window().performance();
    let clock = || perf.as_ref().map_or(0.0, |p| p.now());
    let (mut inside, mut round) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let fields = [
            ("payload", cert.payload.clone().into()),
            ("iss", cert.issuer.clone().into()),
            (
                "exp",
                cert.exp.map_or(JsValue::UNDEFINED, |t| (t as f64).into()),
            ),
            (
                "iat",
                cert.iat.map_or(JsValue::UNDEFINED, |t| (t as f64).into()),
            ),
            ("kid", cert.kid.clone().into()),
            ("countries", countries.as_str().into()),
            ("region", "".into()),
            ("at", at.into()),
            ("published", (lists.issued.0 as f64).into()),
            ("lang", "en".into()),
            ("until", countries.is_empty().into()),
            ("repeat", repeat.into()),
        ];
        let t0 = clock();
        let html = scanner::ask("assess", &fields, &lists)
            .await
            .unwrap_or_default();
        round.push(clock() - t0);
        // `data-us="…"` (microseconds) of the answer's outermost element.
        let ms = html
            .split_once("data-us=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .and_then(|(v, _)| v.parse::<f64>().ok())
            .map(|us| us / 1000.0)
            .unwrap_or(f64::NAN);
        inside.push(ms);
    }
    inside.sort_by(f64::total_cmp);
    round.sort_by(f64::total_cmp);
    let out = js_sys::Array::new();
    for v in [
        inside[inside.len() / 2],
        inside[inside.len() - 1],
        round[round.len() / 2],
    ] {
        out.push(&v.into());
    }
    out
}
