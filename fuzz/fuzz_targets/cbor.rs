//! Fuzz target `cbor`: the property `vaxpass_fuzz::cbor` on libFuzzer's input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vaxpass_fuzz::cbor(data));
