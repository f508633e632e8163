//! The whole decoding chain (hcert_spec §3–§4, HCERT.md §1): `HC1:` text → Base45 → zlib →
//! COSE_Sign1 → CWT claims → DCC payload. Nothing here is verified yet.

use crate::decode::cose::{self, CoseSign1};
use crate::decode::cwt::{self, Claims};
use crate::decode::payload::Dcc;
use crate::decode::{base45, prefix, zlib};
use crate::error::{Error, Result};

/// Resource limits for decoding untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest accepted input text in bytes. The largest QR code holds 4,296 alphanumeric
    /// characters, so nothing longer can be a certificate.
    pub max_input: usize,
    /// Largest inflated COSE message. Real certificates inflate to well under 4 KiB.
    pub max_inflated: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: 8 * 1024,
            max_inflated: 64 * 1024,
        }
    }
}

/// A certificate decoded down to its payload, not yet verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The COSE_Sign1 message.
    pub cose: CoseSign1,
    /// The CWT claims.
    pub claims: Claims,
    /// The DCC payload.
    pub dcc: Dcc,
    /// Whether the zlib stream's Adler-32 checksum matched. A mismatch fails the decode check;
    /// when the signature fails too, the signature is named as the reason (the content was
    /// altered, not merely the checksum).
    pub checksum_ok: bool,
}

/// Decodes `HC1:` text with default limits.
pub fn decode(text: &str) -> Result<Decoded> {
    decode_with(text, Limits::default())
}

/// Decodes `HC1:` text: prefix, Base45, zlib, COSE_Sign1, CWT, DCC. Line breaks and tabs
/// around the text are ignored (spaces are not: a space is a Base45 digit).
pub fn decode_with(text: &str, limits: Limits) -> Result<Decoded> {
    let text = text.trim_matches(|c| matches!(c, '\r' | '\n' | '\t'));
    if text.len() > limits.max_input {
        return Err(Error::InputTooLarge {
            len: text.len(),
            max: limits.max_input,
        });
    }
    if text.trim().is_empty() {
        return Err(Error::InputEmpty);
    }
    let b45 = prefix::strip_prefix(text.trim_start())?;
    let compressed = base45::decode(b45)?;
    let (cose_bytes, checksum_ok) = zlib::inflate_checked(&compressed, limits.max_inflated)?;
    decode_cose(&cose_bytes, checksum_ok)
}

/// Decodes an inflated COSE_Sign1 message down to its payload (the stages after zlib).
pub fn decode_cose(cose_bytes: &[u8], checksum_ok: bool) -> Result<Decoded> {
    let cose = cose::decode_sign1(cose_bytes)?;
    let (claims, dcc) = cwt::decode_claims(cose.payload())?;
    let dcc = Dcc::from_cbor(dcc)?;
    Ok(Decoded {
        cose,
        claims,
        dcc,
        checksum_ok,
    })
}
