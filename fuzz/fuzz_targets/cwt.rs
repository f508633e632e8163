//! Fuzz target `cwt`: the property `vaxpass_fuzz::cwt` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::cwt(data));
