//! The native backend: AWS-LC through `aws-lc-rs` (about 5× the pure-Rust speed).

use aws_lc_rs::signature::{
    EcdsaKeyPair, KeyPair, ParsedPublicKey, RsaKeyPair, ECDSA_P256_SHA256_FIXED,
    ECDSA_P256_SHA256_FIXED_SIGNING, RSA_PSS_2048_8192_SHA256,
};

use crate::decode::cose::Algorithm;
use crate::error::{Error, Result};
use crate::verify::crypto::backend::{Backend, VerifyingKey};
use crate::verify::x509::{KeyKind, PublicKeyInfo};

/// AWS-LC. Not available on wasm32.
#[derive(Debug, Clone, Copy, Default)]
pub struct AwsLc;

struct Key {
    alg: Algorithm,
    key: ParsedPublicKey,
}

impl VerifyingKey for Key {
    fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        alg == self.alg && self.key.verify_sig(message, signature).is_ok()
    }
}

impl Backend for AwsLc {
    fn name(&self) -> &'static str {
        "aws-lc"
    }

    fn prepare(&self, key: &PublicKeyInfo) -> Result<Box<dyn VerifyingKey>> {
        let (alg, parsed) = match key.kind {
            KeyKind::EcP256 => (
                Algorithm::Es256,
                ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &key.key),
            ),
            KeyKind::Rsa { .. } | KeyKind::RsaPss { .. } => (
                Algorithm::Ps256,
                ParsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, &key.key),
            ),
            _ => {
                return Err(Error::KeyUnsupported {
                    key: key.kind.to_string(),
                })
            }
        };
        let key = parsed.map_err(|e| Error::CertificateInvalid {
            kind: crate::error::CertificateErrorKind::Malformed,
            reason: format!("public key rejected: {e}"),
        })?;
        Ok(Box::new(Key { alg, key }))
    }
}

#[cfg(feature = "sign")]
mod signing {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::rsa::KeySize;
    use aws_lc_rs::signature::RSA_PSS_SHA256;

    use super::*;
    use crate::verify::crypto::backend::{sign_error, KeyFactory, SigningKey};

    struct Ecdsa(EcdsaKeyPair);
    struct Rsa(RsaKeyPair);

    impl SigningKey for Ecdsa {
        fn algorithm(&self) -> Algorithm {
            Algorithm::Es256
        }

        fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
            self.0
                .sign(&SystemRandom::new(), message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| sign_error("ECDSA signing failed"))
        }
    }

    impl SigningKey for Rsa {
        fn algorithm(&self) -> Algorithm {
            Algorithm::Ps256
        }

        fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
            let mut sig = vec![0u8; self.0.public_modulus_len()];
            self.0
                .sign(&RSA_PSS_SHA256, &SystemRandom::new(), message, &mut sig)
                .map_err(|_| sign_error("RSA-PSS signing failed"))?;
            Ok(sig)
        }
    }

    impl KeyFactory for AwsLc {
        fn load_signing_key(
            &self,
            alg: Algorithm,
            pkcs8_der: &[u8],
        ) -> Result<Box<dyn SigningKey>> {
            match alg {
                Algorithm::Es256 => {
                    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8_der)
                        .map(|k| Box::new(Ecdsa(k)) as Box<dyn SigningKey>)
                        .map_err(|e| sign_error(&format!("not a P-256 PKCS#8 key: {e}")))
                }
                Algorithm::Ps256 => RsaKeyPair::from_pkcs8(pkcs8_der)
                    .map(|k| Box::new(Rsa(k)) as Box<dyn SigningKey>)
                    .map_err(|e| sign_error(&format!("not an RSA PKCS#8 key: {e}"))),
            }
        }

        fn generate_pkcs8(&self, alg: Algorithm, rsa_bits: usize) -> Result<Vec<u8>> {
            match alg {
                Algorithm::Es256 => EcdsaKeyPair::generate_pkcs8(
                    &ECDSA_P256_SHA256_FIXED_SIGNING,
                    &SystemRandom::new(),
                )
                .map(|d| d.as_ref().to_vec())
                .map_err(|_| sign_error("P-256 key generation failed")),
                Algorithm::Ps256 => {
                    let size = match rsa_bits {
                        2048 => KeySize::Rsa2048,
                        3072 => KeySize::Rsa3072,
                        4096 => KeySize::Rsa4096,
                        _ => return Err(sign_error("RSA keys must be 2048, 3072 or 4096 bits")),
                    };
                    let key = RsaKeyPair::generate(size)
                        .map_err(|_| sign_error("RSA key generation failed"))?;
                    key.as_der()
                        .map(|d| d.as_ref().to_vec())
                        .map_err(|_| sign_error("RSA key export failed"))
                }
            }
        }

        fn public_key_der(&self, alg: Algorithm, pkcs8_der: &[u8]) -> Result<Vec<u8>> {
            match alg {
                Algorithm::Es256 => {
                    let k = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8_der)
                        .map_err(|_| sign_error("not a P-256 PKCS#8 key"))?;
                    k.public_key()
                        .as_der()
                        .map(|d| d.as_ref().to_vec())
                        .map_err(|_| sign_error("public key export failed"))
                }
                Algorithm::Ps256 => {
                    let k = RsaKeyPair::from_pkcs8(pkcs8_der)
                        .map_err(|_| sign_error("not an RSA PKCS#8 key"))?;
                    k.public_key()
                        .as_der()
                        .map(|d| d.as_ref().to_vec())
                        .map_err(|_| sign_error("public key export failed"))
                }
            }
        }
    }
}
