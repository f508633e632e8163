//! Fuzz target `inflate`: the property `vaxpass_fuzz::inflate` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::inflate(data));
