//! Decoding, stage by stage (hcert_spec §3–§4): `prefix` → `base45` → `zlib` → `cose` →
//! `cwt` → `payload`, chained by `chain`; `cbor` reads the CBOR items `cose` and `cwt` hand to
//! coset. No stage verifies anything.

pub(crate) mod base45;
pub(crate) mod cbor;
pub(crate) mod cbor_json;
pub(crate) mod chain;
pub(crate) mod cose;
pub(crate) mod cwt;
pub(crate) mod payload;
pub(crate) mod prefix;
pub(crate) mod zlib;

pub use base45::decode as decode_base45;
pub use cbor::read_value as decode_cbor;
pub use cbor_json::into_json as cbor_to_json;
pub use chain::{decode, decode_cose, decode_with, Decoded, Limits};
pub use cose::decode_sign1;
pub use cose::{Algorithm, CoseSign1, Envelope};
pub use cwt::decode_claims;
pub use cwt::Claims;
pub use payload::{Dcc, Entry, Name, PartialDate, Recovery, Test, Vaccination};
pub use prefix::{strip_prefix, HC1};
pub use zlib::inflate;
