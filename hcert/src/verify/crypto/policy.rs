//! HCERT's signature policy (hcert_spec §3.3.2, HCERT.md §1.5, §2.2): which key may make
//! which COSE signature, and what shape the signature must have, before any arithmetic.

use crate::decode::cose::Algorithm;
use crate::error::{Error, Result};
use crate::verify::x509::{KeyKind, PublicKeyInfo};

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
