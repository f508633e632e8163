//! Small helpers over the page: the clock, local storage, the document, JavaScript errors,
//! the language preference, and files from inputs and drops.

use hcert::UnixTime;
use leptos::prelude::{document, window};
use wasm_bindgen::JsCast;

use crate::i18n::Lang;

/// A file the user chose or dropped.
pub type FileBlob = web_sys::Blob;

const LANG_KEY: &str = "vaxpass.lang";

/// The device clock (`SystemTime::now()` panics on wasm32-unknown-unknown).
pub fn now() -> UnixTime {
    UnixTime((js_sys::Date::now() / 1000.0) as i64)
}

/// A message for a JavaScript error value.
pub(crate) fn js_err(e: wasm_bindgen::JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

pub(crate) fn cast_err<T>(_: T) -> String {
    "unexpected JavaScript type".into()
}

pub(crate) fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The language saved on this device, else the browser's preference, else English.
pub fn preferred_lang() -> Lang {
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

/// Remembers the language on this device.
pub fn save_lang(l: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANG_KEY, l.code());
    }
}

const DESTINATION_KEY: &str = "vaxpass.destination";

/// The destination saved on this device (a hotel sets it once).
pub fn saved_destination() -> Option<String> {
    let saved = storage()?.get_item(DESTINATION_KEY).ok()??;
    crate::acceptance::parse_destination(&saved)
}

/// Saves the destination (or clears it).
pub fn save_destination(d: Option<&str>) {
    if let Some(s) = storage() {
        let _ = match d {
            Some(d) => s.set_item(DESTINATION_KEY, d),
            None => s.remove_item(DESTINATION_KEY),
        };
    }
}

/// Sets the document's language and title.
pub fn set_document_lang(l: Lang, title: &str) {
    if let Some(e) = document().document_element() {
        let _ = e.set_attribute("lang", l.code());
    }
    document().set_title(title);
}

/// Marks the document with a state for the tests (`data-NAME="VALUE"` on `<html>`).
pub fn mark_document(name: &str, value: &str) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute(name, value);
    }
}

/// Country names from the browser (`Intl.DisplayNames`): "Viet Nam (VN)".
pub fn country_namer(lang: Lang) -> impl Fn(&str) -> String {
    let locales = js_sys::Array::of1(&lang.code().into());
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"type".into(), &"region".into());
    let names = js_sys::Intl::DisplayNames::new(&locales, &opts);
    move |code: &str| match names.of(code).map(String::from) {
        Some(n) if n != code => format!("{n} ({code})"),
        _ => code.to_string(),
    }
}

/// The page's query string (`?at=…`).
pub fn search() -> String {
    window().location().search().unwrap_or_default()
}

/// Moves the keyboard focus to an element, on the next frame (after it is rendered).
pub fn focus_later(id: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        if let Some(e) = document().get_element_by_id(id) {
            if let Ok(e) = e.dyn_into::<web_sys::HtmlElement>() {
                let _ = e.focus();
            }
        }
    });
}

/// The file of a drop, if any.
pub fn dropped_file(ev: &web_sys::DragEvent) -> Option<FileBlob> {
    ev.data_transfer()
        .and_then(|d| d.files())
        .and_then(|f| f.get(0))
        .map(Into::into)
}

/// The file chosen in a file input, which is then cleared so the same file can be chosen
/// again.
pub fn take_input_file(input: &web_sys::HtmlInputElement) -> Option<FileBlob> {
    let f = input.files().and_then(|f| f.get(0)).map(Into::into);
    input.set_value("");
    f
}
