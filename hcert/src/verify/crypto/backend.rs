//! The seam between HCERT and cryptography libraries: a backend parses a public key once and
//! then checks signatures with it (hcert_spec §3.3.2). Backends only do arithmetic; which key
//! may make which signature is decided in `policy`.

use crate::decode::cose::Algorithm;
use crate::error::{Error, Result};
use crate::verify::x509::PublicKeyInfo;

/// A public key parsed once by a backend and ready to verify many signatures.
pub trait VerifyingKey: Send + Sync {
    /// Whether `signature` is a valid `alg` signature of `message`. Callers have already
    /// run [`check_key_and_signature`](crate::check_key_and_signature).
    fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool;
}

/// A cryptography implementation.
pub trait Backend: Send + Sync {
    /// A short name (`rustcrypto`, `aws-lc`).
    fn name(&self) -> &'static str;

    /// Parses a public key for verification. Fails on keys of unsupported types or sizes
    /// and on malformed key material.
    fn prepare(&self, key: &PublicKeyInfo) -> Result<Box<dyn VerifyingKey>>;
}

/// A backend that verifies nothing, for builds without any crypto feature: every key is
/// refused, so every certificate fails closed.
pub struct NoCrypto;

impl Backend for NoCrypto {
    fn name(&self) -> &'static str {
        "none"
    }

    fn prepare(&self, key: &PublicKeyInfo) -> Result<Box<dyn VerifyingKey>> {
        Err(Error::KeyUnsupported {
            key: format!("{} (no cryptography compiled in)", key.kind),
        })
    }
}

/// A private key that makes COSE signatures (issuing only).
#[cfg(feature = "sign")]
pub trait SigningKey: Send + Sync {
    /// The algorithm of the signatures it makes.
    fn algorithm(&self) -> Algorithm;

    /// Signs `message` (the COSE `Sig_structure`), returning `r‖s` for ES256.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
}

/// Loads private keys and creates new ones (issuing only).
#[cfg(feature = "sign")]
pub trait KeyFactory: Send + Sync {
    /// Loads a PKCS#8 DER private key for `alg`.
    fn load_signing_key(&self, alg: Algorithm, pkcs8_der: &[u8]) -> Result<Box<dyn SigningKey>>;

    /// Generates a new PKCS#8 DER private key: P-256 for ES256, RSA of `rsa_bits` for PS256.
    fn generate_pkcs8(&self, alg: Algorithm, rsa_bits: usize) -> Result<Vec<u8>>;

    /// The SubjectPublicKeyInfo DER of a PKCS#8 private key.
    fn public_key_der(&self, alg: Algorithm, pkcs8_der: &[u8]) -> Result<Vec<u8>>;
}

#[cfg(feature = "sign")]
pub(crate) fn sign_error(what: &str) -> Error {
    Error::PrivateKey {
        reason: what.to_string(),
    }
}
