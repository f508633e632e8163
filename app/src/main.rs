//! The verifier portal's entry point: installs the panic hook and mounts the app.

use leptos::prelude::*;

/// Placeholder view until the portal lands.
#[component]
fn App() -> impl IntoView {
    view! { <main><h1>"VaxPass"</h1><p>"Verifier portal"</p></main> }
}

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
