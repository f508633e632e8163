//! Fuzz target `cose`: the property `vaxpass_fuzz::cose` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::cose(data));
