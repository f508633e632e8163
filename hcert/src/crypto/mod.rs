//! The cryptography seam: COSE algorithms ES256 and PS256 (hcert_spec §3.3.2) behind one
//! small trait, so the browser build links pure Rust and native builds link AWS-LC.
//!
//! Everything HCERT-specific (which key may make which signature, signature lengths) is
//! decided here, once, before a backend is called; backends only do the arithmetic. The same
//! test-suite runs against every backend compiled in ([`backends`]).

use crate::error::{Error, Result};
use crate::x509::{KeyKind, PublicKeyInfo};

#[cfg(feature = "aws-lc")]
mod awslc;
#[cfg(feature = "rustcrypto")]
mod rustcrypto;

#[cfg(feature = "aws-lc")]
pub use awslc::AwsLc;
#[cfg(feature = "rustcrypto")]
pub use rustcrypto::RustCrypto;

/// A COSE signature algorithm HCERT allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// ECDSA with SHA-256 on P-256, signature `r‖s` (COSE -7).
    Es256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32 (COSE -37).
    Ps256,
}

impl Algorithm {
    /// From a COSE algorithm identifier.
    pub fn from_cose(id: i64) -> Option<Algorithm> {
        match id {
            -7 => Some(Algorithm::Es256),
            -37 => Some(Algorithm::Ps256),
            _ => None,
        }
    }

    /// The COSE algorithm identifier.
    pub fn cose_id(self) -> i64 {
        match self {
            Algorithm::Es256 => -7,
            Algorithm::Ps256 => -37,
        }
    }

    /// `ES256` or `PS256`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Es256 => "ES256",
            Algorithm::Ps256 => "PS256",
        }
    }
}

/// RSA moduli HCERT signers may use: 2048 to 3072 bits per the certificate governance,
/// up to 4096 tolerated for partner keys.
pub const RSA_BITS: core::ops::RangeInclusive<usize> = 2048..=4096;

/// Checks that a key can make signatures of `alg` and that `signature` has the right
/// shape, before any arithmetic.
///
/// **Policy:** ES256 means ECDSA on P-256 only (RFC 9053 §2.1 binds ES256 to P-256 in
/// COSE, and the DCC governance allows no other curve). A P-384 key claiming an ES256
/// signature (dgc-testdata ES 401–403) is refused with `KEY_ALGORITHM_MISMATCH`, even if
/// the arithmetic with SHA-256 on P-384 would succeed.
pub fn check_key_and_signature(
    alg: Algorithm,
    key: &PublicKeyInfo,
    signature: &[u8],
) -> Result<()> {
    match (alg, &key.kind) {
        (Algorithm::Es256, KeyKind::EcP256) => {
            if signature.len() != 64 {
                return Err(Error::SignatureMalformed {
                    reason: "an ES256 signature is r‖s, exactly 64 bytes",
                });
            }
        }
        (Algorithm::Ps256, KeyKind::Rsa { bits } | KeyKind::RsaPss { bits }) => {
            if !RSA_BITS.contains(bits) {
                return Err(Error::KeyUnsupported {
                    key: key.kind.to_string(),
                });
            }
            if signature.len() != bits.div_ceil(8) {
                return Err(Error::SignatureMalformed {
                    reason: "a PS256 signature is as long as the RSA modulus",
                });
            }
        }
        (_, KeyKind::Other(_) | KeyKind::EcOther(_)) => {
            return Err(Error::KeyUnsupported {
                key: key.kind.to_string(),
            })
        }
        (alg, kind) => {
            return Err(Error::KeyAlgorithmMismatch {
                alg: alg.name(),
                key: kind.to_string(),
            })
        }
    }
    Ok(())
}

/// A public key parsed once by a backend and ready to verify many signatures.
pub trait VerifyingKey: Send + Sync {
    /// Whether `signature` is a valid `alg` signature of `message`. Callers have already
    /// run [`check_key_and_signature`].
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

/// The backend a build should use by default: AWS-LC when compiled in, else pure Rust.
pub fn default_backend() -> &'static dyn Backend {
    #[cfg(feature = "aws-lc")]
    {
        &AwsLc
    }
    #[cfg(all(not(feature = "aws-lc"), feature = "rustcrypto"))]
    {
        &RustCrypto
    }
    #[cfg(all(not(feature = "aws-lc"), not(feature = "rustcrypto")))]
    {
        &NoCrypto
    }
}

/// Every backend compiled in, for tests and benchmarks that must hold for all of them.
#[allow(clippy::vec_init_then_push)] // the pushes depend on features
pub fn backends() -> Vec<&'static dyn Backend> {
    let mut v: Vec<&'static dyn Backend> = Vec::new();
    #[cfg(feature = "rustcrypto")]
    v.push(&RustCrypto);
    #[cfg(feature = "aws-lc")]
    v.push(&AwsLc);
    v
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

/// Every key factory compiled in (issuing only).
#[cfg(feature = "sign")]
#[allow(clippy::vec_init_then_push)] // the pushes depend on features
pub fn key_factories() -> Vec<&'static dyn KeyFactory> {
    let mut v: Vec<&'static dyn KeyFactory> = Vec::new();
    #[cfg(feature = "rustcrypto")]
    v.push(&RustCrypto);
    #[cfg(feature = "aws-lc")]
    v.push(&AwsLc);
    v
}

/// The fastest key factory compiled in (issuing only).
#[cfg(all(feature = "sign", any(feature = "aws-lc", feature = "rustcrypto")))]
pub fn default_key_factory() -> &'static dyn KeyFactory {
    #[cfg(feature = "aws-lc")]
    {
        &AwsLc
    }
    #[cfg(not(feature = "aws-lc"))]
    {
        &RustCrypto
    }
}

#[cfg(feature = "sign")]
pub(crate) fn sign_error(what: &str) -> Error {
    Error::PrivateKey {
        reason: what.to_string(),
    }
}
