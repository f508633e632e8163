//! The verifier portal's entry point (WebAssembly): registers the service worker and mounts
//! the app. With the `bench` feature (browser tests only) it also exports the measurement
//! hooks of `browser::bench` to JavaScript.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    vaxpass_app::browser::register_service_worker();
    vaxpass_app::components::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The VaxPass portal runs in a browser: build it with `trunk build --release`.");
    std::process::exit(2);
}

#[cfg(all(target_arch = "wasm32", feature = "bench"))]
#[allow(unreachable_pub)] // exported to JavaScript by wasm-bindgen, not to Rust
mod bench_exports {
    use vaxpass_app::browser::bench;
    use wasm_bindgen::prelude::*;

    /// See `browser::bench::scan`.
    #[wasm_bindgen]
    pub async fn vaxpass_scan(
        kind: String,
        rgba: js_sys::Uint8Array,
        width: u32,
        height: u32,
        n: u32,
    ) -> JsValue {
        bench::scan(kind, rgba, width, height, n).await
    }

    /// See `browser::bench::verify`.
    #[wasm_bindgen]
    pub async fn vaxpass_bench_verify(hc1: String, runs: u32) -> js_sys::Array {
        bench::verify(hc1, runs).await
    }

    /// See `browser::bench::acceptance`.
    #[wasm_bindgen]
    pub async fn vaxpass_bench_acceptance(
        hc1: String,
        countries: String,
        at: f64,
        runs: u32,
        repeat: u32,
    ) -> js_sys::Array {
        bench::acceptance(hc1, countries, at, runs, repeat).await
    }

    /// See `browser::bench::revocation`.
    #[wasm_bindgen]
    pub async fn vaxpass_bench_revocation(hc1: String, runs: u32) -> js_sys::Array {
        bench::revocation(hc1, runs).await
    }
}
