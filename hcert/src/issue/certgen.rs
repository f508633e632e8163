//! Building X.509 certificates for the HCERT PKI (issuing only): a country signing CA and
//! document signers per the DCC certificate governance profile (HCERT.md §2.2–2.3).
//!
//! A small DER writer, enough for version-3 certificates with the extensions DCC signers
//! use. Randomness (serial numbers) comes from the caller: `hcert` has none of its own.

use sha2::{Digest, Sha256};

use crate::certificate_type::CertificateType;
use crate::decode::cose::Algorithm;
use crate::error::{Error, Result};
use crate::time::UnixTime;
use crate::verify::crypto::backend::SigningKey;
use crate::verify::crypto::ecdsa_der;

/// Key usage bit: digitalSignature.
pub const KU_DIGITAL_SIGNATURE: u16 = 1 << 0;
/// Key usage bit: keyCertSign.
pub const KU_KEY_CERT_SIGN: u16 = 1 << 5;
/// Key usage bit: cRLSign.
pub const KU_CRL_SIGN: u16 = 1 << 6;

/// Appends a DER length.
fn length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// A TLV.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    length(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of already encoded parts.
fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// An OBJECT IDENTIFIER from dotted text (our own constants: always well formed).
fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').filter_map(|a| a.parse().ok()).collect();
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7F) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7F) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend_from_slice(&tmp);
    };
    if let [a, b, rest @ ..] = arcs.as_slice() {
        push(a * 40 + b);
        for &r in rest {
            push(r);
        }
    }
    tlv(0x06, &body)
}

/// A non-negative INTEGER from big-endian bytes.
fn uint(bytes: &[u8]) -> Vec<u8> {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let mut body = bytes[first..].to_vec();
    if body.first().is_none_or(|&b| b & 0x80 != 0) {
        body.insert(0, 0);
    }
    tlv(0x02, &body)
}

fn time(t: UnixTime) -> Vec<u8> {
    let d = t.date();
    let s = t.rfc3339();
    // "YYYY-MM-DDTHH:MM:SSZ" → digits only.
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if (1950..2050).contains(&d.year) {
        tlv(0x17, format!("{}Z", &digits[2..]).as_bytes())
    } else {
        tlv(0x18, format!("{digits}Z").as_bytes())
    }
}

/// Attributes of a distinguished name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameAttr {
    /// Country (PrintableString).
    Country,
    /// Organisation.
    Organization,
    /// Organisational unit.
    OrganizationalUnit,
    /// Common name.
    CommonName,
}

/// Encodes a distinguished name, one attribute per RDN, in the order given.
pub fn encode_name(attrs: &[(NameAttr, &str)]) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = attrs
        .iter()
        .map(|(a, v)| {
            let (o, value) = match a {
                NameAttr::Country => ("2.5.4.6", tlv(0x13, v.as_bytes())),
                NameAttr::Organization => ("2.5.4.10", tlv(0x0C, v.as_bytes())),
                NameAttr::OrganizationalUnit => ("2.5.4.11", tlv(0x0C, v.as_bytes())),
                NameAttr::CommonName => ("2.5.4.3", tlv(0x0C, v.as_bytes())),
            };
            tlv(0x31, &seq(&[&oid(o), &value]))
        })
        .collect();
    let refs: Vec<&[u8]> = rdns.iter().map(Vec::as_slice).collect();
    seq(&refs)
}

/// The AlgorithmIdentifier an issuer signs with.
fn signature_algorithm(alg: Algorithm) -> Vec<u8> {
    match alg {
        Algorithm::Es256 => seq(&[&oid("1.2.840.10045.4.3.2")]),
        Algorithm::Ps256 => {
            // RSASSA-PSS-params: SHA-256, MGF1 with SHA-256, salt 32 (RFC 4055 §3.1).
            let sha256 = seq(&[&oid("2.16.840.1.101.3.4.2.1"), &[0x05, 0x00]]);
            let mgf1 = seq(&[&oid("1.2.840.113549.1.1.8"), &sha256]);
            let params = seq(&[
                &tlv(0xA0, &sha256),
                &tlv(0xA1, &mgf1),
                &tlv(0xA2, &uint(&[32])),
            ]);
            seq(&[&oid("1.2.840.113549.1.1.10"), &params])
        }
    }
}

/// A key identifier for SKI/AKI: the first 20 bytes of SHA-256 over the whole DER
/// SubjectPublicKeyInfo. This is not RFC 7093 §2 method 1, which hashes only the public key
/// BIT STRING's value; hashing the whole SPKI is equally unique and needs no parsing.
pub fn key_identifier(spki_der: &[u8]) -> Vec<u8> {
    Sha256::digest(spki_der)[..20].to_vec()
}

/// What a new certificate says.
#[derive(Debug, Clone)]
pub struct CertificateSpec {
    /// Serial number (positive, up to 20 bytes), chosen by the caller at random.
    pub serial: Vec<u8>,
    /// Subject name (see [`encode_name`]).
    pub subject: Vec<u8>,
    /// Start of validity.
    pub not_before: UnixTime,
    /// End of validity.
    pub not_after: UnixTime,
    /// The subject's SubjectPublicKeyInfo, DER.
    pub spki_der: Vec<u8>,
    /// `Some(path_len)` for a CA.
    pub ca: Option<u32>,
    /// Key usage bits (`KU_*`).
    pub key_usage: u16,
    /// Certificate types, written as the current EKU OIDs; empty = no EKU extension.
    pub types: Vec<CertificateType>,
}

/// The issuing side: its name, key and key identifier.
pub struct IssuerRef<'a> {
    /// Issuer name DER (equal to the subject for a self-signed certificate).
    pub name: &'a [u8],
    /// The issuer's signing key.
    pub key: &'a dyn SigningKey,
    /// The issuer's subject key identifier, for the AKI extension.
    pub key_id: Vec<u8>,
}

fn extension(id: &str, critical: bool, value: &[u8]) -> Vec<u8> {
    if critical {
        seq(&[&oid(id), &[0x01, 0x01, 0xFF], &tlv(0x04, value)])
    } else {
        seq(&[&oid(id), &tlv(0x04, value)])
    }
}

/// Builds and signs a certificate.
pub fn build_certificate(spec: &CertificateSpec, issuer: &IssuerRef<'_>) -> Result<Vec<u8>> {
    let alg = signature_algorithm(issuer.key.algorithm());
    let mut exts: Vec<Vec<u8>> = Vec::new();
    let bc = match spec.ca {
        Some(path_len) => seq(&[&[0x01, 0x01, 0xFF], &uint(&path_len.to_be_bytes())]),
        None => seq(&[]),
    };
    exts.push(extension("2.5.29.19", true, &bc));
    // KeyUsage BIT STRING: bit 0 is the most significant bit of the first byte.
    let ku = spec.key_usage;
    let bytes = [(ku as u8).reverse_bits(), ((ku >> 8) as u8).reverse_bits()];
    let used = if bytes[1] == 0 {
        &bytes[..1]
    } else {
        &bytes[..]
    };
    let last = used.last().copied().unwrap_or(0);
    let unused = if last == 0 {
        0
    } else {
        last.trailing_zeros() as u8
    };
    let mut bits = vec![unused];
    bits.extend_from_slice(used);
    exts.push(extension("2.5.29.15", true, &tlv(0x03, &bits)));
    if !spec.types.is_empty() {
        let oids: Vec<Vec<u8>> = spec.types.iter().map(|t| oid(t.eku_oid())).collect();
        let refs: Vec<&[u8]> = oids.iter().map(Vec::as_slice).collect();
        exts.push(extension("2.5.29.37", false, &seq(&refs)));
    }
    exts.push(extension(
        "2.5.29.14",
        false,
        &tlv(0x04, &key_identifier(&spec.spki_der)),
    ));
    exts.push(extension(
        "2.5.29.35",
        false,
        &seq(&[&tlv(0x80, &issuer.key_id)]),
    ));
    let ext_refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
    let tbs = seq(&[
        &tlv(0xA0, &uint(&[2])),
        &uint(&spec.serial),
        &alg,
        issuer.name,
        &seq(&[&time(spec.not_before), &time(spec.not_after)]),
        &spec.subject,
        &spec.spki_der,
        &tlv(0xA3, &seq(&ext_refs)),
    ]);
    let raw = issuer.key.sign(&tbs)?;
    let signature = match issuer.key.algorithm() {
        Algorithm::Es256 => ecdsa_der::raw_to_der(&raw).ok_or_else(|| Error::PrivateKey {
            reason: "the key made a malformed ECDSA signature".into(),
        })?,
        Algorithm::Ps256 => raw,
    };
    let mut bits = vec![0u8];
    bits.extend_from_slice(&signature);
    Ok(seq(&[&tbs, &alg, &tlv(0x03, &bits)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::x509::{Certificate, KeyKind};

    #[test]
    fn der_primitives() {
        assert_eq!(
            oid("1.2.840.10045.2.1"),
            vec![0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
        );
        assert_eq!(uint(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(uint(&[0, 0, 5]), vec![0x02, 0x01, 0x05]);
        assert_eq!(uint(&[]), vec![0x02, 0x01, 0x00]);
        assert_eq!(tlv(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(tlv(0x04, &[0; 300])[..4], [0x04, 0x82, 0x01, 0x2C]);
        assert_eq!(time(UnixTime(1_649_950_687)), tlv(0x17, b"220414153807Z"));
        assert_eq!(
            time(UnixTime(2_556_143_999 + 1)),
            tlv(0x18, b"20510101000000Z")
        );
    }

    #[test]
    fn built_certificates_parse_back() {
        for factory in crate::verify::crypto::key_factories() {
            for alg in [Algorithm::Es256, Algorithm::Ps256] {
                let pkcs8 = factory.generate_pkcs8(alg, 2048).unwrap();
                let key = factory.load_signing_key(alg, &pkcs8).unwrap();
                let spki = factory.public_key_der(alg, &pkcs8).unwrap();
                let subject = encode_name(&[
                    (NameAttr::Country, "VN"),
                    (NameAttr::Organization, "Bộ Y tế"),
                    (NameAttr::CommonName, "VaxPass DSC"),
                ]);
                let spec = CertificateSpec {
                    serial: vec![0x42; 16],
                    subject: subject.clone(),
                    not_before: UnixTime(1_700_000_000),
                    not_after: UnixTime(1_800_000_000),
                    spki_der: spki.clone(),
                    ca: None,
                    key_usage: KU_DIGITAL_SIGNATURE,
                    types: vec![CertificateType::Vaccination],
                };
                let issuer = IssuerRef {
                    name: &subject,
                    key: key.as_ref(),
                    key_id: key_identifier(&spki),
                };
                let der = build_certificate(&spec, &issuer).unwrap();
                let c = Certificate::from_der(&der).unwrap();
                assert_eq!(c.subject.text, "C=VN, O=Bộ Y tế, CN=VaxPass DSC");
                assert_eq!(c.not_before, UnixTime(1_700_000_000));
                assert_eq!(c.not_after, UnixTime(1_800_000_000));
                assert_eq!(c.allowed_types(), vec![CertificateType::Vaccination]);
                assert_eq!(c.key_usage, Some(KU_DIGITAL_SIGNATURE));
                assert!(!c.is_ca);
                assert_eq!(
                    c.subject_key_id.as_deref(),
                    Some(&key_identifier(&spki)[..])
                );
                assert_eq!(c.public_key.spki_der, spki);
                match alg {
                    Algorithm::Es256 => assert_eq!(c.public_key.kind, KeyKind::EcP256),
                    Algorithm::Ps256 => assert_eq!(c.public_key.kind, KeyKind::Rsa { bits: 2048 }),
                }
                // The self-signature verifies with the certificate's own key.
                let sig = match alg {
                    Algorithm::Es256 => ecdsa_der::der_to_raw(&c.signature, 32).unwrap(),
                    Algorithm::Ps256 => c.signature.clone(),
                };
                for backend in crate::verify::crypto::backends() {
                    let k = backend.prepare(&c.public_key).unwrap();
                    assert!(
                        k.verify(alg, &c.tbs, &sig),
                        "{} {}",
                        backend.name(),
                        alg.name()
                    );
                }
            }
        }
    }
}
