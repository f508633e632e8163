//! Browser glue: Leptos views, fetch and Cache API, camera, pictures. Decisions live in the
//! library (`answer`, `lists`, `frame`, `i18n`); this file only moves bytes and pixels.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use hcert::{TrustStore, UnixTime, Verdict};
use leptos::prelude::*;
use leptos::task::spawn_local;
use vaxpass_app::answer::{self, ResultView};
use vaxpass_app::i18n::{self, Key, Lang};
use vaxpass_app::lists::{self, Bundle, Lists, SignedFile};
use vaxpass_app::{api_url, audit_time, frame, ANCHOR_PEM, API_BASE};

use crate::webcrypto;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream, MediaStreamTrack,
};

const LIST_CACHE: &str = "vaxpass-lists-v1";
const SEQUENCE_KEY: &str = "vaxpass.lists.sequence";
const LANG_KEY: &str = "vaxpass.lang";
/// Longest side a picture is scaled to before decoding.
const PICTURE_MAX_SIDE: u32 = 2000;

thread_local! {
    /// The lists in use, for the benchmark hooks.
    static CURRENT: RefCell<Option<Rc<Lists>>> = const { RefCell::new(None) };
}

fn now() -> UnixTime {
    UnixTime((js_sys::Date::now() / 1000.0) as i64)
}

fn cast_err<T>(_: T) -> String {
    "unexpected JavaScript type".into()
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The state of the trust lists.
#[derive(Clone)]
enum ListState {
    Loading,
    Ready {
        lists: Rc<Lists>,
        /// Served from the offline copy.
        offline: bool,
    },
    /// No usable list: the error, and when known the expiry of the saved copy.
    Failed(hcert::Error),
    NoAnchor,
}

/// Why a verdict may not count.
#[derive(Clone, Copy)]
enum Blocked {
    NoAnchor,
    NoList,
    AuditInvalid,
}

#[derive(Clone)]
struct Shown {
    /// Counts verifications, so that each answer is a new element (and tests can tell).
    n: u64,
    verdict: Rc<Verdict>,
    blocked: Option<Blocked>,
    list_error: Option<hcert::Error>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Home,
    Camera,
    Result,
}

// ---------------------------------------------------------------------------------------------
// Fetching and caching

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    let resp = JsFuture::from(window().fetch_with_str_and_init(url, &init))
        .await
        .map_err(js_err)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(js_err)?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(js_err)?)
        .await
        .map_err(js_err)?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

async fn open_cache() -> Result<web_sys::Cache, String> {
    let caches = window().caches().map_err(js_err)?;
    let cache = JsFuture::from(caches.open(LIST_CACHE))
        .await
        .map_err(js_err)?;
    cache.dyn_into().map_err(js_err)
}

async fn cached_bytes(cache: &web_sys::Cache, url: &str) -> Option<Vec<u8>> {
    let found = JsFuture::from(cache.match_with_str(url)).await.ok()?;
    let resp: web_sys::Response = found.dyn_into().ok()?;
    let buf = JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buf).to_vec())
}

async fn cache_put(cache: &web_sys::Cache, url: &str, bytes: &[u8]) -> Result<(), String> {
    // Copied straight into a JavaScript array: a 70 MB revocation filter is not copied
    // inside the WebAssembly memory first.
    let body = js_sys::Uint8Array::from(bytes);
    let resp = web_sys::Response::new_with_opt_buffer_source(Some(&body)).map_err(js_err)?;
    JsFuture::from(cache.put_with_str(url, &resp))
        .await
        .map_err(js_err)?;
    Ok(())
}

fn urls() -> Vec<(String, String)> {
    std::iter::once(lists::INDEX)
        .chain(lists::FILES)
        .flat_map(|p| [p.to_string(), format!("{p}.sig")])
        .map(|p| (p.clone(), api_url(API_BASE, &p)))
        .collect()
}

/// The revocation slices a set of files names (from its revocation manifest).
fn slice_paths(files: &[(String, Vec<u8>)]) -> Vec<String> {
    files
        .iter()
        .find(|(p, _)| p == lists::REVOCATION)
        .and_then(|(_, b)| lists::slice_paths(b).ok())
        .unwrap_or_default()
}

/// The downloaded or saved files (path, bytes) as a bundle; `None` when one is missing.
fn bundle_from(mut files: Vec<(String, Vec<u8>)>) -> Option<Bundle> {
    let slices = slice_paths(&files);
    let mut take = |path: &str| {
        let i = files.iter().position(|(p, _)| p == path)?;
        Some(files.swap_remove(i).1)
    };
    let mut file = |path: &str| -> Option<SignedFile> {
        Some(SignedFile {
            path: path.to_string(),
            content: take(path)?,
            signature: take(&format!("{path}.sig"))?,
        })
    };
    let index = file(lists::INDEX)?;
    let signed = lists::FILES
        .iter()
        .map(|p| file(p))
        .collect::<Option<Vec<_>>>()?;
    let slices = slices
        .into_iter()
        .map(|p| take(&p).map(|b| (p, b)))
        .collect::<Option<Vec<_>>>()?;
    Some(Bundle {
        index,
        files: signed,
        slices,
    })
}

/// Every file of a bundle as (path, bytes), in the order to save it: the slices first and the
/// index last, so that a saved index never names a slice that is not saved yet.
fn bundle_files(b: &Bundle) -> impl Iterator<Item = (String, &[u8])> {
    b.slices
        .iter()
        .map(|(p, c)| (p.clone(), c.as_slice()))
        .chain(
            b.files
                .iter()
                .chain(std::iter::once(&b.index))
                .flat_map(|f| {
                    [
                        (f.path.clone(), f.content.as_slice()),
                        (format!("{}.sig", f.path), f.signature.as_slice()),
                    ]
                }),
        )
}

/// Checks a bundle against the pinned anchor, now, refusing a rollback.
fn check_bundle(bundle: &Bundle, anchor: &hcert::trustlist::TrustAnchor) -> hcert::Result<Lists> {
    lists::load(bundle, anchor, now(), last_sequence(), &webcrypto::BACKEND)
}

/// Downloads the index and the signed files, then the revocation slices the manifest names.
/// Slices are named after their content and never change: one already saved is not
/// downloaded again, so a daily update costs only its new delta.
async fn download(cache: Option<&web_sys::Cache>) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    for (path, url) in urls() {
        out.push((path, fetch_bytes(&url).await?));
    }
    for path in slice_paths(&out) {
        let url = api_url(API_BASE, &path);
        let saved = match cache {
            Some(c) => cached_bytes(c, &url).await,
            None => None,
        };
        let bytes = match saved {
            Some(b) => b,
            None => fetch_bytes(&url).await?,
        };
        out.push((path, bytes));
    }
    Ok(out)
}

/// Saves a checked bundle for offline use and drops slices it no longer names.
async fn save(cache: &web_sys::Cache, bundle: &Bundle) {
    for (path, bytes) in bundle_files(bundle) {
        let _ = cache_put(cache, &api_url(API_BASE, &path), bytes).await;
    }
    let keep: Vec<String> = bundle
        .slices
        .iter()
        .map(|(p, _)| api_url(API_BASE, p))
        .collect();
    let Ok(keys) = JsFuture::from(cache.keys()).await else {
        return;
    };
    for request in js_sys::Array::from(&keys).iter() {
        let Ok(request) = request.dyn_into::<web_sys::Request>() else {
            continue;
        };
        let url = request.url();
        if url.contains("/revocation/filter/") && !keep.iter().any(|k| url.ends_with(k.as_str())) {
            let _ = JsFuture::from(cache.delete_with_str(&url)).await;
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn last_sequence() -> Option<u64> {
    storage()?.get_item(SEQUENCE_KEY).ok()??.parse().ok()
}

/// Loads the lists: the network first (checked, then saved for offline use), the saved copy
/// when the network fails or serves something that does not check out.
async fn load_lists() -> ListState {
    let Some(anchor) = lists::anchor(ANCHOR_PEM, hcert::crypto::default_backend()) else {
        return ListState::NoAnchor;
    };
    let cache = open_cache().await.ok();
    let mut first_error = None;
    // Two tries from the network: a reader racing a republication may see mixed versions.
    for _ in 0..2 {
        let Ok(files) = download(cache.as_ref()).await else {
            break;
        };
        let Some(bundle) = bundle_from(files) else {
            break;
        };
        match check_bundle(&bundle, &anchor) {
            Ok(l) => {
                if let Some(s) = storage() {
                    let _ = s.set_item(SEQUENCE_KEY, &l.sequence.to_string());
                }
                if let Some(cache) = &cache {
                    save(cache, &bundle).await;
                }
                return ListState::Ready {
                    lists: Rc::new(l),
                    offline: false,
                };
            }
            Err(e) => {
                let digest = matches!(
                    e,
                    hcert::Error::TrustListInvalid {
                        kind: hcert::TrustListErrorKind::Digest,
                        ..
                    }
                );
                first_error.get_or_insert(e);
                if !digest {
                    break;
                }
            }
        }
    }
    // The saved copy.
    if let Some(cache) = &cache {
        let mut files = Vec::new();
        for (path, url) in urls() {
            if let Some(b) = cached_bytes(cache, &url).await {
                files.push((path, b));
            }
        }
        for path in slice_paths(&files) {
            if let Some(b) = cached_bytes(cache, &api_url(API_BASE, &path)).await {
                files.push((path, b));
            }
        }
        if let Some(bundle) = bundle_from(files) {
            match check_bundle(&bundle, &anchor) {
                Ok(l) => {
                    return ListState::Ready {
                        lists: Rc::new(l),
                        offline: true,
                    }
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
    }
    ListState::Failed(first_error.unwrap_or(hcert::Error::TrustListInvalid {
        kind: hcert::TrustListErrorKind::Malformed,
        reason: "the trust list could not be downloaded".into(),
    }))
}

// ---------------------------------------------------------------------------------------------
// Pixels

fn canvas_2d(
    width: u32,
    height: u32,
) -> Result<(HtmlCanvasElement, CanvasRenderingContext2d), String> {
    let canvas: HtmlCanvasElement = document()
        .create_element("canvas")
        .map_err(js_err)?
        .dyn_into()
        .map_err(cast_err)?;
    canvas.set_width(width);
    canvas.set_height(height);
    let opts = web_sys::ContextAttributes2d::new();
    opts.set_will_read_frequently(true);
    let ctx = canvas
        .get_context_with_context_options("2d", &opts)
        .map_err(js_err)?
        .ok_or("no 2d context")?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(cast_err)?;
    Ok((canvas, ctx))
}

/// The RGBA bytes of a canvas area, as the `ArrayBuffer` behind its `ImageData` (handed to the
/// scanner worker without a copy).
fn rgba_buffer(ctx: &CanvasRenderingContext2d, width: u32, height: u32) -> Result<JsValue, String> {
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .map_err(js_err)?;
    let pixels = js_sys::Reflect::get(&data, &"data".into()).map_err(js_err)?;
    js_sys::Reflect::get(&pixels, &"buffer".into()).map_err(js_err)
}

async fn read_picture(blob: web_sys::Blob) -> Result<String, hcert::Error> {
    let unreadable = |reason: String| hcert::Error::ImageUnreadable { reason };
    let promise = window()
        .create_image_bitmap_with_blob(&blob)
        .map_err(|e| unreadable(js_err(e)))?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|e| unreadable(js_err(e)))?
        .dyn_into()
        .map_err(|e| unreadable(cast_err(e)))?;
    let (w, h) = frame::fit(bitmap.width(), bitmap.height(), PICTURE_MAX_SIDE);
    let (_canvas, ctx) = canvas_2d(w, h).map_err(unreadable)?;
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|e| unreadable(js_err(e)))?;
    bitmap.close();
    let buffer = rgba_buffer(&ctx, w, h).map_err(unreadable)?;
    let reply = scan("picture", buffer, w, h, 0).await;
    match (reply.text, reply.code.as_deref()) {
        (Some(text), _) => Ok(text),
        (None, Some("QR_NOT_FOUND")) => Err(hcert::Error::QrNotFound),
        (None, other) => Err(unreadable(format!(
            "the QR reader failed ({})",
            other.unwrap_or("no answer")
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// The scanner worker (vaxpass-scanner: rxing, loaded on first use)

const SCANNER_URL: &str = "/vaxpass-scanner_loader.js";

struct Scanner {
    worker: web_sys::Worker,
    pending: Rc<RefCell<Vec<(u32, js_sys::Function)>>>,
    next: Cell<u32>,
    /// Messages sent before the worker said it is ready would be lost: they wait here.
    queue: Rc<RefCell<Option<Vec<js_sys::Object>>>>,
}

thread_local! {
    static SCANNER: RefCell<Option<Rc<Scanner>>> = const { RefCell::new(None) };
}

/// A reply of the scanner.
struct ScanReply {
    text: Option<String>,
    code: Option<String>,
    ms: f64,
}

fn reply_object(code: &str) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"code".into(), &code.into());
    o.into()
}

fn scanner() -> Result<Rc<Scanner>, String> {
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
                if let Some(root) = document().document_element() {
                    let _ = root.set_attribute("data-scanner", "ready");
                }
                for msg in queue.borrow_mut().take().unwrap_or_default() {
                    let rgba =
                        js_sys::Reflect::get(&msg, &"rgba".into()).unwrap_or(JsValue::UNDEFINED);
                    let _ = worker.post_message_with_transfer(&msg, &js_sys::Array::of1(&rgba));
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
    });
    SCANNER.with(|slot| *slot.borrow_mut() = Some(s.clone()));
    Ok(s)
}

/// Sends RGBA pixels (an `ArrayBuffer`, transferred) to the scanner and awaits its answer.
async fn scan(kind: &str, rgba: JsValue, width: u32, height: u32, n: u64) -> ScanReply {
    let failed = |code: &str| ScanReply {
        text: None,
        code: Some(code.to_string()),
        ms: 0.0,
    };
    let Ok(sc) = scanner() else {
        return failed("SCANNER_FAILED");
    };
    let id = sc.next.get();
    sc.next.set(id.wrapping_add(1));
    let msg = js_sys::Object::new();
    for (k, v) in [
        ("id", JsValue::from(id)),
        ("kind", kind.into()),
        ("n", JsValue::from(n as f64)),
        ("width", width.into()),
        ("height", height.into()),
        ("rgba", rgba.clone()),
    ] {
        let _ = js_sys::Reflect::set(&msg, &k.into(), &v);
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
    if !queued
        && sc
            .worker
            .post_message_with_transfer(&msg, &js_sys::Array::of1(&rgba))
            .is_err()
    {
        sc.pending.borrow_mut().retain(|(i, _)| *i != id);
        return failed("SCANNER_FAILED");
    }
    let data = JsFuture::from(promise).await.unwrap_or(JsValue::UNDEFINED);
    let get = |k: &str| js_sys::Reflect::get(&data, &k.into()).ok();
    ScanReply {
        text: get("text").and_then(|v| v.as_string()),
        code: get("code").and_then(|v| v.as_string()),
        ms: get("ms").and_then(|v| v.as_f64()).unwrap_or(0.0),
    }
}

// ---------------------------------------------------------------------------------------------
// Camera

struct Camera {
    stream: MediaStream,
    interval: Option<IntervalHandle>,
    canvas: Option<(HtmlCanvasElement, CanvasRenderingContext2d)>,
    frames: u64,
    /// A frame is with the scanner: the next one waits.
    in_flight: bool,
}

fn stop_tracks(stream: &MediaStream) {
    for t in stream.get_tracks().iter() {
        if let Ok(t) = t.dyn_into::<MediaStreamTrack>() {
            t.stop();
        }
    }
}

fn video_track(stream: &MediaStream) -> Option<MediaStreamTrack> {
    stream.get_video_tracks().get(0).dyn_into().ok()
}

async fn open_camera(device: Option<String>) -> Result<MediaStream, JsValue> {
    let media = window().navigator().media_devices()?;
    let video = js_sys::Object::new();
    let ideal = |v: JsValue| {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"ideal".into(), &v);
        o
    };
    let _ = js_sys::Reflect::set(&video, &"width".into(), &ideal(1280.into()));
    let _ = js_sys::Reflect::set(&video, &"height".into(), &ideal(720.into()));
    match device {
        Some(id) => {
            let exact = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&exact, &"exact".into(), &id.into());
            let _ = js_sys::Reflect::set(&video, &"deviceId".into(), &exact);
        }
        None => {
            let _ =
                js_sys::Reflect::set(&video, &"facingMode".into(), &ideal("environment".into()));
        }
    }
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_video(&video);
    constraints.set_audio(&false.into());
    let stream = JsFuture::from(media.get_user_media_with_constraints(&constraints)?).await?;
    stream.dyn_into()
}

async fn video_devices() -> Vec<String> {
    let Ok(media) = window().navigator().media_devices() else {
        return Vec::new();
    };
    let Ok(promise) = media.enumerate_devices() else {
        return Vec::new();
    };
    let Ok(list) = JsFuture::from(promise).await else {
        return Vec::new();
    };
    js_sys::Array::from(&list)
        .iter()
        .filter_map(|d| d.dyn_into::<web_sys::MediaDeviceInfo>().ok())
        .filter(|d| d.kind() == web_sys::MediaDeviceKind::Videoinput)
        .map(|d| d.device_id())
        .collect()
}

fn torch_supported(track: &MediaStreamTrack) -> bool {
    // `getCapabilities` is missing in some browsers: ask for it by name.
    let Ok(f) = js_sys::Reflect::get(track, &"getCapabilities".into()) else {
        return false;
    };
    let Some(f) = f.dyn_ref::<js_sys::Function>() else {
        return false;
    };
    f.call0(track)
        .ok()
        .and_then(|caps| js_sys::Reflect::get(&caps, &"torch".into()).ok())
        .is_some_and(|t| t.is_truthy())
}

fn set_torch(track: &MediaStreamTrack, on: bool) {
    let c = js_sys::Object::new();
    let adv = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&adv, &"torch".into(), &on.into());
    let _ = js_sys::Reflect::set(&c, &"advanced".into(), &js_sys::Array::of1(&adv));
    if let Ok(p) = track.apply_constraints_with_constraints(c.unchecked_ref()) {
        spawn_local(async move {
            let _ = JsFuture::from(p).await;
        });
    }
}

// ---------------------------------------------------------------------------------------------
// The app

fn browser_lang() -> Lang {
    if let Some(l) = storage()
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
        .and_then(|c| Lang::from_code(&c))
    {
        return l;
    }
    let langs: Vec<String> = window()
        .navigator()
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    Lang::negotiate(langs.iter().map(String::as_str))
}

fn country_namer(lang: Lang) -> impl Fn(&str) -> String {
    let locales = js_sys::Array::of1(&lang.code().into());
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"type".into(), &"region".into());
    let names = js_sys::Intl::DisplayNames::new(&locales, &opts);
    move |code: &str| match names.of(code).map(String::from) {
        Some(n) if n != code => format!("{n} ({code})"),
        _ => code.to_string(),
    }
}

fn search() -> String {
    window().location().search().unwrap_or_default()
}

#[component]
fn App() -> impl IntoView {
    let lang = RwSignal::new(browser_lang());
    let list_state = RwSignal::new_local(ListState::Loading);
    let mode = RwSignal::new(Mode::Home);
    let shown = RwSignal::new_local(None::<Shown>);
    let paste = RwSignal::new(String::new());
    let picture_busy = RwSignal::new(false);
    let picture_error = RwSignal::new_local(None::<hcert::Error>);
    let camera_error = RwSignal::new(None::<Key>);
    let torch_available = RwSignal::new(false);
    let torch_on = RwSignal::new(false);
    let devices = RwSignal::new(Vec::<String>::new());
    let device_idx = RwSignal::new(0usize);
    let camera = StoredValue::new_local(None::<Camera>);
    let video_ref = NodeRef::<leptos::html::Video>::new();
    let audit = StoredValue::new(audit_time(&search()));

    Effect::new(move |_| {
        let l = lang.get();
        document()
            .document_element()
            .map(|e| e.set_attribute("lang", l.code()));
        document().set_title(i18n::text(l, Key::AppName));
    });

    let reload_lists = move || {
        spawn_local(async move {
            let st = load_lists().await;
            if let ListState::Ready { lists, .. } = &st {
                CURRENT.with(|c| *c.borrow_mut() = Some(lists.clone()));
            }
            list_state.set(st);
        });
    };
    reload_lists();
    // Start the scanner worker once the page is up, so that scanning makes no request.
    set_timeout(
        || {
            let _ = scanner();
        },
        Duration::from_millis(300),
    );
    // Refresh when the connection comes back, and hourly.
    let _ = set_interval_with_handle(reload_lists, Duration::from_secs(3600));
    window_event_listener_untyped("online", move |_| reload_lists());

    let show_verdict = move |text: String, state: ListState| {
        let t_now = now();
        let (at, audit_bad) = match audit.get_value() {
            None => (t_now, false),
            Some(Ok(t)) => (t, false),
            Some(Err(_)) => (t_now, true),
        };
        let (verdict, blocked, list_error) = match &state {
            ListState::Ready { lists, .. } => (
                hcert::verify_as_of(&text, &lists.store, at, t_now),
                audit_bad.then_some(Blocked::AuditInvalid),
                None,
            ),
            other => {
                let v = hcert::verify_as_of(&text, &TrustStore::new(), at, t_now);
                match other {
                    ListState::NoAnchor => (v, Some(Blocked::NoAnchor), None),
                    ListState::Failed(e) => (v, Some(Blocked::NoList), Some(e.clone())),
                    _ => (v, Some(Blocked::NoList), None),
                }
            }
        };
        let n = shown.with_untracked(|s| s.as_ref().map_or(0, |s| s.n)) + 1;
        shown.set(Some(Shown {
            n,
            verdict: Rc::new(verdict),
            blocked,
            list_error,
        }));
        mode.set(Mode::Result);
        // Leave the answer in view and focus it for keyboard and screen-reader users.
        request_animation_frame(|| {
            if let Some(e) = document().get_element_by_id("answer") {
                if let Ok(e) = e.dyn_into::<web_sys::HtmlElement>() {
                    let _ = e.focus();
                }
            }
        });
    };

    // Verifying: computation only (WebCrypto, then hcert), no request.
    let verify_text = move |text: String| {
        let state = list_state.get_untracked();
        spawn_local(async move {
            if let ListState::Ready { lists, .. } = &state {
                webcrypto::preverify(&text, &lists.store).await;
            }
            show_verdict(text, state);
            webcrypto::forget();
        });
    };

    let stop_camera = move || {
        if let Some(mut cam) = camera.try_update_value(Option::take).flatten() {
            if let Some(h) = cam.interval.take() {
                h.clear();
            }
            stop_tracks(&cam.stream);
        }
        torch_on.set(false);
        torch_available.set(false);
        if let Some(v) = video_ref.get_untracked() {
            v.set_src_object(None);
        }
    };

    let start_camera = move |device: Option<String>| {
        stop_camera();
        camera_error.set(None);
        shown.set(None);
        mode.set(Mode::Camera);
        spawn_local(async move {
            let stream = match open_camera(device).await {
                Ok(s) => s,
                Err(e) => {
                    let name = js_sys::Reflect::get(&e, &"name".into())
                        .ok()
                        .and_then(|n| n.as_string())
                        .unwrap_or_default();
                    camera_error.set(Some(if name == "NotAllowedError" {
                        Key::CameraDenied
                    } else {
                        Key::CameraUnavailable
                    }));
                    return;
                }
            };
            if mode.get_untracked() != Mode::Camera {
                stop_tracks(&stream);
                return;
            }
            devices.set(video_devices().await);
            if let Some(track) = video_track(&stream) {
                torch_available.set(torch_supported(&track));
            }
            let Some(video) = video_ref.get_untracked() else {
                stop_tracks(&stream);
                return;
            };
            video.set_src_object(Some(&stream));
            let _ = video.play().map(|p| {
                spawn_local(async move {
                    let _ = JsFuture::from(p).await;
                })
            });
            camera.set_value(Some(Camera {
                stream,
                interval: None,
                canvas: None,
                frames: 0,
                in_flight: false,
            }));
            let tick = move || {
                let grabbed = camera
                    .try_update_value(|c| c.as_mut().and_then(|cam| grab_frame(cam, &video)))
                    .flatten();
                let Some((buffer, w, h, n)) = grabbed else {
                    return;
                };
                spawn_local(async move {
                    let reply = scan("frame", buffer, w, h, n).await;
                    let active = camera
                        .try_update_value(|c| c.as_mut().map(|cam| cam.in_flight = false))
                        .flatten()
                        .is_some();
                    if let (true, Some(text)) = (active, reply.text) {
                        stop_camera();
                        verify_text(text);
                    }
                });
            };
            if let Ok(h) = set_interval_with_handle(tick, Duration::from_millis(80)) {
                let kept = camera
                    .try_update_value(|c| c.as_mut().map(|cam| cam.interval = Some(h)))
                    .flatten()
                    .is_some();
                if !kept {
                    h.clear();
                }
            }
        });
    };

    let on_file = move |file: web_sys::Blob| {
        picture_busy.set(true);
        picture_error.set(None);
        spawn_local(async move {
            let r = read_picture(file).await;
            picture_busy.set(false);
            match r {
                Ok(text) => verify_text(text),
                Err(e) => picture_error.set(Some(e)),
            }
        });
    };

    let start_cam_click = move |_| start_camera(None);
    let stop_cam_click = move |_| {
        stop_camera();
        mode.set(Mode::Home);
    };
    let switch_click = move |_| {
        let list = devices.get_untracked();
        if list.len() > 1 {
            let next = (device_idx.get_untracked() + 1) % list.len();
            device_idx.set(next);
            start_camera(list.get(next).cloned());
        }
    };
    let torch_click = move |_| {
        let on = !torch_on.get_untracked();
        let track = camera
            .try_with_value(|c| c.as_ref().and_then(|c| video_track(&c.stream)))
            .flatten();
        if let Some(track) = track {
            set_torch(&track, on);
            torch_on.set(on);
        }
    };
    let scan_next = move |_| {
        paste.set(String::new());
        start_camera(None)
    };

    let t = move |k: Key| i18n::text(lang.get(), k);

    view! {
        <header class="top">
            <div class="brand">
                <img src="/icon.svg" alt="" width="32" height="32"/>
                <h1>{move || t(Key::AppName)}</h1>
            </div>
            <nav class="langs" aria-label=move || t(Key::Language)>
                {Lang::ALL.into_iter().map(|l| view! {
                    <button
                        id=format!("lang-{}", l.code())
                        class="lang"
                        lang=l.code()
                        aria-pressed=move || (lang.get() == l).to_string()
                        on:click=move |_| {
                            lang.set(l);
                            if let Some(s) = storage() { let _ = s.set_item(LANG_KEY, l.code()); }
                        }
                    >{l.own_name()}</button>
                }).collect_view()}
            </nav>
        </header>
        <main>
            <ListBanner lang=lang state=list_state/>
            {move || audit.get_value().map(|a| {
                let l = lang.get();
                match a {
                    Ok(at) => view! {
                        <p id="audit" class="banner audit" role="status">
                            {i18n::fill(i18n::text(l, Key::AuditMode), &[&i18n::date_time(l, at)])}
                        </p>
                    }.into_any(),
                    Err(_) => view! {
                        <p id="audit" class="banner error" role="alert">{i18n::text(l, Key::AuditInvalid)}</p>
                    }.into_any(),
                }
            })}
            <section id="result-section" hidden=move || mode.get() != Mode::Result>
                {move || shown.get().map(|s| {
                    let l = lang.get();
                    let blocked = s.blocked.map(|b| match b {
                        Blocked::NoAnchor => i18n::text(l, Key::NoAnchor).to_string(),
                        Blocked::AuditInvalid => i18n::text(l, Key::AuditInvalid).to_string(),
                        Blocked::NoList => match &s.list_error {
                            Some(e) => i18n::reason(l, e),
                            None => i18n::fill(i18n::text(l, Key::TrustListMissing), &[""]),
                        },
                    });
                    let namer = country_namer(l);
                    let cur = current_sets();
                    let rv = answer::build(&s.verdict, cur.as_ref().map(|c| &c.value_sets), l, blocked, &namer);
                    view! { <ResultScreen view=rv n=s.n/> }
                })}
                <button id="scan-next" class="primary big" on:click=scan_next>
                    {move || t(Key::ScanNext)}
                </button>
            </section>
            <section id="camera-section" class="camera" hidden=move || mode.get() != Mode::Camera>
                <div class="viewfinder">
                    <video id="video" node_ref=video_ref autoplay=true muted=true playsinline=true></video>
                    <div class="frame" aria-hidden="true"></div>
                </div>
                <p class="hint">{move || t(Key::CameraHint)}</p>
                {move || camera_error.get().map(|k| view! {
                    <p id="camera-error" class="banner error" role="alert">{move || t(k)}</p>
                })}
                <div class="row">
                    <button id="camera-stop" on:click=stop_cam_click>{move || t(Key::StopCamera)}</button>
                    <button id="camera-switch" on:click=switch_click
                        hidden=move || devices.get().len() < 2>{move || t(Key::SwitchCamera)}</button>
                    <button id="torch" on:click=torch_click aria-pressed=move || torch_on.get().to_string()
                        hidden=move || !torch_available.get()>{move || t(Key::Torch)}</button>
                </div>
            </section>
            <section id="inputs" hidden=move || mode.get() == Mode::Camera>
                <p class="tagline">{move || t(Key::Tagline)}</p>
                <button id="camera-start" class="primary big" on:click=start_cam_click>
                    {move || t(Key::StartCamera)}
                </button>
                <DropZone lang=lang on_file=on_file busy=picture_busy/>
                {move || picture_error.get().map(|e| view! {
                    <p id="picture-error" class="banner error" role="alert" data-code=e.code()>
                        {i18n::reason(lang.get(), &e)}
                    </p>
                })}
                <form class="paste" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let text = paste.get_untracked();
                    verify_text(text);
                }>
                    <label for="paste">{move || t(Key::PasteLabel)}</label>
                    <textarea id="paste" rows="4" spellcheck="false" autocomplete="off"
                        placeholder=move || t(Key::PastePlaceholder)
                        prop:value=move || paste.get()
                        on:input=move |ev| paste.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" && !ev.shift_key() {
                                ev.prevent_default();
                                verify_text(paste.get_untracked());
                            }
                        }
                    ></textarea>
                    <button id="verify" type="submit" class="primary">{move || t(Key::Verify)}</button>
                </form>
            </section>
            <p class="privacy">{move || t(Key::Privacy)}</p>
        </main>
    }
}

fn current_sets() -> Option<Rc<Lists>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Grabs the current video frame for the scanner, unless one is still being decoded.
fn grab_frame(cam: &mut Camera, video: &HtmlVideoElement) -> Option<(JsValue, u32, u32, u64)> {
    let (w, h) = (video.video_width(), video.video_height());
    if cam.in_flight || w == 0 || h == 0 {
        return None;
    }
    // Frames larger than 1280 px are scaled down: detail beyond that only costs time.
    let (fw, fh) = frame::fit(w, h, 1280);
    if cam
        .canvas
        .as_ref()
        .is_none_or(|(c, _)| c.width() != fw || c.height() != fh)
    {
        cam.canvas = canvas_2d(fw, fh).ok();
    }
    let (_, ctx) = cam.canvas.as_ref()?;
    ctx.draw_image_with_html_video_element_and_dw_and_dh(
        video,
        0.0,
        0.0,
        f64::from(fw),
        f64::from(fh),
    )
    .ok()?;
    let buffer = rgba_buffer(ctx, fw, fh).ok()?;
    let n = cam.frames;
    cam.frames += 1;
    cam.in_flight = true;
    Some((buffer, fw, fh, n))
}

#[component]
fn ListBanner(lang: RwSignal<Lang>, state: RwSignal<ListState, LocalStorage>) -> impl IntoView {
    move || {
        let l = lang.get();
        match state.get() {
            ListState::Loading => view! {
                <p id="lists-status" class="banner" data-state="loading" role="status">
                    {i18n::text(l, Key::TrustListLoading)}
                </p>
            }
            .into_any(),
            ListState::Ready { lists, offline } => {
                let text = i18n::fill(
                    i18n::text(l, Key::TrustListReady),
                    &[
                        &i18n::date(l, lists.issued),
                        &lists.signers.to_string(),
                        &i18n::date(l, lists.expires),
                    ],
                );
                let age = i18n::age(l, now().0 - lists.issued.0);
                let revocation = i18n::fill(
                    i18n::text(l, Key::RevocationStatus),
                    &[&lists.revoked.to_string(), &age],
                );
                view! {
                    <p id="lists-status" class="banner ok" data-state=if offline { "offline" } else { "ready" }
                        data-sequence=lists.sequence.to_string() data-revoked=lists.revoked.to_string() role="status">
                        {text}
                        <span id="revocation-status">" · "{revocation}</span>
                        {offline.then(|| view! {
                            <span class="offline">" · "{i18n::fill(i18n::text(l, Key::TrustListOffline), &[&age])}</span>
                        })}
                    </p>
                }
                .into_any()
            }
            ListState::Failed(e) => {
                let expired = matches!(
                    e,
                    hcert::Error::TrustListInvalid {
                        kind: hcert::TrustListErrorKind::Expired,
                        ..
                    }
                );
                let msg = if expired {
                    let when = match &e {
                        hcert::Error::TrustListInvalid { reason, .. } => reason
                            .rsplit(' ')
                            .next()
                            .and_then(UnixTime::parse_rfc3339)
                            .map(|t| i18n::date(l, t))
                            .unwrap_or_default(),
                        _ => String::new(),
                    };
                    i18n::fill(i18n::text(l, Key::TrustListExpired), &[&when])
                } else {
                    i18n::fill(
                        i18n::text(l, Key::TrustListMissing),
                        &[&i18n::reason(l, &e)],
                    )
                };
                view! {
                    <p id="lists-status" class="banner error" role="alert"
                        data-state=if expired { "expired" } else { "failed" } data-code=e.code()>{msg}</p>
                }
                .into_any()
            }
            ListState::NoAnchor => view! {
                <p id="lists-status" class="banner error" role="alert" data-state="no-anchor">
                    {i18n::text(l, Key::NoAnchor)}
                </p>
            }
            .into_any(),
        }
    }
}

#[component]
fn DropZone(
    lang: RwSignal<Lang>,
    on_file: impl Fn(web_sys::Blob) + Copy + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let over = RwSignal::new(false);
    let file_ref = NodeRef::<leptos::html::Input>::new();
    view! {
        <div id="drop" class="drop" class:over=move || over.get()
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                over.set(false);
                if let Some(f) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                    on_file(f.into());
                }
            }
        >
            <label for="file" class="button">{move || i18n::text(lang.get(), Key::ChooseImage)}</label>
            <input id="file" node_ref=file_ref type="file" accept="image/png,image/jpeg,image/*" class="visually-hidden"
                on:change=move |_| {
                    if let Some(input) = file_ref.get_untracked() {
                        if let Some(f) = input.files().and_then(|f| f.get(0)) {
                            on_file(f.into());
                        }
                        input.set_value("");
                    }
                }/>
            <p>{move || if busy.get() { i18n::text(lang.get(), Key::ReadingImage) } else { i18n::text(lang.get(), Key::DropImage) }}</p>
        </div>
    }
}

#[component]
fn ResultScreen(view: ResultView, n: u64) -> impl IntoView {
    let ResultView {
        answer,
        headline,
        hint,
        reason,
        reason_code,
        fields,
        checks,
    } = view;
    let lang_checks = checks
        .into_iter()
        .map(|c| {
            view! {
                <li class=format!("check {}", c.state) data-check=c.code data-state=c.state>
                    <span class="mark" aria-hidden="true">{match c.state { "passed" => "✓", "failed" => "✗", _ => "–" }}</span>
                    <span class="title">{c.title}</span>
                    <span class="outcome">{c.outcome}</span>
                    {c.detail.map(|d| view! { <span class="detail">{d}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <div id="answer" tabindex="-1" class=format!("answer {}", answer.code()) data-answer=answer.code()
            data-n=n.to_string() role="alert">
            <p id="headline" class="headline">{headline}</p>
            {reason.map(|r| view! { <p id="reason" class="reason" data-code=reason_code.unwrap_or("")>{r}</p> })}
            <p class="hint">{hint}</p>
        </div>
        <dl id="fields" class="fields">
            {fields.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
        </dl>
        <ul id="checks" class="checks">{lang_checks}</ul>
    }
}

// ---------------------------------------------------------------------------------------------
// Measurement hooks (called by the browser tests with `performance.now()` timings)

fn median_ms(mut f: impl FnMut(), runs: u32) -> f64 {
    let perf = window().performance();
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t0 = perf.as_ref().map_or(0.0, |p| p.now());
            f();
            perf.as_ref().map_or(0.0, |p| p.now()) - t0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Sends RGBA pixels to the scanner worker as the camera loop (`kind` "frame", pass `n`),
/// over two consecutive frames ("frame2") or as a picture ("picture"); resolves to
/// `{text?, code?, ms}` with the worker's decoding time.
#[wasm_bindgen]
#[allow(unreachable_pub)]
pub async fn vaxpass_scan(
    kind: String,
    rgba: js_sys::Uint8Array,
    width: u32,
    height: u32,
    n: u32,
) -> JsValue {
    // A copy of the caller's bytes, so that transferring it leaves theirs intact.
    let copy = js_sys::Uint8Array::new(&rgba.buffer())
        .slice(rgba.byte_offset(), rgba.byte_offset() + rgba.byte_length());
    let reply = scan(&kind, copy.buffer().into(), width, height, u64::from(n)).await;
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
/// for the signature, then `hcert`), whether it was valid, and the median time with the
/// pure-Rust signature check alone.
#[wasm_bindgen]
#[allow(unreachable_pub)]
pub async fn vaxpass_bench_verify(hc1: String, runs: u32) -> js_sys::Array {
    let Some(lists) = current_sets() else {
        return js_sys::Array::of2(&JsValue::NULL, &"no lists".into());
    };
    let perf = window().performance();
    let clock = || perf.as_ref().map_or(0.0, |p| p.now());
    let mut valid = true;
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let t0 = clock();
        webcrypto::preverify(&hc1, &lists.store).await;
        valid &= hcert::verify_as_of(&hc1, &lists.store, now(), now()).is_valid();
        webcrypto::forget();
        times.push(clock() - t0);
    }
    times.sort_by(f64::total_cmp);
    let rust = median_ms(
        || {
            valid &= hcert::verify_as_of(&hc1, &lists.store, now(), now()).is_valid();
        },
        runs,
    );
    let out = js_sys::Array::of2(&times[times.len() / 2].into(), &valid.into());
    out.push(&rust.into());
    out
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
#[wasm_bindgen]
#[allow(unreachable_pub)]
pub fn vaxpass_bench_revocation(hc1: String, runs: u32) -> js_sys::Array {
    let out = js_sys::Array::new();
    let (Some(lists), Ok(decoded)) = (current_sets(), hcert::decode(&hc1)) else {
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

/// Mounts the app and registers the service worker.
pub(crate) fn start() {
    console_error_panic_hook::set_once();
    if let Ok(sw) = js_sys::Reflect::get(&window().navigator(), &"serviceWorker".into()) {
        if !sw.is_undefined() {
            let sw: web_sys::ServiceWorkerContainer = sw.unchecked_into();
            let _ = sw.register("/sw.js");
        }
    }
    leptos::mount::mount_to_body(App);
}
