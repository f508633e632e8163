//! Fuzz target `base45`: the property `vaxpass_fuzz::base45` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::base45(data));
