//! The pure-Rust backend (`p256`, `rsa`): what the browser build uses. Without the
//! `rustcrypto-rsa` feature it does ECDSA P-256 only; RSA keys are then refused as
//! [`Error::CryptoUnavailable`] (the portal checks RSA signatures through WebCrypto).

use p256::ecdsa::signature::Verifier as _;
#[cfg(feature = "rustcrypto-rsa")]
use rsa::pkcs1::DecodeRsaPublicKey as _;
#[cfg(feature = "rustcrypto-rsa")]
use sha2::Sha256;

use crate::decode::cose::Algorithm;
use crate::error::{Error, Result};
use crate::verify::crypto::backend::{Backend, VerifyingKey};
use crate::verify::x509::{KeyKind, PublicKeyInfo};

/// RustCrypto's `p256` and `rsa`. Builds for every target, including wasm32.
#[derive(Debug, Clone, Copy, Default)]
pub struct RustCrypto;

enum Key {
    Ec(p256::ecdsa::VerifyingKey),
    #[cfg(feature = "rustcrypto-rsa")]
    Rsa(rsa::pss::VerifyingKey<Sha256>),
}

impl VerifyingKey for Key {
    fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        match (self, alg) {
            (Key::Ec(k), Algorithm::Es256) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| k.verify(message, &sig).is_ok()),
            #[cfg(feature = "rustcrypto-rsa")]
            (Key::Rsa(k), Algorithm::Ps256) => rsa::pss::Signature::try_from(signature)
                .is_ok_and(|sig| k.verify(message, &sig).is_ok()),
            _ => false,
        }
    }
}

impl Backend for RustCrypto {
    fn name(&self) -> &'static str {
        "rustcrypto"
    }

    fn prepare(&self, key: &PublicKeyInfo) -> Result<Box<dyn VerifyingKey>> {
        let rejected = |what: &str| Error::CertificateInvalid {
            kind: crate::error::CertificateErrorKind::Malformed,
            reason: format!("public key rejected: {what}"),
        };
        match key.kind {
            KeyKind::EcP256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.key)
                .map(|k| Box::new(Key::Ec(k)) as Box<dyn VerifyingKey>)
                .map_err(|_| rejected("not a point on P-256")),
            #[cfg(not(feature = "rustcrypto-rsa"))]
            KeyKind::Rsa { .. } | KeyKind::RsaPss { .. } => Err(Error::CryptoUnavailable {
                what: "RSA (this build has no RSA arithmetic)",
            }),
            #[cfg(feature = "rustcrypto-rsa")]
            KeyKind::Rsa { .. } | KeyKind::RsaPss { .. } => {
                rsa::RsaPublicKey::from_pkcs1_der(&key.key)
                    .map(|k| {
                        Box::new(Key::Rsa(rsa::pss::VerifyingKey::new(k))) as Box<dyn VerifyingKey>
                    })
                    .map_err(|_| rejected("malformed RSA public key"))
            }
            _ => Err(Error::KeyUnsupported {
                key: key.kind.to_string(),
            }),
        }
    }
}

#[cfg(all(feature = "sign", feature = "rustcrypto-rsa"))]
mod signing {
    use p256::ecdsa::signature::{RandomizedSigner as _, Signer as _};
    use p256::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, EncodePublicKey as _};
    use rand_core::OsRng;

    use super::*;
    use crate::verify::crypto::backend::{sign_error, KeyFactory, SigningKey};

    struct Ecdsa(p256::ecdsa::SigningKey);
    struct Rsa(rsa::pss::BlindedSigningKey<Sha256>);

    impl SigningKey for Ecdsa {
        fn algorithm(&self) -> Algorithm {
            Algorithm::Es256
        }

        fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
            // RFC 6979 deterministic nonces: no randomness needed.
            let sig: p256::ecdsa::Signature = self.0.sign(message);
            Ok(sig.to_bytes().to_vec())
        }
    }

    impl SigningKey for Rsa {
        fn algorithm(&self) -> Algorithm {
            Algorithm::Ps256
        }

        fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
            use rsa::signature::SignatureEncoding as _;
            let sig = self.0.sign_with_rng(&mut OsRng, message);
            Ok(sig.to_vec())
        }
    }

    impl KeyFactory for RustCrypto {
        fn load_signing_key(
            &self,
            alg: Algorithm,
            pkcs8_der: &[u8],
        ) -> Result<Box<dyn SigningKey>> {
            match alg {
                Algorithm::Es256 => p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8_der)
                    .map(|k| Box::new(Ecdsa(k)) as Box<dyn SigningKey>)
                    .map_err(|_| sign_error("not a P-256 PKCS#8 key")),
                Algorithm::Ps256 => rsa::RsaPrivateKey::from_pkcs8_der(pkcs8_der)
                    .map(|k| {
                        Box::new(Rsa(rsa::pss::BlindedSigningKey::new(k))) as Box<dyn SigningKey>
                    })
                    .map_err(|_| sign_error("not an RSA PKCS#8 key")),
            }
        }

        fn generate_pkcs8(&self, alg: Algorithm, rsa_bits: usize) -> Result<Vec<u8>> {
            match alg {
                Algorithm::Es256 => p256::ecdsa::SigningKey::random(&mut OsRng)
                    .to_pkcs8_der()
                    .map(|d| d.as_bytes().to_vec())
                    .map_err(|_| sign_error("P-256 key export failed")),
                Algorithm::Ps256 => rsa::RsaPrivateKey::new(&mut OsRng, rsa_bits)
                    .map_err(|_| sign_error("RSA key generation failed"))?
                    .to_pkcs8_der()
                    .map(|d| d.as_bytes().to_vec())
                    .map_err(|_| sign_error("RSA key export failed")),
            }
        }

        fn public_key_der(&self, alg: Algorithm, pkcs8_der: &[u8]) -> Result<Vec<u8>> {
            match alg {
                Algorithm::Es256 => p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8_der)
                    .map_err(|_| sign_error("not a P-256 PKCS#8 key"))?
                    .verifying_key()
                    .to_public_key_der()
                    .map(|d| d.as_bytes().to_vec())
                    .map_err(|_| sign_error("public key export failed")),
                Algorithm::Ps256 => rsa::RsaPrivateKey::from_pkcs8_der(pkcs8_der)
                    .map_err(|_| sign_error("not an RSA PKCS#8 key"))?
                    .to_public_key()
                    .to_public_key_der()
                    .map(|d| d.as_bytes().to_vec())
                    .map_err(|_| sign_error("public key export failed")),
            }
        }
    }
}
