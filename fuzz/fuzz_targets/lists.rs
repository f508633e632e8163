//! Fuzz target `lists`: the property `vaxpass_fuzz::lists` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::lists(data));
