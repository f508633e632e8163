//! The QR scanner, a web worker of its own: the decoder (rxing) is most of the code size, so
//! it is loaded only when the camera or a picture is first used (the service worker keeps it
//! for offline use), and decoding never blocks the page.
//!
//! Messages in: `{id, kind: "frame"|"picture"|"frame2", n, width, height, rgba: ArrayBuffer}`;
//! out: `"ready"` once, then `{id, text?, code?, ms}` where `ms` is the decoding time including
//! RGBA → grey.

#[cfg(target_arch = "wasm32")]
mod worker {
    use js_sys::{Object, Reflect, Uint8Array};
    use vaxpass_app::frame;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    fn field(data: &JsValue, key: &str) -> JsValue {
        Reflect::get(data, &key.into()).unwrap_or(JsValue::UNDEFINED)
    }

    fn handle(data: &JsValue, now: &dyn Fn() -> f64) -> Object {
        let reply = Object::new();
        let _ = Reflect::set(&reply, &"id".into(), &field(data, "id"));
        let width = field(data, "width").as_f64().unwrap_or(0.0) as u32;
        let height = field(data, "height").as_f64().unwrap_or(0.0) as u32;
        let n = field(data, "n").as_f64().unwrap_or(0.0) as u64;
        let kind = field(data, "kind").as_string().unwrap_or_default();
        let t0 = now();
        let rgba = Uint8Array::new(&field(data, "rgba")).to_vec();
        let result = if rgba.len() != (width as usize) * (height as usize) * 4 {
            Err(hcert::Error::ImageUnreadable {
                reason: "pixel buffer does not match the image size".into(),
            })
        } else {
            let luma = frame::rgba_to_luma(&rgba);
            match kind.as_str() {
                "frame" => {
                    frame::decode_frame(width, height, &luma, n).ok_or(hcert::Error::QrNotFound)
                }
                "frame2" => (0..2)
                    .find_map(|i| frame::decode_frame(width, height, &luma, i))
                    .ok_or(hcert::Error::QrNotFound),
                _ => frame::decode_picture(width, height, &luma),
            }
        };
        let _ = Reflect::set(&reply, &"ms".into(), &(now() - t0).into());
        match result {
            Ok(text) => {
                let _ = Reflect::set(&reply, &"text".into(), &text.into());
            }
            Err(e) => {
                let _ = Reflect::set(&reply, &"code".into(), &e.code().into());
            }
        }
        reply
    }

    pub(crate) fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let perf = scope.performance();
        let reply_to = scope.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let now = || perf.as_ref().map_or(0.0, |p| p.now());
            let reply = handle(&ev.data(), &now);
            let _ = reply_to.post_message(&reply);
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        // Messages that arrived while the module was loading were dropped: the page queues
        // them until it hears this.
        let _ = scope.post_message(&"ready".into());
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "vaxpass-scanner is the portal's QR web worker: build it with `trunk build --release`."
    );
    std::process::exit(2);
}
