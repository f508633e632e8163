//! Fuzz target `decode`: the property `vaxpass_fuzz::decode` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::decode(data));
