//! Fuzz target `revocation_filter`: the property `vaxpass_fuzz::revocation_filter` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::revocation_filter(data));
