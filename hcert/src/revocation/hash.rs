//! The EU revocation hashes of a certificate (HCERT.md §5.1): SIGNATURE, UCI and
//! COUNTRYCODEUCI, each SHA-256 truncated to 16 bytes.

use sha2::{Digest as _, Sha256};

use crate::decode::chain::Decoded;
use crate::decode::cose::Algorithm;

/// The EU revocation hash types (HCERT.md §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashType {
    /// The COSE signature (for ES256 only `r`, its first half).
    Signature,
    /// The `ci` string.
    Uci,
    /// The issuing country (CWT `iss`) followed by `ci`.
    CountryCodeUci,
}

impl HashType {
    /// Every type.
    pub const ALL: [HashType; 3] = [HashType::Signature, HashType::Uci, HashType::CountryCodeUci];

    /// The gateway's name (`SIGNATURE`, `UCI`, `COUNTRYCODEUCI`).
    pub fn name(self) -> &'static str {
        match self {
            HashType::Signature => "SIGNATURE",
            HashType::Uci => "UCI",
            HashType::CountryCodeUci => "COUNTRYCODEUCI",
        }
    }

    /// From the gateway's name.
    pub fn from_name(name: &str) -> Option<HashType> {
        HashType::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// SHA-256 truncated to 16 bytes.
pub(crate) fn hash16(bytes: &[u8]) -> [u8; 16] {
    let d = Sha256::digest(bytes);
    let mut out = [0u8; 16];
    out.copy_from_slice(&d[..16]);
    out
}

/// The UCI hash: SHA-256 of the `ci` string, truncated to 16 bytes.
pub fn uci_hash(ci: &str) -> [u8; 16] {
    hash16(ci.as_bytes())
}

/// The COUNTRYCODEUCI hash: SHA-256 of the issuing country followed by the UCI, truncated to
/// 16 bytes (hashed in place, without joining the strings). The portal's filters hold these.
pub fn country_uci_hash(country: &str, ci: &str) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(country.as_bytes());
    h.update(ci.as_bytes());
    let d = h.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&d[..16]);
    out
}

/// The revocation hash of `kind` for a certificate given by its COSE algorithm and signature,
/// CWT issuer and `ci`. `None` when the certificate lacks what the type needs.
pub fn hash_of(
    kind: HashType,
    alg: Option<Algorithm>,
    signature: &[u8],
    iss: Option<&str>,
    ci: Option<&str>,
) -> Option<[u8; 16]> {
    match kind {
        HashType::Signature => {
            if signature.is_empty() {
                return None;
            }
            let part = match alg {
                // ECDSA signatures are malleable in `s`: only `r` identifies the certificate.
                Some(Algorithm::Es256) => signature.get(..signature.len() / 2)?,
                _ => signature,
            };
            Some(hash16(part))
        }
        HashType::Uci => ci.map(|c| hash16(c.as_bytes())),
        HashType::CountryCodeUci => Some(country_uci_hash(iss?, ci?)),
    }
}

/// The revocation hashes of a decoded certificate, for every type it supports.
pub fn hashes(decoded: &Decoded) -> Vec<(HashType, [u8; 16])> {
    let alg = decoded.cose.algorithm().ok();
    let ci = decoded.dcc.single_entry().ok().and_then(|e| e.ci());
    HashType::ALL
        .into_iter()
        .filter_map(|t| {
            hash_of(
                t,
                alg,
                decoded.cose.signature(),
                decoded.claims.iss.as_deref(),
                ci,
            )
            .map(|h| (t, h))
        })
        .collect()
}

/// The filter key of a revocation hash: its first eight bytes (the hash is uniform already).
pub fn filter_key(hash: &[u8; 16]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&hash[..8]);
    u64::from_be_bytes(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eu_hash_types() {
        let sig: Vec<u8> = (0u8..64).collect();
        let ci = "URN:UVCI:01:VN:ABC#K";
        let s = hash_of(
            HashType::Signature,
            Some(Algorithm::Es256),
            &sig,
            Some("VN"),
            Some(ci),
        )
        .unwrap();
        assert_eq!(s, hash16(&sig[..32]));
        let p = hash_of(
            HashType::Signature,
            Some(Algorithm::Ps256),
            &sig,
            None,
            None,
        )
        .unwrap();
        assert_eq!(p, hash16(&sig));
        assert_eq!(
            hash_of(HashType::Uci, None, &sig, None, Some(ci)),
            Some(hash16(ci.as_bytes()))
        );
        assert_eq!(
            hash_of(HashType::CountryCodeUci, None, &sig, Some("VN"), Some(ci)),
            Some(hash16(b"VNURN:UVCI:01:VN:ABC#K"))
        );
        assert_eq!(
            hash_of(HashType::CountryCodeUci, None, &sig, None, Some(ci)),
            None
        );
        assert_eq!(hash_of(HashType::Signature, None, &[], None, None), None);
        // SHA-256("abc") starts ba7816bf 8f01cfea 414140de 5dae2223.
        assert_eq!(
            base16ct::lower::encode_string(&hash16(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223"
        );
        for t in HashType::ALL {
            assert_eq!(HashType::from_name(t.name()), Some(t));
        }
    }
}
