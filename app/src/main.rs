//! The verifier portal's entry point (WebAssembly): mounts the app.

#[cfg(target_arch = "wasm32")]
mod ui;
#[cfg(target_arch = "wasm32")]
mod webcrypto;

#[cfg(target_arch = "wasm32")]
fn main() {
    ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The VaxPass portal runs in a browser: build it with `trunk build --release`.");
    std::process::exit(2);
}
