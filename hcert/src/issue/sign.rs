//! Issuing: CWT claims → COSE_Sign1 → zlib → Base45 → `HC1:` (hcert_spec §3–§4, HCERT.md §11).
//!
//! Only compiled with the `sign` feature, which the browser app does not enable.

use crate::decode::base45;
use crate::decode::cbor_json;
use crate::decode::cose;
use crate::decode::cwt;
use crate::decode::prefix::HC1;
use crate::decode::zlib::Deflater;
use crate::error::Result;
use crate::time::UnixTime;
use crate::verify::crypto::backend::SigningKey;

/// Signs payloads with one document signer key. Holds a reusable compressor, so keep one
/// per thread.
pub struct Issuer {
    key: Box<dyn SigningKey>,
    kid: [u8; 8],
    deflater: Deflater,
}

impl Issuer {
    /// An issuer for `key`, whose certificate has key identifier `kid`, compressing at
    /// zlib level 9 (header `78 DA`, as most issuers).
    pub fn new(key: Box<dyn SigningKey>, kid: [u8; 8]) -> Issuer {
        Issuer::with_zlib_level(key, kid, 9)
    }

    /// An issuer compressing at `level` (0 = stored blocks).
    pub fn with_zlib_level(key: Box<dyn SigningKey>, kid: [u8; 8], level: u32) -> Issuer {
        Issuer {
            key,
            kid,
            deflater: Deflater::new(level),
        }
    }

    /// Signs CWT claims (already CBOR-encoded) into a tagged COSE_Sign1.
    pub fn sign_claims(&self, claims: Vec<u8>) -> Result<Vec<u8>> {
        cose::encode_sign1(self.key.algorithm(), &self.kid, claims, |tbs| {
            self.key.sign(tbs)
        })
    }

    /// Compresses and encodes a COSE message as `HC1:` text.
    pub fn encode(&mut self, cose: &[u8]) -> String {
        let compressed = self.deflater.deflate(cose);
        let mut out = String::with_capacity(4 + compressed.len() * 3 / 2 + 2);
        out.push_str(HC1);
        base45::encode_into(&compressed, &mut out);
        out
    }

    /// The whole pipeline: claims `{1: iss, 4: exp, 6: iat, -260: {1: dcc}}`, signed,
    /// compressed and encoded. `dcc` is the payload in the JSON data model.
    pub fn issue(
        &mut self,
        iss: &str,
        iat: UnixTime,
        exp: UnixTime,
        dcc: &serde_json::Value,
    ) -> Result<String> {
        self.issue_cbor(iss, iat, exp, cbor_json::from_json(dcc))
    }

    /// [`Issuer::issue`] with the payload already in CBOR form.
    pub fn issue_cbor(
        &mut self,
        iss: &str,
        iat: UnixTime,
        exp: UnixTime,
        dcc: ciborium::Value,
    ) -> Result<String> {
        let claims = cwt::encode_claims(iss, iat, exp, dcc)?;
        let cose = self.sign_claims(claims)?;
        Ok(self.encode(&cose))
    }
}

/// The CBOR form of a payload in the JSON data model, as [`Issuer::issue`] encodes it.
pub fn json_to_cbor(dcc: &serde_json::Value) -> ciborium::Value {
    cbor_json::from_json(dcc)
}
