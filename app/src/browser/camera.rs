//! The camera: opening it (back camera first), switching devices and the torch, and grabbing
//! frames for the scanner, one at a time.

use leptos::prelude::{window, IntervalHandle};
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream, MediaStreamTrack,
};

use crate::browser::picture::{canvas_2d, rgba_buffer};
use crate::frame;

impl Camera {
    /// A camera for an open stream, before its frame loop starts.
    pub fn new(stream: MediaStream) -> Camera {
        Camera {
            stream,
            interval: None,
            canvas: None,
            frames: 0,
            in_flight: false,
        }
    }
}

/// The name of the error a camera could not be opened with (`NotAllowedError`: denied).
pub fn error_name(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default()
}

/// Starts playing a stream in a video element.
pub fn play(video: &HtmlVideoElement, stream: Option<&MediaStream>) {
    video.set_src_object(stream);
    if stream.is_some() {
        let _ = video.play().map(|p| {
            spawn_local(async move {
                let _ = JsFuture::from(p).await;
            })
        });
    }
}

/// An open camera and the frame loop reading it.
pub struct Camera {
    /// The video stream.
    pub stream: MediaStream,
    /// The frame loop.
    pub interval: Option<IntervalHandle>,
    canvas: Option<(HtmlCanvasElement, CanvasRenderingContext2d)>,
    frames: u64,
    /// A frame is with the scanner: the next one waits.
    pub in_flight: bool,
}

/// Stops every track of a stream (the camera light goes off).
pub fn stop_tracks(stream: &MediaStream) {
    for t in stream.get_tracks().iter() {
        if let Ok(t) = t.dyn_into::<MediaStreamTrack>() {
            t.stop();
        }
    }
}

/// The video track of a stream.
pub fn video_track(stream: &MediaStream) -> Option<MediaStreamTrack> {
    stream.get_video_tracks().get(0).dyn_into().ok()
}

/// Opens a camera: the given device, else the back camera, at up to 1280×720.
pub async fn open_camera(device: Option<String>) -> Result<MediaStream, JsValue> {
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

/// The ids of the video inputs.
pub async fn video_devices() -> Vec<String> {
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

/// Whether a track can switch on a torch.
pub fn torch_supported(track: &MediaStreamTrack) -> bool {
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

/// Switches a torch on or off.
pub fn set_torch(track: &MediaStreamTrack, on: bool) {
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

/// Grabs the current video frame for the scanner, unless one is still being decoded.
pub fn grab_frame(cam: &mut Camera, video: &HtmlVideoElement) -> Option<(JsValue, u32, u32, u64)> {
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
