//! The QR scanner, a web worker of its own: the decoder (rxing) is most of the code size, so
//! it is loaded only after the page is up (the service worker keeps it for offline use), and
//! decoding never blocks the page. Its code is `vaxpass_app::browser::worker`.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    vaxpass_app::browser::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "vaxpass-scanner is the portal's QR web worker: build it with `trunk build --release`."
    );
    std::process::exit(2);
}
