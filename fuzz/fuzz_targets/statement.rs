//! Fuzz target `statement`: the property `vaxpass_fuzz::statement` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::statement(data));
