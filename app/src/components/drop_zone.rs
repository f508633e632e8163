//! The picture drop zone and file chooser.

use leptos::prelude::*;

use crate::browser::{self, FileBlob};
use crate::i18n::{self, Key, Lang};

#[component]
/// Choosing or dropping a picture of a QR code.
pub fn DropZone(
    /// The display language.
    lang: RwSignal<Lang>,
    /// Called with the file chosen or dropped.
    on_file: impl Fn(FileBlob) + Copy + 'static,
    /// A picture is being read.
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
                if let Some(f) = browser::dropped_file(&ev) {
                    on_file(f);
                }
            }
        >
            <label for="file" class="button">{move || i18n::text(lang.get(), Key::ChooseImage)}</label>
            <input id="file" node_ref=file_ref type="file" accept="image/png,image/jpeg,image/*" class="visually-hidden"
                on:change=move |_| {
                    if let Some(f) = file_ref.get_untracked().and_then(|i| browser::take_input_file(&i)) {
                        on_file(f);
                    }
                }/>
            <p>{move || if busy.get() { i18n::text(lang.get(), Key::ReadingImage) } else { i18n::text(lang.get(), Key::DropImage) }}</p>
        </div>
    }
}
