//! Fuzz target `gateway_json`: the property `vaxpass_fuzz::gateway_json` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::gateway_json(data));
