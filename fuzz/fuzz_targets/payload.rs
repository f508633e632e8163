//! Fuzz target `payload`: the property `vaxpass_fuzz::payload` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::payload(data));
