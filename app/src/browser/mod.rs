//! The only code of the portal that uses the browser's APIs (web-sys, js-sys): the clock,
//! local storage, the network and the Cache API (`net`), pictures and canvases (`picture`),
//! the camera (`camera`), the QR scanner worker (`scanner`, and `worker` for the worker's own
//! side), WebCrypto (`webcrypto`) and, in test builds, the measurement hooks (`bench`).
//! Decisions are taken in the pure modules of the crate; this module moves bytes and pixels.

#[cfg(feature = "bench")]
pub mod bench;
pub mod camera;
pub mod dom;
pub mod net;
pub mod picture;
pub mod scanner;
pub mod webcrypto;
pub mod worker;

pub use dom::{
    country_namer, dropped_file, focus_later, mark_document, now, preferred_lang, save_destination,
    save_lang, saved_destination, search, set_document_lang, take_input_file, FileBlob,
};

/// Registers the service worker, which keeps the portal and the lists for offline use.
pub fn register_service_worker() {
    use wasm_bindgen::JsCast as _;
    if let Ok(sw) = js_sys::Reflect::get(
        &leptos::prelude::window().navigator(),
        &"serviceWorker".into(),
    ) {
        if !sw.is_undefined() {
            let sw: web_sys::ServiceWorkerContainer = sw.unchecked_into();
            let _ = sw.register("/sw.js");
        }
    }
}
