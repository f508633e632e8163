//! Issuing: CWT claims → COSE_Sign1 → zlib → Base45 → `HC1:` (hcert_spec §3–§4, HCERT.md §11).
//!
//! Only compiled with the `sign` feature, which the browser app does not enable.

use crate::cbor::Value;
use crate::cose;
use crate::crypto::SigningKey;
use crate::cwt;
use crate::error::Result;
use crate::time::UnixTime;
use crate::zlib::Deflater;
use crate::{base45, prefix};

/// Signs payloads with one document signer key. Holds a reusable compressor, so keep one
/// per thread.
pub struct Issuer {
    key: Box<dyn SigningKey>,
    protected: Vec<u8>,
    deflater: Deflater,
}

impl Issuer {
    /// An issuer for `key`, whose certificate has key identifier `kid`, compressing at
    /// zlib level 9 (header `78 DA`, as most issuers).
    pub fn new(key: Box<dyn SigningKey>, kid: [u8; 8]) -> Issuer {
        Issuer::with_zlib_level(key, kid, 9)
    }

    /// An issuer compressing at `level` (0 = stored blocks, see [`Deflater`]).
    pub fn with_zlib_level(key: Box<dyn SigningKey>, kid: [u8; 8], level: u32) -> Issuer {
        let protected = cose::encode_protected(key.algorithm(), &kid);
        Issuer {
            key,
            protected,
            deflater: Deflater::new(level),
        }
    }

    /// Signs CWT claims (already CBOR-encoded) into a tagged COSE_Sign1.
    pub fn sign_claims(&self, claims: &[u8]) -> Result<Vec<u8>> {
        let signature = self
            .key
            .sign(&cose::signature_structure(&self.protected, claims))?;
        Ok(cose::encode_sign1(&self.protected, claims, &signature))
    }

    /// Compresses and encodes a COSE message as `HC1:` text.
    pub fn encode(&mut self, cose: &[u8]) -> String {
        let compressed = self.deflater.deflate(cose);
        let mut out = String::with_capacity(4 + compressed.len() * 3 / 2 + 2);
        out.push_str(prefix::HC1);
        base45::encode_into(&compressed, &mut out);
        out
    }

    /// The whole pipeline: claims `{1: iss, 4: exp, 6: iat, -260: {1: dcc}}`, signed,
    /// compressed and encoded.
    pub fn issue(
        &mut self,
        iss: &str,
        iat: UnixTime,
        exp: UnixTime,
        dcc: &Value,
    ) -> Result<String> {
        let claims = cwt::encode_claims(iss, iat, exp, dcc);
        let cose = self.sign_claims(&claims)?;
        Ok(self.encode(&cose))
    }
}
