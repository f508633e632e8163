//! The destination chooser (remembered on the device). Its options, like the acceptance
//! answers, are markup from the scanner worker (`acceptance`, which says why).

use leptos::prelude::*;

use crate::i18n::{accept_text, AcceptKey, Lang};

/// The destination and date chooser.
#[component]
pub fn DestinationChooser(
    /// Display language.
    lang: RwSignal<Lang>,
    /// The chosen date (`YYYY-MM-DD`, empty: today).
    date: RwSignal<String>,
    /// The `<option>`s (markup from the worker, `acceptance::html::options`).
    options: Signal<String>,
    /// Audit mode fixes the moment: no date to choose.
    audit: bool,
    /// Called with the new choice.
    on_change: Callback<Option<String>>,
) -> impl IntoView {
    let a = move |k| accept_text(lang.get(), k);
    view! {
        <div class="destination row">
            <label for="destination">{move || a(AcceptKey::DestinationLabel)}</label>
            <select id="destination" inner_html=move || options.get() on:change=move |ev| {
                on_change.run(crate::acceptance::parse_destination(&event_target_value(&ev)));
            }></select>
            <span hidden=audit>
                <label for="accept-date">{move || a(AcceptKey::DateLabel)}</label>
                <input id="accept-date" type="date" title=move || a(AcceptKey::DateHint)
                    prop:value=move || date.get()
                    on:change=move |ev| date.set(event_target_value(&ev))/>
            </span>
        </div>
    }
}
