//! The page's side of the QR scanner worker (`vaxpass-scanner`, whose side is `worker`): the
//! decoder is most of the code size, so it lives in a worker loaded after the page is up, and
//! decoding never blocks the page.
//!
//! Protocol: the page posts `{id, kind: "frame"|"frame2"|"picture", n, width, height, rgba}`
//! (the RGBA `ArrayBuffer` transferred, not copied); the worker answers `"ready"` once, then
//! `{id, text?, code?, ms}` per message. The worker also holds the CertLogic engine: the page
//! posts `{id, kind: "assess"|"destinations", rules, valuesets, …}` (see `worker` and
//! `acceptance`) and gets `{id, html}`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::browser::dom::{js_err, mark_document};

const SCANNER_URL: &str = "/vaxpass-scanner_loader.js";

/// The scanner worker and its pending requests.
pub struct Scanner {
    worker: web_sys::Worker,
    pending: Rc<RefCell<Vec<(u32, js_sys::Function)>>>,
    next: Cell<u32>,
    /// Messages sent before the worker said it is ready would be lost: they wait here.
    queue: Rc<RefCell<Option<Vec<js_sys::Object>>>>,
    /// The publication (sequence) whose rules this worker has been sent.
    rules_sent: Cell<Option<u64>>,
}

thread_local! {
    static SCANNER: RefCell<Option<Rc<Scanner>>> = const { RefCell::new(None) };
}

/// A reply of the scanner.
pub struct ScanReply {
    /// The QR text found.
    pub text: Option<String>,
    /// The error code when none was.
    pub code: Option<String>,
    /// The worker's decoding time.
    pub ms: f64,
}

fn reply_object(code: &str) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"code".into(), &code.into());
    o.into()
}

/// The scanner worker, started on first use.
pub fn scanner() -> Result<Rc<Scanner>, String> {
    if let Some(s) = SCANNER.with(|s| s.borrow().clone()) {
        return Ok(s);
    }
    let worker = web_sys::Worker::new(SCANNER_URL).map_err(js_err)?;
    let pending: Rc<RefCell<Vec<(u32, js_sys::Function)>>> = Rc::default();
    let queue: Rc<RefCell<Option<Vec<js_sys::Object>>>> = Rc::new(RefCell::new(Some(Vec::new())));
    let on_message = {
        let pending = pending.clone();
        let queue = queue.clone();
        let worker = worker.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let data = ev.data();
            if data.as_string().as_deref() == Some("ready") {
                mark_document("data-scanner", "ready");
                for msg in queue.borrow_mut().take().unwrap_or_default() {
                    let _ = send(&worker, &msg);
                }
                return;
            }
            let id = js_sys::Reflect::get(&data, &"id".into())
                .ok()
                .and_then(|v| v.as_f64())
                .map(|v| v as u32);
            let resolve = {
                let mut p = pending.borrow_mut();
                p.iter()
                    .position(|(i, _)| Some(*i) == id)
                    .map(|k| p.swap_remove(k).1)
            };
            if let Some(f) = resolve {
                let _ = f.call1(&JsValue::NULL, &data);
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // A crashed decoder poisons its instance: answer everything pending and start afresh next
    // time.
    let on_error = {
        let pending = pending.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| {
            SCANNER.with(|s| s.borrow_mut().take());
            for (_, f) in pending.borrow_mut().drain(..) {
                let _ = f.call1(&JsValue::NULL, &reply_object("SCANNER_FAILED"));
            }
        })
    };
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    let s = Rc::new(Scanner {
        worker,
        pending,
        next: Cell::new(1),
        queue,
        rules_sent: Cell::new(None),
    });
    SCANNER.with(|slot| *slot.borrow_mut() = Some(s.clone()));
    Ok(s)
}

/// Posts a message, transferring its pixel buffer if it has one.
fn send(worker: &web_sys::Worker, msg: &js_sys::Object) -> Result<(), JsValue> {
    let rgba = js_sys::Reflect::get(msg, &"rgba".into()).unwrap_or(JsValue::UNDEFINED);
    if rgba.is_undefined() {
        worker.post_message(msg)
    } else {
        worker.post_message_with_transfer(msg, &js_sys::Array::of1(&rgba))
    }
}

/// Sends `fields` to the worker (with an `id`) and awaits its reply; `None` if the worker
/// could not be reached.
async fn request(fields: &[(&str, JsValue)]) -> Option<JsValue> {
    let sc = scanner().ok()?;
    let id = sc.next.get();
    sc.next.set(id.wrapping_add(1));
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"id".into(), &JsValue::from(id));
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&msg, &(*k).into(), v);
    }
    let pending = sc.pending.clone();
    let promise = js_sys::Promise::new(&mut |resolve, _| pending.borrow_mut().push((id, resolve)));
    let queued = match sc.queue.borrow_mut().as_mut() {
        Some(q) => {
            q.push(msg.clone());
            true
        }
        None => false,
    };
    if !queued && send(&sc.worker, &msg).is_err() {
        sc.pending.borrow_mut().retain(|(i, _)| *i != id);
        return None;
    }
    JsFuture::from(promise).await.ok()
}

/// Asks the worker (which holds the CertLogic engine, see `acceptance`) for markup: `kind`
/// "assess" or "destinations", with `fields`, about the rules of `lists`. The rules and value
/// sets (a few hundred KB) are sent once per publication, not with every question; a worker
/// that no longer holds them (restarted, or sent newer ones meanwhile) answers without markup
/// and gets them again. The certificate's data goes to the page's own worker, nowhere else.
/// `None` if the worker could not answer.
pub async fn ask(kind: &str, fields: &[(&str, JsValue)], lists: &hcert::Lists) -> Option<String> {
    let sc = scanner().ok()?;
    let mut with_rules = sc.rules_sent.get() != Some(lists.sequence);
    loop {
        let mut all = vec![
            ("kind", JsValue::from(kind)),
            ("publication", JsValue::from(lists.sequence as f64)),
        ];
        if with_rules {
            all.push((
                "rules",
                String::from_utf8_lossy(&lists.rules).as_ref().into(),
            ));
            all.push((
                "valuesets",
                String::from_utf8_lossy(&lists.rule_value_sets)
                    .as_ref()
                    .into(),
            ));
        }
        all.extend(fields.iter().cloned());
        let data = request(&all).await?;
        if let Some(html) = js_sys::Reflect::get(&data, &"html".into())
            .ok()
            .and_then(|v| v.as_string())
        {
            if with_rules {
                sc.rules_sent.set(Some(lists.sequence));
            }
            return Some(html);
        }
        if with_rules {
            return None;
        }
        with_rules = true;
    }
}

/// Sends RGBA pixels (an `ArrayBuffer`, transferred) to the scanner and awaits its answer.
pub async fn scan(kind: &str, rgba: JsValue, width: u32, height: u32, n: u64) -> ScanReply {
    let data = request(&[
        ("kind", kind.into()),
        ("n", JsValue::from(n as f64)),
        ("width", width.into()),
        ("height", height.into()),
        ("rgba", rgba),
    ])
    .await;
    let Some(data) = data else {
        return ScanReply {
            text: None,
            code: Some("SCANNER_FAILED".to_string()),
            ms: 0.0,
        };
    };
    let get = |k: &str| js_sys::Reflect::get(&data, &k.into()).ok();
    ScanReply {
        text: get("text").and_then(|v| v.as_string()),
        code: get("code").and_then(|v| v.as_string()),
        ms: get("ms").and_then(|v| v.as_f64()).unwrap_or(0.0),
    }
}
