//! Signer certificates (X.509, RFC 5280) read leniently: only the fields a verifier needs
//! (hcert_spec §5, Appendix A; HCERT.md §2).
//!
//! Real document signer certificates break DER in small ways (HCERT.md §2.5): Finnish ones
//! encode `cA FALSE` explicitly, `common/CO15` has an empty EKU sequence. A strict parser
//! rejects them; this one reads what it needs and skips what it does not, while still
//! refusing anything structurally unsound (truncation, bad lengths, indefinite lengths).

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::time::{Date, UnixTime};
use crate::CertificateType;

/// OID of the extended key usage extension.
pub const OID_EKU: &str = "2.5.29.37";

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
    pub path_len: Option<u32>,
    /// Subject key identifier.
    pub subject_key_id: Option<Vec<u8>>,
    /// Authority key identifier (key identifier form).
    pub authority_key_id: Option<Vec<u8>>,
    /// Byte range of the to-be-signed part inside `der`.
    pub tbs_range: (usize, usize),
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
    /// ECDSA on another curve (its OID).
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

fn malformed(reason: &str) -> Error {
    Error::CertificateMalformed {
        reason: reason.to_string(),
    }
}

/// A minimal DER reader over one level of TLVs.
pub(crate) struct Der<'a> {
    data: &'a [u8],
    pos: usize,
}

/// One TLV.
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) content: &'a [u8],
    /// Offset of the TLV's first byte in the reader's data.
    pub(crate) start: usize,
    /// Offset just past the TLV.
    pub(crate) end: usize,
}

impl<'a> Der<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Der<'a> {
        Der { data, pos: 0 }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    pub(crate) fn tlv(&mut self) -> Result<Tlv<'a>> {
        let start = self.pos;
        let tag = *self
            .data
            .get(self.pos)
            .ok_or_else(|| malformed("truncated"))?;
        if tag & 0x1F == 0x1F {
            return Err(malformed("high tag numbers are not used in certificates"));
        }
        let first = *self
            .data
            .get(self.pos + 1)
            .ok_or_else(|| malformed("truncated"))?;
        let mut p = self.pos + 2;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7F);
            if n == 0 || n > 4 {
                return Err(malformed("indefinite or oversized length"));
            }
            let bytes = self
                .data
                .get(p..p + n)
                .ok_or_else(|| malformed("truncated"))?;
            p += n;
            bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
        };
        let end = p.checked_add(len).ok_or_else(|| malformed("bad length"))?;
        let content = self
            .data
            .get(p..end)
            .ok_or_else(|| malformed("truncated"))?;
        self.pos = end;
        Ok(Tlv {
            tag,
            content,
            start,
            end,
        })
    }

    pub(crate) fn expect(&mut self, tag: u8, what: &str) -> Result<Tlv<'a>> {
        let t = self.tlv()?;
        if t.tag != tag {
            return Err(malformed(&format!(
                "expected {what} (tag 0x{tag:02x}), found tag 0x{:02x}",
                t.tag
            )));
        }
        Ok(t)
    }
}

/// Dotted text of a DER OID's content octets.
pub(crate) fn oid_text(content: &[u8]) -> Result<String> {
    if content.is_empty() {
        return Err(malformed("empty OID"));
    }
    let mut arcs: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for (i, &b) in content.iter().enumerate() {
        if acc > (u64::MAX >> 7) {
            return Err(malformed("OID arc too large"));
        }
        acc = (acc << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (acc / 40).min(2);
                arcs.push(first);
                arcs.push(acc - first * 40);
            } else {
                arcs.push(acc);
            }
            acc = 0;
        } else if i == content.len() - 1 {
            return Err(malformed("truncated OID"));
        }
    }
    Ok(arcs
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join("."))
}

fn parse_time(t: &Tlv<'_>) -> Result<UnixTime> {
    let s = core::str::from_utf8(t.content).map_err(|_| malformed("time is not ASCII"))?;
    let (year, rest) = match t.tag {
        0x17 => {
            let yy: i32 = s
                .get(0..2)
                .and_then(|y| y.parse().ok())
                .ok_or_else(|| malformed("bad UTCTime"))?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &s[2..])
        }
        0x18 => (
            s.get(0..4)
                .and_then(|y| y.parse().ok())
                .ok_or_else(|| malformed("bad GeneralizedTime"))?,
            s.get(4..).unwrap_or(""),
        ),
        _ => return Err(malformed("validity is not a time")),
    };
    let num = |r: &str, i: usize| -> Option<u8> {
        let d = r.get(i..i + 2)?;
        d.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| d.parse().ok())?
    };
    let bad = || malformed("bad certificate time");
    let month = num(rest, 0).ok_or_else(bad)?;
    let day = num(rest, 2).ok_or_else(bad)?;
    let hour = num(rest, 4).ok_or_else(bad)?;
    let minute = num(rest, 6).ok_or_else(bad)?;
    let mut i = 8;
    let second = match num(rest, 8) {
        Some(s) => {
            i = 10;
            s
        }
        None => 0,
    };
    // Fractional seconds (GeneralizedTime) are dropped.
    if rest.as_bytes().get(i) == Some(&b'.') {
        i += 1;
        while rest.as_bytes().get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    let offset: i64 = match rest.get(i..) {
        Some("Z") | Some("") => 0,
        Some(z) if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) => {
            let h = i64::from(num(z, 1).ok_or_else(bad)?);
            let m = i64::from(num(z, 3).ok_or_else(bad)?);
            let o = h * 3600 + m * 60;
            if z.starts_with('-') {
                -o
            } else {
                o
            }
        }
        _ => return Err(bad()),
    };
    let date = Date::new(year, month, day).ok_or_else(bad)?;
    if hour > 23 || minute > 59 || second > 60 {
        return Err(bad());
    }
    Ok(UnixTime(
        UnixTime::from_civil(date, hour, minute, 0).0 + i64::from(second) - offset,
    ))
}

fn decode_string(tag: u8, content: &[u8]) -> String {
    match tag {
        // BMPString: UTF-16BE.
        0x1E => {
            let units: Vec<u16> = content
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        // UniversalString: UTF-32BE.
        0x1C => content
            .chunks(4)
            .filter_map(|c| {
                let mut b = [0u8; 4];
                b[..c.len()].copy_from_slice(c);
                char::from_u32(u32::from_be_bytes(b))
            })
            .collect(),
        // T61String is effectively Latin-1 in the wild.
        0x14 => match core::str::from_utf8(content) {
            Ok(s) => s.to_string(),
            Err(_) => content.iter().map(|&b| char::from(b)).collect(),
        },
        _ => String::from_utf8_lossy(content).into_owned(),
    }
}

fn parse_name(t: &Tlv<'_>, whole: &[u8]) -> Result<DistinguishedName> {
    let mut dn = DistinguishedName {
        der: whole[t.start..t.end].to_vec(),
        ..Default::default()
    };
    let mut parts = Vec::new();
    let mut rdns = Der::new(t.content);
    while !rdns.is_empty() {
        let set = rdns.expect(0x31, "RDN set")?;
        let mut atvs = Der::new(set.content);
        while !atvs.is_empty() {
            let atv = atvs.expect(0x30, "attribute")?;
            let mut a = Der::new(atv.content);
            let oid = oid_text(a.expect(0x06, "attribute type")?.content)?;
            let v = a.tlv()?;
            let value = decode_string(v.tag, v.content);
            let label = match oid.as_str() {
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
                parts.push(format!("{oid}={value}"));
            } else {
                parts.push(format!("{label}={value}"));
            }
        }
    }
    dn.text = parts.join(", ");
    Ok(dn)
}

/// Length in bits of a big-endian unsigned integer (leading zero bytes ignored).
fn bit_len(int: &[u8]) -> usize {
    let trimmed: &[u8] = {
        let first = int.iter().position(|&b| b != 0).unwrap_or(int.len());
        &int[first..]
    };
    match trimmed.first() {
        None => 0,
        Some(&b) => trimmed.len() * 8 - b.leading_zeros() as usize,
    }
}

impl PublicKeyInfo {
    /// Parses a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKeyInfo> {
        let mut d = Der::new(der);
        let t = d.expect(0x30, "SubjectPublicKeyInfo")?;
        if !d.is_empty() {
            return Err(malformed("data after the public key"));
        }
        parse_spki(&t, der)
    }
}

fn parse_spki(t: &Tlv<'_>, whole: &[u8]) -> Result<PublicKeyInfo> {
    let mut s = Der::new(t.content);
    let alg = s.expect(0x30, "key algorithm")?;
    let bits = s.expect(0x03, "subject public key")?;
    let key = bits
        .content
        .split_first()
        .filter(|(unused, _)| **unused == 0)
        .map(|(_, k)| k.to_vec())
        .ok_or_else(|| malformed("public key bit string has unused bits"))?;
    let mut a = Der::new(alg.content);
    let oid = oid_text(a.expect(0x06, "key algorithm OID")?.content)?;
    let kind = match oid.as_str() {
        "1.2.840.10045.2.1" => {
            let curve = match a.tlv() {
                Ok(p) if p.tag == 0x06 => oid_text(p.content)?,
                _ => return Err(malformed("EC key without a named curve")),
            };
            match curve.as_str() {
                "1.2.840.10045.3.1.7" => KeyKind::EcP256,
                "1.3.132.0.34" => KeyKind::EcP384,
                "1.3.132.0.35" => KeyKind::EcP521,
                _ => KeyKind::EcOther(curve),
            }
        }
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => {
            let mut rsa = Der::new(&key);
            let seq = rsa.expect(0x30, "RSAPublicKey")?;
            let mut fields = Der::new(seq.content);
            let n = fields.expect(0x02, "RSA modulus")?;
            fields.expect(0x02, "RSA exponent")?;
            let bits = bit_len(n.content);
            if oid.ends_with(".1") {
                KeyKind::Rsa { bits }
            } else {
                KeyKind::RsaPss { bits }
            }
        }
        _ => KeyKind::Other(oid),
    };
    Ok(PublicKeyInfo {
        kind,
        spki_der: whole[t.start..t.end].to_vec(),
        key,
    })
}

impl Certificate {
    /// Parses a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Certificate> {
        let mut outer = Der::new(der);
        let cert = outer.expect(0x30, "certificate")?;
        if !outer.is_empty() {
            return Err(malformed("data after the certificate"));
        }
        // Offsets below are relative to `der`: the certificate content starts after its header.
        let base = cert.end - cert.content.len();
        let mut c = Der::new(cert.content);
        let tbs = c.expect(0x30, "tbsCertificate")?;
        let sig_alg = c.expect(0x30, "signatureAlgorithm")?;
        let sig = c.expect(0x03, "signatureValue")?;
        let signature_algorithm = oid_text(Der::new(sig_alg.content).expect(0x06, "OID")?.content)?;
        let signature = sig.content.get(1..).unwrap_or_default().to_vec();

        let mut t = Der::new(tbs.content);
        if t.peek_tag() == Some(0xA0) {
            t.tlv()?;
        }
        let serial = t.expect(0x02, "serialNumber")?.content.to_vec();
        t.expect(0x30, "signature")?;
        let issuer_tlv = t.expect(0x30, "issuer")?;
        let issuer = parse_name(&issuer_tlv, tbs.content)?;
        let validity = t.expect(0x30, "validity")?;
        let mut v = Der::new(validity.content);
        let not_before = parse_time(&v.tlv()?)?;
        let not_after = parse_time(&v.tlv()?)?;
        let subject_tlv = t.expect(0x30, "subject")?;
        let subject = parse_name(&subject_tlv, tbs.content)?;
        let spki_tlv = t.expect(0x30, "subjectPublicKeyInfo")?;
        let public_key = parse_spki(&spki_tlv, tbs.content)?;

        let mut cert = Certificate {
            der: der.to_vec(),
            kid: kid_of(der),
            serial,
            subject,
            issuer,
            not_before,
            not_after,
            public_key,
            extended_key_usage: None,
            key_usage: None,
            is_ca: false,
            path_len: None,
            subject_key_id: None,
            authority_key_id: None,
            tbs_range: (base + tbs.start, base + tbs.end),
            signature_algorithm,
            signature,
        };
        while !t.is_empty() {
            let field = t.tlv()?;
            if field.tag == 0xA3 {
                cert.read_extensions(field.content)?;
            }
        }
        Ok(cert)
    }

    fn read_extensions(&mut self, content: &[u8]) -> Result<()> {
        let mut outer = Der::new(content);
        let seq = outer.expect(0x30, "extensions")?;
        let mut exts = Der::new(seq.content);
        while !exts.is_empty() {
            let ext = exts.expect(0x30, "extension")?;
            let mut e = Der::new(ext.content);
            let oid = oid_text(e.expect(0x06, "extension OID")?.content)?;
            let mut value = e.tlv()?;
            if value.tag == 0x01 {
                value = e.tlv()?; // critical flag
            }
            if value.tag != 0x04 {
                return Err(malformed("extension value is not an OCTET STRING"));
            }
            let mut inner = Der::new(value.content);
            match oid.as_str() {
                OID_EKU => {
                    let list = inner.expect(0x30, "extended key usage")?;
                    let mut oids = Der::new(list.content);
                    let mut out = Vec::new();
                    while !oids.is_empty() {
                        out.push(oid_text(oids.expect(0x06, "key purpose")?.content)?);
                    }
                    self.extended_key_usage = Some(out);
                }
                "2.5.29.15" => {
                    let bits = inner.expect(0x03, "key usage")?;
                    let b = bits.content;
                    let byte = |i: usize| u16::from(b.get(i).copied().unwrap_or(0).reverse_bits());
                    self.key_usage = Some(byte(1) | (byte(2) << 8));
                }
                "2.5.29.19" => {
                    let seq = inner.expect(0x30, "basic constraints")?;
                    let mut bc = Der::new(seq.content);
                    while !bc.is_empty() {
                        let f = bc.tlv()?;
                        match f.tag {
                            0x01 => self.is_ca = f.content.first().is_some_and(|&b| b != 0),
                            0x02 => {
                                self.path_len = Some(f.content.iter().fold(0u32, |a, &b| {
                                    a.saturating_mul(256).saturating_add(u32::from(b))
                                }))
                            }
                            _ => {}
                        }
                    }
                }
                "2.5.29.14" => {
                    self.subject_key_id =
                        Some(inner.expect(0x04, "subject key id")?.content.to_vec());
                }
                "2.5.29.35" => {
                    let seq = inner.expect(0x30, "authority key id")?;
                    let mut a = Der::new(seq.content);
                    while !a.is_empty() {
                        let f = a.tlv()?;
                        if f.tag == 0x80 {
                            self.authority_key_id = Some(f.content.to_vec());
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The SHA-256 thumbprint of the DER, lower-case hex (the gateway's `thumbprint`).
    pub fn thumbprint(&self) -> String {
        hex_lower(&Sha256::digest(&self.der))
    }

    /// The key identifier in its usual text form (Base64, 12 characters).
    pub fn kid_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.kid)
    }

    /// The bytes the issuer's signature covers.
    pub fn tbs(&self) -> &[u8] {
        &self.der[self.tbs_range.0..self.tbs_range.1]
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

/// Lower-case hexadecimal.
pub fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
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

    /// dgc-testdata common/CO20's signer (the suite's public test certificate: EC P-256,
    /// key usage, and an EKU with the three legacy `.0.1847` type OIDs).
    pub(crate) const CO20_CERT: &str = "MIIBVzCB/6ADAgECAgRzLoFUMAoGCCqGSM49BAMCMBAxDjAMBgNVBAMMBUVDLU1lMB4XDTIxMDUwMzE4MDAwMFoXDTIxMDYwMjE4MDAwMFowEDEOMAwGA1UEAwwFRUMtTWUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQkI7eQFjMDlzlZE76ey3MxeRRXqe19Gz5zI534UOGwz0uk3rC1lzMRKFjlMYqi/vEbZerv5xjysRnzhyo1P/P9o0cwRTAOBgNVHQ8BAf8EBAMCBaAwMwYDVR0lBCwwKgYMKwYBBAEAjjePZQEBBgwrBgEEAQCON49lAQIGDCsGAQQBAI43j2UBAzAKBggqhkjOPQQDAgNHADBEAiBS0ew1ZTfhrMdiOqGuSiRAe9kpg9jNZoHBICd0rAEjvQIgeFUhq00LEJHST3StBaww1NrZpEyYgh7XeC5ZK7UbRDE=";

    #[test]
    fn reads_a_suite_signer() {
        let der = base64::engine::general_purpose::STANDARD
            .decode(CO20_CERT)
            .unwrap();
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
        assert_eq!(&c.der[c.tbs_range.0..c.tbs_range.0 + 1], &[0x30]);
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

    #[test]
    fn oids() {
        assert_eq!(
            oid_text(&[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]).unwrap(),
            "1.2.840.10045.2.1"
        );
        assert_eq!(oid_text(&[0x55, 0x1D, 0x25]).unwrap(), "2.5.29.37");
        assert!(oid_text(&[0x2A, 0x86]).is_err());
        assert!(oid_text(&[]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            if let Err(e) = Certificate::from_der(&data) {
                proptest::prop_assert_eq!(e.code(), "SIGNER_CERTIFICATE_MALFORMED");
            }
        }
    }
}
