//! Pictures and canvases: a chosen or dropped image, drawn into a canvas at most
//! [`PICTURE_MAX_SIDE`] pixels on its long side, handed to the scanner as RGBA.

use leptos::prelude::{document, window};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::browser::dom::{cast_err, js_err, FileBlob};
use crate::browser::scanner;
use crate::frame;

/// Longest side a picture is scaled to before decoding.
const PICTURE_MAX_SIDE: u32 = 2000;

/// A canvas and its 2D context, set for frequent reads.
pub(crate) fn canvas_2d(
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
pub(crate) fn rgba_buffer(
    ctx: &CanvasRenderingContext2d,
    width: u32,
    height: u32,
) -> Result<JsValue, String> {
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .map_err(js_err)?;
    let pixels = js_sys::Reflect::get(&data, &"data".into()).map_err(js_err)?;
    js_sys::Reflect::get(&pixels, &"buffer".into()).map_err(js_err)
}

/// Reads the QR code of a picture.
pub async fn read_picture(blob: FileBlob) -> Result<String, hcert::Error> {
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
    let reply = scanner::scan("picture", buffer, w, h, 0).await;
    match (reply.text, reply.code.as_deref()) {
        (Some(text), _) => Ok(text),
        (None, Some("QR_NOT_FOUND")) => Err(hcert::Error::QrNotFound),
        (None, other) => Err(unreadable(format!(
            "the QR reader failed ({})",
            other.unwrap_or("no answer")
        ))),
    }
}
