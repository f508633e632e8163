//! The scanner worker's own side (the `vaxpass-scanner` binary runs [`start`]): RGBA in,
//! QR text or an error code out, with the decoding time. See `scanner` for the protocol.

use crate::frame;
use js_sys::{Object, Reflect, Uint8Array};
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
            "frame" => frame::decode_frame(width, height, &luma, n).ok_or(hcert::Error::QrNotFound),
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

/// Runs the worker: answers every message posted to it.
pub fn start() {
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
