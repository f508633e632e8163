//! Signer certificates (X.509, RFC 5280) as a verifier sees them (hcert_spec §5, Appendix A;
//! HCERT.md §2), parsed by `x509-cert`.
//!
//! `x509-cert` decodes strict DER: a non-minimal length, a padded OID arc, a time without
//! seconds or bytes after the certificate are refused, so a certificate cannot read one way
//! here and another way in OpenSSL. On top of it this module refuses what RFC 5280 §4.2 forbids
//! and the parser lets through (a repeated extension, a critical extension we do not process)
//! and fills [`Certificate`], the small view the rest of the crate uses: kid, subject,
//! validity, key, allowed certificate types.
//!
//! Leniency exists only for named cases with a test naming their file: an explicitly encoded
//! `cA FALSE` (Finnish signers; DER says to omit a DEFAULT value) and an empty extended key
//! usage sequence (dgc-testdata `common/CO15`) are read as they are meant.

use const_oid::ObjectIdentifier;
use der::{Decode as _, Encode as _, Tagged as _};
use sha2::{Digest, Sha256};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectKeyIdentifier,
};

use crate::certificate_type::CertificateType;
use crate::error::{CertificateErrorKind, Error, Result};
use crate::time::UnixTime;

/// OID of the extended key usage extension.
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");

/// A parsed signer (or CA) certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The whole certificate, DER.
    pub der: Vec<u8>,
    /// HCERT key identifier: the first 8 bytes of SHA-256 over the DER (hcert_spec App. A.1).
    pub kid: [u8; 8],
    /// Serial number, big-endian.
    pub serial: Vec<u8>,
    /// Subject.
    pub subject: DistinguishedName,
    /// Issuer.
    pub issuer: DistinguishedName,
    /// Start of validity.
    pub not_before: UnixTime,
    /// End of validity.
    pub not_after: UnixTime,
    /// The subject public key.
    pub public_key: PublicKeyInfo,
    /// Extended key usage OIDs; `None` when the extension is absent.
    pub extended_key_usage: Option<Vec<String>>,
    /// Key usage bits (bit 0 = digitalSignature, as numbered in RFC 5280), if present.
    pub key_usage: Option<u16>,
    /// Basic constraints: `cA`.
    pub is_ca: bool,
    /// Basic constraints: `pathLenConstraint`.
    pub path_len: Option<u8>,
    /// Subject key identifier.
    pub subject_key_id: Option<Vec<u8>>,
    /// Authority key identifier (key identifier form).
    pub authority_key_id: Option<Vec<u8>>,
    /// The to-be-signed part, DER.
    pub tbs: Vec<u8>,
    /// OID of the algorithm the issuer signed with.
    pub signature_algorithm: String,
    /// The issuer's signature over the TBS part.
    pub signature: Vec<u8>,
}

/// A distinguished name with the attributes people read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistinguishedName {
    /// The DER encoding.
    pub der: Vec<u8>,
    /// Common name.
    pub common_name: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Organisation.
    pub organization: Option<String>,
    /// `CN=…, O=…, C=…` in encoded order.
    pub text: String,
}

/// The type of a public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyKind {
    /// ECDSA on P-256.
    EcP256,
    /// ECDSA on P-384.
    EcP384,
    /// ECDSA on P-521.
    EcP521,
    /// ECDSA on another curve (its OID), or with explicit parameters.
    EcOther(String),
    /// RSA (rsaEncryption) with its modulus size.
    Rsa {
        /// Modulus size in bits.
        bits: usize,
    },
    /// RSA restricted to PSS (id-RSASSA-PSS).
    RsaPss {
        /// Modulus size in bits.
        bits: usize,
    },
    /// Anything else (its algorithm OID).
    Other(String),
}

impl core::fmt::Display for KeyKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            KeyKind::EcP256 => f.write_str("EC P-256"),
            KeyKind::EcP384 => f.write_str("EC P-384"),
            KeyKind::EcP521 => f.write_str("EC P-521"),
            KeyKind::EcOther(oid) => write!(f, "EC curve {oid}"),
            KeyKind::Rsa { bits } | KeyKind::RsaPss { bits } => write!(f, "RSA-{bits}"),
            KeyKind::Other(oid) => write!(f, "key algorithm {oid}"),
        }
    }
}

/// A subject public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyInfo {
    /// What kind of key it is.
    pub kind: KeyKind,
    /// The whole SubjectPublicKeyInfo, DER.
    pub spki_der: Vec<u8>,
    /// The key bytes: the SEC1 point for EC keys, the PKCS#1 `RSAPublicKey` DER for RSA.
    pub key: Vec<u8>,
}

fn invalid(kind: CertificateErrorKind, reason: impl Into<String>) -> Error {
    Error::CertificateInvalid {
        kind,
        reason: reason.into(),
    }
}

fn malformed(reason: impl Into<String>) -> Error {
    invalid(CertificateErrorKind::Malformed, reason)
}

/// Sorts a `der` error into this crate's certificate error kinds.
fn der_error(e: der::Error, what: &str) -> Error {
    use der::ErrorKind as K;
    let kind = match e.kind() {
        K::TrailingData { .. } => CertificateErrorKind::TrailingData,
        // `der` reports a non-minimal length as a wrong length for the item's tag.
        K::Noncanonical { .. }
        | K::Overlength
        | K::Length { .. }
        | K::DateTime
        | K::OidMalformed => CertificateErrorKind::NonCanonical,
        // A time that is not `YYMMDDHHMMSSZ` / `YYYYMMDDHHMMSSZ` (no seconds, an offset).
        K::Value {
            tag: der::Tag::UtcTime | der::Tag::GeneralizedTime,
        } => CertificateErrorKind::NonCanonical,
        _ => CertificateErrorKind::Malformed,
    };
    invalid(kind, format!("{what}: {e}"))
}

/// Refuses OBJECT IDENTIFIERs with an arc padded by a leading `0x80` octet (X.690 §8.19.2:
/// "the leading octet … shall not have the value 0x80"). `const-oid` 0.9 reads such arcs as
/// their unpadded value, and OpenSSL refuses them, so without this check one certificate
/// would mean two things. Walks the DER tree; constructed items are entered, depth ≤ 32.
fn refuse_padded_oids(der: &[u8], depth: u8) -> Result<()> {
    if depth > 32 {
        return Err(malformed("nesting too deep"));
    }
    let mut reader = der::SliceReader::new(der).map_err(|e| der_error(e, "certificate"))?;
    while !der::Reader::is_finished(&reader) {
        let header = der::Header::decode(&mut reader).map_err(|e| der_error(e, "certificate"))?;
        let value = der::Reader::read_slice(&mut reader, header.length)
            .map_err(|e| der_error(e, "certificate"))?;
        if header.tag == der::Tag::ObjectIdentifier {
            let padded = value
                .iter()
                .enumerate()
                .any(|(i, &b)| b == 0x80 && (i == 0 || value[i - 1] & 0x80 == 0));
            if padded {
                return Err(invalid(
                    CertificateErrorKind::NonCanonical,
                    "an object identifier arc is padded with 0x80",
                ));
            }
        } else if header.tag.is_constructed() {
            refuse_padded_oids(value, depth + 1)?;
        }
    }
    Ok(())
}

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// Modulus size of a PKCS#1 `RSAPublicKey`.
fn rsa_modulus_bits(key: &[u8]) -> Result<usize> {
    let mut reader = der::SliceReader::new(key).map_err(|e| der_error(e, "RSA public key"))?;
    let n = der::Reader::sequence(&mut reader, |r| {
        let n = der::asn1::UintRef::decode(r)?;
        der::asn1::UintRef::decode(r)?;
        Ok(n)
    })
    .map_err(|e| der_error(e, "RSA public key"))?;
    der::Reader::finish(reader, ()).map_err(|e| der_error(e, "RSA public key"))?;
    let bytes = n.as_bytes();
    Ok(match bytes.first() {
        None => 0,
        Some(&b) => bytes.len() * 8 - b.leading_zeros() as usize,
    })
}

impl PublicKeyInfo {
    /// Parses a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKeyInfo> {
        let spki = spki::SubjectPublicKeyInfoOwned::from_der(der)
            .map_err(|e| der_error(e, "SubjectPublicKeyInfo"))?;
        PublicKeyInfo::from_spki(&spki)
    }

    fn from_spki(spki: &spki::SubjectPublicKeyInfoOwned) -> Result<PublicKeyInfo> {
        let key = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| malformed("public key bit string has unused bits"))?
            .to_vec();
        let oid = spki.algorithm.oid;
        let kind = if oid == EC_PUBLIC_KEY {
            match spki.algorithm.parameters.as_ref() {
                Some(p) if p.tag() == der::Tag::ObjectIdentifier => {
                    let curve = p
                        .decode_as::<ObjectIdentifier>()
                        .map_err(|e| der_error(e, "EC curve"))?;
                    match curve {
                        c if c == P256 => KeyKind::EcP256,
                        c if c == P384 => KeyKind::EcP384,
                        c if c == P521 => KeyKind::EcP521,
                        c => KeyKind::EcOther(c.to_string()),
                    }
                }
                Some(_) => KeyKind::EcOther("explicit parameters".into()),
                None => return Err(malformed("EC key without a named curve")),
            }
        } else if oid == RSA_ENCRYPTION {
            KeyKind::Rsa {
                bits: rsa_modulus_bits(&key)?,
            }
        } else if oid == RSASSA_PSS {
            KeyKind::RsaPss {
                bits: rsa_modulus_bits(&key)?,
            }
        } else {
            KeyKind::Other(oid.to_string())
        };
        let spki_der = spki
            .to_der()
            .map_err(|e| der_error(e, "SubjectPublicKeyInfo"))?;
        Ok(PublicKeyInfo {
            kind,
            spki_der,
            key,
        })
    }
}

/// The text of a directory string: UTF8String, PrintableString, IA5String, TeletexString
/// (Latin-1 in the wild) or BMPString (UTF-16BE).
fn directory_string(value: &der::Any) -> String {
    let bytes = value.value();
    match value.tag() {
        der::Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        der::Tag::TeletexString => match core::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
        },
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn name(n: &x509_cert::name::Name) -> Result<DistinguishedName> {
    let mut dn = DistinguishedName {
        der: n.to_der().map_err(|e| der_error(e, "name"))?,
        ..Default::default()
    };
    let mut parts = Vec::new();
    for rdn in n.0.iter() {
        for atv in rdn.0.iter() {
            let value = directory_string(&atv.value);
            let label = match atv.oid.to_string().as_str() {
                "2.5.4.3" => {
                    dn.common_name.get_or_insert_with(|| value.clone());
                    "CN"
                }
                "2.5.4.6" => {
                    dn.country.get_or_insert_with(|| value.clone());
                    "C"
                }
                "2.5.4.10" => {
                    dn.organization.get_or_insert_with(|| value.clone());
                    "O"
                }
                "2.5.4.11" => "OU",
                "2.5.4.7" => "L",
                "2.5.4.8" => "ST",
                "2.5.4.5" => "serialNumber",
                "1.2.840.113549.1.9.1" => "emailAddress",
                _ => "",
            };
            if label.is_empty() {
                parts.push(format!("{}={value}", atv.oid));
            } else {
                parts.push(format!("{label}={value}"));
            }
        }
    }
    dn.text = parts.join(", ");
    Ok(dn)
}

fn time(t: &x509_cert::time::Time) -> UnixTime {
    UnixTime(i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX))
}

impl Certificate {
    /// Parses a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Certificate> {
        let cert =
            x509_cert::Certificate::from_der(der).map_err(|e| der_error(e, "certificate"))?;
        refuse_padded_oids(der, 0)?;
        let tbs = &cert.tbs_certificate;
        let mut out = Certificate {
            der: der.to_vec(),
            kid: kid_of(der),
            serial: tbs.serial_number.as_bytes().to_vec(),
            subject: name(&tbs.subject)?,
            issuer: name(&tbs.issuer)?,
            not_before: time(&tbs.validity.not_before),
            not_after: time(&tbs.validity.not_after),
            public_key: PublicKeyInfo::from_spki(&tbs.subject_public_key_info)?,
            extended_key_usage: None,
            key_usage: None,
            is_ca: false,
            path_len: None,
            subject_key_id: None,
            authority_key_id: None,
            tbs: tbs.to_der().map_err(|e| der_error(e, "tbsCertificate"))?,
            signature_algorithm: cert.signature_algorithm.oid.to_string(),
            signature: cert.signature.raw_bytes().to_vec(),
        };
        let extensions = tbs.extensions.as_deref().unwrap_or_default();
        for (i, ext) in extensions.iter().enumerate() {
            if extensions[..i].iter().any(|e| e.extn_id == ext.extn_id) {
                return Err(invalid(
                    CertificateErrorKind::DuplicateExtension,
                    format!("extension {} appears more than once", ext.extn_id),
                ));
            }
            out.read_extension(ext)?;
        }
        Ok(out)
    }

    fn read_extension(&mut self, ext: &x509_cert::ext::Extension) -> Result<()> {
        let value = ext.extn_value.as_bytes();
        let bad = |e: der::Error| der_error(e, &format!("extension {}", ext.extn_id));
        let known = [
            OID_EKU,
            OID_KEY_USAGE,
            OID_BASIC_CONSTRAINTS,
            OID_SKI,
            OID_AKI,
        ];
        if known.contains(&ext.extn_id) {
            refuse_padded_oids(value, 0)?;
        }
        match ext.extn_id {
            OID_EKU => {
                let eku = ExtendedKeyUsage::from_der(value).map_err(bad)?;
                self.extended_key_usage = Some(eku.0.iter().map(|o| o.to_string()).collect());
            }
            OID_KEY_USAGE => {
                let ku = KeyUsage::from_der(value).map_err(bad)?;
                // x509-cert's flag bits are RFC 5280's bit numbers.
                self.key_usage = Some(ku.0.bits());
            }
            OID_BASIC_CONSTRAINTS => {
                let bc = BasicConstraints::from_der(value).map_err(bad)?;
                self.is_ca = bc.ca;
                self.path_len = bc.path_len_constraint;
            }
            OID_SKI => {
                let ski = SubjectKeyIdentifier::from_der(value).map_err(bad)?;
                self.subject_key_id = Some(ski.0.as_bytes().to_vec());
            }
            OID_AKI => {
                let aki = AuthorityKeyIdentifier::from_der(value).map_err(bad)?;
                self.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
            }
            other if ext.critical => {
                return Err(invalid(
                    CertificateErrorKind::UnknownCriticalExtension,
                    format!("critical extension {other} is not processed by this verifier"),
                ))
            }
            _ => {}
        }
        Ok(())
    }

    /// The SHA-256 thumbprint of the DER, lower-case hex (the gateway's `thumbprint`).
    pub fn thumbprint(&self) -> String {
        base16ct::lower::encode_string(&Sha256::digest(&self.der))
    }

    /// The key identifier in its usual text form (Base64, 12 characters).
    pub fn kid_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.kid)
    }

    /// The certificate types this signer may sign, by its extended key usage
    /// (hcert_spec Appendix A.4, HCERT.md §2.3), with the policy documented on
    /// [`CertificateType::allowed_by_eku`].
    pub fn allowed_types(&self) -> Vec<CertificateType> {
        CertificateType::allowed_by_eku(self.extended_key_usage.as_deref())
    }

    /// Whether the key usage extension, if present, allows digital signatures.
    pub fn allows_digital_signature(&self) -> bool {
        self.key_usage.is_none_or(|ku| ku & 1 != 0)
    }
}

/// The HCERT key identifier of a certificate's DER.
pub fn kid_of(der: &[u8]) -> [u8; 8] {
    let digest = Sha256::digest(der);
    let mut kid = [0u8; 8];
    kid.copy_from_slice(&digest[..8]);
    kid
}

/// Every certificate in a PEM text (`-----BEGIN CERTIFICATE-----` blocks), as DER.
pub fn pem_certificates(text: &str) -> Result<Vec<Vec<u8>>> {
    use base64::Engine as _;
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let body_start = start + BEGIN.len();
        let end = rest[body_start..]
            .find(END)
            .ok_or_else(|| malformed("PEM block without END line"))?;
        let body: String = rest[body_start..body_start + end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .map_err(|_| malformed("PEM body is not Base64"))?;
        out.push(der);
        rest = &rest[body_start + end + END.len()..];
    }
    Ok(out)
}

/// Wraps DER in a PEM `CERTIFICATE` block.
pub fn to_pem(der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        s.push_str(&String::from_utf8_lossy(line));
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use base64::Engine as _;

    /// dgc-testdata common/CO20's signer (the suite's public test certificate: EC P-256,
    /// key usage, and an EKU with the three legacy `.0.1847` type OIDs).
    pub(crate) const CO20_CERT: &str = "MIIBVzCB/6ADAgECAgRzLoFUMAoGCCqGSM49BAMCMBAxDjAMBgNVBAMMBUVDLU1lMB4XDTIxMDUwMzE4MDAwMFoXDTIxMDYwMjE4MDAwMFowEDEOMAwGA1UEAwwFRUMtTWUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQkI7eQFjMDlzlZE76ey3MxeRRXqe19Gz5zI534UOGwz0uk3rC1lzMRKFjlMYqi/vEbZerv5xjysRnzhyo1P/P9o0cwRTAOBgNVHQ8BAf8EBAMCBaAwMwYDVR0lBCwwKgYMKwYBBAEAjjePZQEBBgwrBgEEAQCON49lAQIGDCsGAQQBAI43j2UBAzAKBggqhkjOPQQDAgNHADBEAiBS0ew1ZTfhrMdiOqGuSiRAe9kpg9jNZoHBICd0rAEjvQIgeFUhq00LEJHST3StBaww1NrZpEyYgh7XeC5ZK7UbRDE=";

    pub(crate) fn co20_der() -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(CO20_CERT)
            .unwrap()
    }

    #[test]
    fn reads_a_suite_signer() {
        let der = co20_der();
        let c = Certificate::from_der(&der).unwrap();
        assert_eq!(c.subject.text, "CN=EC-Me");
        assert_eq!(c.subject.common_name.as_deref(), Some("EC-Me"));
        assert_eq!(c.public_key.kind, KeyKind::EcP256);
        assert_eq!(c.public_key.key.len(), 65);
        assert_eq!(c.not_before.rfc3339(), "2021-05-03T18:00:00Z");
        assert_eq!(c.not_after.rfc3339(), "2021-06-02T18:00:00Z");
        assert_eq!(
            c.extended_key_usage,
            Some(vec![
                "1.3.6.1.4.1.0.1847.2021.1.1".to_string(),
                "1.3.6.1.4.1.0.1847.2021.1.2".to_string(),
                "1.3.6.1.4.1.0.1847.2021.1.3".to_string(),
            ])
        );
        assert_eq!(c.allowed_types().len(), 3);
        // digitalSignature (bit 0) and keyEncipherment (bit 2).
        assert_eq!(c.key_usage, Some(0b101));
        assert!(c.allows_digital_signature());
        assert_eq!(c.signature_algorithm, "1.2.840.10045.4.3.2");
        assert_eq!(c.tbs[0], 0x30);
        assert!(der.windows(c.tbs.len()).any(|w| w == c.tbs));
        assert_eq!(c.kid, kid_of(&der));
        // Round trip through PEM.
        assert_eq!(pem_certificates(&to_pem(&der)).unwrap(), vec![der.clone()]);
        // Every truncation fails cleanly.
        for n in 0..der.len() {
            assert!(
                Certificate::from_der(&der[..n]).is_err(),
                "prefix of {n} bytes"
            );
        }
    }

    fn code(der: &[u8]) -> &'static str {
        Certificate::from_der(der).unwrap_err().code()
    }

    #[test]
    fn non_der_encodings_are_refused_each_with_its_code() {
        let der = co20_der();
        // Bytes after the certificate.
        let mut trailing = der.clone();
        trailing.push(0);
        assert_eq!(code(&trailing), "CERTIFICATE_TRAILING_DATA");
        // The outer length written in three bytes (82 01 57) instead of the minimal two.
        assert_eq!(&der[..4], &[0x30, 0x82, 0x01, 0x57]);
        let mut long = vec![0x30, 0x83, 0x00, 0x01, 0x57];
        long.extend_from_slice(&der[4..]);
        assert_eq!(code(&long), "CERTIFICATE_NOT_DER");
        // A valid time without seconds (UTCTime YYMMDDHHMMZ) is BER-legal, not DER.
        let utc = der.windows(13).position(|w| w == b"210503180000Z").unwrap();
        let mut short_time = der.clone();
        short_time.splice(utc - 2..utc + 13, *b"\x17\x0b2105031800Z");
        fix_lengths(&mut short_time, -2);
        assert_eq!(code(&short_time), "CERTIFICATE_NOT_DER");
        // An OID arc padded with a leading 0x80, edited in place so no length changes.
        let oid = der
            .windows(9)
            .position(|w| w == [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01])
            .unwrap();
        let mut padded = der.clone();
        // 2A 86 48 CE 3D 02 01 → 2A 86 48 CE 3D 80 02: arc 2 written with a leading 0x80.
        padded[oid + 7] = 0x80;
        padded[oid + 8] = 0x02;
        assert_eq!(code(&padded), "CERTIFICATE_NOT_DER");
    }

    /// RFC 5280 §4.2: each extension at most once, and a critical extension that is not
    /// processed refuses the certificate. Edited from CO20 without changing any length.
    #[test]
    fn repeated_and_unknown_critical_extensions_are_refused() {
        let der = co20_der();
        let ku = der
            .windows(3)
            .position(|w| w == [0x55, 0x1D, 0x0F])
            .unwrap();
        let eku = der
            .windows(3)
            .position(|w| w == [0x55, 0x1D, 0x25])
            .unwrap();
        // The EKU renamed to key usage: two key-usage extensions.
        let mut twice = der.clone();
        twice[eku + 2] = 0x0F;
        assert_eq!(code(&twice), "CERTIFICATE_DUPLICATE_EXTENSION");
        // The critical key usage renamed to certificate policies (2.5.29.32), which this
        // verifier does not process.
        let mut unknown = der.clone();
        unknown[ku + 2] = 0x20;
        assert_eq!(code(&unknown), "CERTIFICATE_UNKNOWN_CRITICAL_EXTENSION");
        // The same renamed in the non-critical EKU is ignored.
        let mut ignored = der.clone();
        ignored[eku + 2] = 0x20;
        let c = Certificate::from_der(&ignored).unwrap();
        assert_eq!(c.extended_key_usage, None);
    }

    /// Adjusts the outer certificate, TBS and validity lengths after an edit inside validity.
    fn fix_lengths(der: &mut [u8], delta: i32) {
        let adj = |hi: u8, lo: u8| -> (u8, u8) {
            let v = (i32::from(hi) << 8 | i32::from(lo)) + delta;
            ((v >> 8) as u8, v as u8)
        };
        // 30 82 LL LL (certificate), 30 81 LL (tbs, short form in CO20).
        let (a, b) = adj(der[2], der[3]);
        der[2] = a;
        der[3] = b;
        der[6] = (i32::from(der[6]) + delta) as u8;
        // Validity SEQUENCE: 30 1e before the first UTCTime.
        let v = der.windows(2).position(|w| w == [0x30, 0x1e]).unwrap();
        der[v + 1] = (i32::from(der[v + 1]) + delta) as u8;
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            if let Err(e) = Certificate::from_der(&data) {
                proptest::prop_assert_eq!(e.stage(), crate::error::Stage::Trust);
            }
        }
    }
}
