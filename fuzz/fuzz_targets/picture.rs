//! Fuzz target `picture`: the property `vaxpass_fuzz::picture` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::picture(data));
