//! Fuzz target `x509`: the property `vaxpass_fuzz::x509` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::x509(data));
