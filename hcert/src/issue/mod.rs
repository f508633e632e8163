//! Issuing (feature `sign`): the HC1 pipeline run backwards (`sign`), a CBOR writer for
//! payloads (`cbor`), X.509 certificates for the HCERT PKI (`certgen`) and UVCI check
//! characters (`uvci`).

pub(crate) mod cbor;
pub(crate) mod certgen;
pub(crate) mod sign;
pub(crate) mod uvci;

pub use crate::decode::cwt::encode_claims;
pub use cbor::CborWriter;
pub use certgen::{
    build_certificate, encode_name, key_identifier, CertificateSpec, IssuerRef, NameAttr,
    KU_CRL_SIGN, KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN,
};
pub use sign::{json_to_cbor, Issuer};
pub use uvci::{check_character, check_character_valid, with_check_character, CODE_POINTS};
