//! Fuzz target `verify`: the property `vaxpass_fuzz::verify` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::verify(data));
