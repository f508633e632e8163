//! Errors of every stage of the HCERT pipeline (HCERT.md §1–§2.4), each with a stable code.
//!
//! The code (`PREFIX_MISSING`, `SIGNATURE_INVALID`, …) is the contract: tests, the CLI's JSON
//! output and the portal's translations key on it. [`Error::message`] is a plain-language
//! sentence for someone at a hotel desk; [`Error::detail`] adds what an engineer needs.

use core::fmt;

use crate::time::UnixTime;
use crate::CertificateType;

/// The verification step an error belongs to. The names follow the conformance suite's
/// `EXPECTED*` flags (HCERT.md §3.2) so that a test can ask *which* check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Stage {
    /// Reading the QR code out of an image.
    Picture,
    /// Size limits on the raw input.
    Input,
    /// The `HC1:` context prefix.
    Prefix,
    /// Base45 (RFC 9285).
    Base45,
    /// zlib inflate.
    Decompress,
    /// CBOR, COSE_Sign1, CWT claims and the DCC payload structure.
    Decode,
    /// Finding the signer and checking the signature.
    Signature,
    /// `iat ≤ now ≤ exp` and the signer's validity period.
    Validity,
    /// The signer's extended key usage against the certificate type.
    KeyUsage,
    /// Exactly one vaccination, test or recovery entry.
    Content,
    /// The DCC JSON schema of the payload's `ver`.
    Schema,
    /// Revocation lists.
    Revocation,
    /// Trust lists and signer certificates.
    Trust,
}

/// Everything that can go wrong while decoding or verifying a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The image could not be read (not PNG/JPEG, corrupt, or too large).
    ImageUnreadable {
        /// What is wrong.
        reason: String,
    },
    /// No readable QR code was found in the image.
    QrNotFound,
    /// The input holds nothing but whitespace.
    InputEmpty,
    /// The input is longer than any QR code can carry.
    InputTooLarge {
        /// Length of the input in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// No context prefix: the text does not start with `HC` + version + `:`.
    PrefixMissing,
    /// A well-formed prefix of a later HCERT version (`HC2:` … `HCZ:`).
    PrefixUnsupported {
        /// The prefix found.
        prefix: String,
    },
    /// Something prefix-like that is not an HCERT prefix (`HL0:`, `hc1:` …).
    PrefixInvalid {
        /// The prefix found.
        prefix: String,
    },
    /// A character outside the Base45 alphabet.
    Base45InvalidChar {
        /// Zero-based position in the Base45 text.
        position: usize,
    },
    /// A Base45 text whose length leaves a dangling single character.
    Base45InvalidLength {
        /// Length of the Base45 text.
        len: usize,
    },
    /// A Base45 triplet above 65535 or a final pair above 255.
    Base45Overflow {
        /// Zero-based position of the group in the Base45 text.
        position: usize,
    },
    /// The data is not zlib-compressed (no zlib header).
    NotCompressed,
    /// The zlib stream is corrupt, truncated or fails its checksum.
    CompressionCorrupt,
    /// Inflating would exceed the output cap (a decompression bomb).
    DecompressedTooLarge {
        /// The cap in bytes.
        max: usize,
    },
    /// The bytes are not well-formed CBOR.
    CborMalformed {
        /// Byte offset of the problem.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// The CBOR is well formed but is not a COSE_Sign1 structure.
    CoseMalformed {
        /// What is wrong.
        reason: &'static str,
    },
    /// No `alg` header.
    AlgorithmMissing,
    /// An `alg` other than ES256 (-7) or PS256 (-37).
    AlgorithmUnsupported {
        /// The COSE algorithm identifier.
        alg: i64,
    },
    /// No `kid` header.
    KidMissing,
    /// A `kid` that is not 8 bytes long.
    KidInvalidLength {
        /// Its length.
        len: usize,
    },
    /// The CWT claims are not a CBOR map with the expected types.
    ClaimsMalformed {
        /// What is wrong.
        reason: &'static str,
    },
    /// A required CWT claim is absent.
    ClaimMissing {
        /// The claim's name (`iat`, `exp`, `hcert`).
        claim: &'static str,
    },
    /// The DCC payload is not a map of the expected shape.
    PayloadMalformed {
        /// What is wrong.
        reason: String,
    },
    /// No trusted signer certificate has this key identifier.
    SignerUnknown {
        /// The key identifier, Base64.
        kid: String,
    },
    /// The signer's key cannot make signatures of the claimed algorithm (e.g. ES256 with a
    /// P-384 or RSA key).
    KeyAlgorithmMismatch {
        /// The algorithm named in the COSE header.
        alg: &'static str,
        /// The signer's key type.
        key: String,
    },
    /// A signer key of a type or size HCERT does not allow.
    KeyUnsupported {
        /// The key type.
        key: String,
    },
    /// The signature has the wrong length or encoding for its algorithm.
    SignatureMalformed {
        /// What is wrong.
        reason: &'static str,
    },
    /// The signature does not verify with any trusted certificate for the kid.
    SignatureInvalid,
    /// The verification time is before the issue time.
    NotYetValid {
        /// Issued at.
        iat: UnixTime,
    },
    /// The verification time is after the expiry.
    Expired {
        /// Expiry.
        exp: UnixTime,
    },
    /// The certificate was issued before its signer certificate became valid.
    IssuedBeforeSigner {
        /// Issued at.
        iat: UnixTime,
        /// Signer `notBefore`.
        signer_not_before: UnixTime,
    },
    /// The certificate expires after its signer certificate.
    OutlivesSigner {
        /// Expiry.
        exp: UnixTime,
        /// Signer `notAfter`.
        signer_not_after: UnixTime,
    },
    /// The signer's extended key usage does not allow this type of certificate.
    KeyUsageMismatch {
        /// The certificate's type.
        certificate_type: CertificateType,
        /// The types the signer may sign.
        allowed: Vec<CertificateType>,
    },
    /// None of `v`, `t`, `r` holds an entry.
    NoEntry,
    /// More than one of `v`, `t`, `r` is present.
    MultipleTypes,
    /// The group holds more than one entry.
    MultipleEntries {
        /// Number of entries.
        count: usize,
    },
    /// The payload breaks the DCC JSON schema of its version.
    SchemaInvalid {
        /// Schema version used.
        schema: &'static str,
        /// JSON pointer of the first violation.
        path: String,
        /// What the schema requires there.
        rule: String,
    },
    /// A payload `ver` whose major version is not 1.
    SchemaVersionUnsupported {
        /// The `ver` value.
        ver: String,
    },
    /// The certificate is on a revocation list.
    Revoked {
        /// Why, when the list says.
        reason: Option<String>,
    },
    /// A signer certificate could not be parsed.
    CertificateMalformed {
        /// What is wrong.
        reason: String,
    },
    /// A private key could not be loaded or used (issuing only).
    PrivateKey {
        /// What is wrong.
        reason: String,
    },
    /// A trust list could not be parsed or failed its checks.
    TrustListInvalid {
        /// Stable sub-code (`SIGNATURE`, `EXPIRED`, …).
        kind: TrustListErrorKind,
        /// What is wrong.
        reason: String,
    },
}

/// Why a signed trust list, value set or revocation list was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrustListErrorKind {
    /// Not parseable.
    Malformed,
    /// Its signature does not verify with the pinned trust anchor.
    Signature,
    /// Its content hash does not match the signed hash (tampered or truncated).
    Digest,
    /// Signed for a different file name (swapped).
    WrongFile,
    /// Past its expiry.
    Expired,
    /// Issued in the future.
    NotYetValid,
    /// Older than a list already accepted (rollback).
    Rollback,
}

impl TrustListErrorKind {
    fn code(self) -> &'static str {
        match self {
            Self::Malformed => "TRUST_LIST_MALFORMED",
            Self::Signature => "TRUST_LIST_SIGNATURE_INVALID",
            Self::Digest => "TRUST_LIST_DIGEST_MISMATCH",
            Self::WrongFile => "TRUST_LIST_WRONG_FILE",
            Self::Expired => "TRUST_LIST_EXPIRED",
            Self::NotYetValid => "TRUST_LIST_NOT_YET_VALID",
            Self::Rollback => "TRUST_LIST_ROLLBACK",
        }
    }
}

impl Error {
    /// A stable, upper-case identifier for this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::ImageUnreadable { .. } => "IMAGE_UNREADABLE",
            Error::QrNotFound => "QR_NOT_FOUND",
            Error::InputEmpty => "INPUT_EMPTY",
            Error::InputTooLarge { .. } => "INPUT_TOO_LARGE",
            Error::PrefixMissing => "PREFIX_MISSING",
            Error::PrefixUnsupported { .. } => "PREFIX_UNSUPPORTED",
            Error::PrefixInvalid { .. } => "PREFIX_INVALID",
            Error::Base45InvalidChar { .. } => "BASE45_INVALID_CHAR",
            Error::Base45InvalidLength { .. } => "BASE45_INVALID_LENGTH",
            Error::Base45Overflow { .. } => "BASE45_OVERFLOW",
            Error::NotCompressed => "ZLIB_NOT_COMPRESSED",
            Error::CompressionCorrupt => "ZLIB_CORRUPT",
            Error::DecompressedTooLarge { .. } => "ZLIB_TOO_LARGE",
            Error::CborMalformed { .. } => "CBOR_MALFORMED",
            Error::CoseMalformed { .. } => "COSE_MALFORMED",
            Error::AlgorithmMissing => "COSE_ALG_MISSING",
            Error::AlgorithmUnsupported { .. } => "COSE_ALG_UNSUPPORTED",
            Error::KidMissing => "COSE_KID_MISSING",
            Error::KidInvalidLength { .. } => "COSE_KID_INVALID_LENGTH",
            Error::ClaimsMalformed { .. } => "CWT_MALFORMED",
            Error::ClaimMissing { .. } => "CWT_CLAIM_MISSING",
            Error::PayloadMalformed { .. } => "DCC_MALFORMED",
            Error::SignerUnknown { .. } => "SIGNER_UNKNOWN",
            Error::KeyAlgorithmMismatch { .. } => "KEY_ALGORITHM_MISMATCH",
            Error::KeyUnsupported { .. } => "KEY_UNSUPPORTED",
            Error::SignatureMalformed { .. } => "SIGNATURE_MALFORMED",
            Error::SignatureInvalid => "SIGNATURE_INVALID",
            Error::NotYetValid { .. } => "NOT_YET_VALID",
            Error::Expired { .. } => "EXPIRED",
            Error::IssuedBeforeSigner { .. } => "ISSUED_BEFORE_SIGNER_VALID",
            Error::OutlivesSigner { .. } => "OUTLIVES_SIGNER",
            Error::KeyUsageMismatch { .. } => "KEY_USAGE_MISMATCH",
            Error::NoEntry => "DCC_NO_ENTRY",
            Error::MultipleTypes => "DCC_MULTIPLE_TYPES",
            Error::MultipleEntries { .. } => "DCC_MULTIPLE_ENTRIES",
            Error::SchemaInvalid { .. } => "SCHEMA_INVALID",
            Error::SchemaVersionUnsupported { .. } => "SCHEMA_VERSION_UNSUPPORTED",
            Error::Revoked { .. } => "REVOKED",
            Error::CertificateMalformed { .. } => "SIGNER_CERTIFICATE_MALFORMED",
            Error::PrivateKey { .. } => "PRIVATE_KEY_INVALID",
            Error::TrustListInvalid { kind, .. } => kind.code(),
        }
    }

    /// The step this error belongs to.
    pub fn stage(&self) -> Stage {
        match self {
            Error::ImageUnreadable { .. } | Error::QrNotFound => Stage::Picture,
            Error::InputEmpty | Error::InputTooLarge { .. } => Stage::Input,
            Error::PrefixMissing
            | Error::PrefixUnsupported { .. }
            | Error::PrefixInvalid { .. } => Stage::Prefix,
            Error::Base45InvalidChar { .. }
            | Error::Base45InvalidLength { .. }
            | Error::Base45Overflow { .. } => Stage::Base45,
            Error::NotCompressed
            | Error::CompressionCorrupt
            | Error::DecompressedTooLarge { .. } => Stage::Decompress,
            Error::CborMalformed { .. }
            | Error::CoseMalformed { .. }
            | Error::ClaimsMalformed { .. }
            | Error::ClaimMissing { .. }
            | Error::PayloadMalformed { .. } => Stage::Decode,
            Error::AlgorithmMissing
            | Error::AlgorithmUnsupported { .. }
            | Error::KidMissing
            | Error::KidInvalidLength { .. }
            | Error::SignerUnknown { .. }
            | Error::KeyAlgorithmMismatch { .. }
            | Error::KeyUnsupported { .. }
            | Error::SignatureMalformed { .. }
            | Error::SignatureInvalid => Stage::Signature,
            Error::NotYetValid { .. }
            | Error::Expired { .. }
            | Error::IssuedBeforeSigner { .. }
            | Error::OutlivesSigner { .. } => Stage::Validity,
            Error::KeyUsageMismatch { .. } => Stage::KeyUsage,
            Error::NoEntry | Error::MultipleTypes | Error::MultipleEntries { .. } => Stage::Content,
            Error::SchemaInvalid { .. } | Error::SchemaVersionUnsupported { .. } => Stage::Schema,
            Error::Revoked { .. } => Stage::Revocation,
            Error::CertificateMalformed { .. }
            | Error::PrivateKey { .. }
            | Error::TrustListInvalid { .. } => Stage::Trust,
        }
    }

    /// A plain-language sentence for the person checking the certificate: what is wrong
    /// and, where it helps, what to do.
    pub fn message(&self) -> String {
        const NOT_A_CERT: &str = "This is not a readable EU digital COVID certificate";
        match self {
            Error::ImageUnreadable { .. } => "The image could not be opened. Use a PNG or JPEG photo or screenshot.".into(),
            Error::QrNotFound => "No QR code could be read in the image. Make sure the whole code is sharp, well lit and fills much of the picture.".into(),
            Error::InputEmpty => "Nothing was scanned or pasted.".into(),
            Error::InputTooLarge { .. } => {
                format!("{NOT_A_CERT}: it is far longer than any certificate QR code.")
            }
            Error::PrefixMissing => format!(
                "{NOT_A_CERT}: it does not start with \"HC1:\". Scan the certificate's QR code itself."
            ),
            Error::PrefixUnsupported { prefix } => format!(
                "This certificate uses a newer format ({prefix}) that this verifier cannot read yet."
            ),
            Error::PrefixInvalid { prefix } => {
                format!("{NOT_A_CERT}: it starts with \"{prefix}\" instead of \"HC1:\".")
            }
            Error::Base45InvalidChar { .. }
            | Error::Base45InvalidLength { .. }
            | Error::Base45Overflow { .. } => format!(
                "{NOT_A_CERT}: the text is damaged or incomplete. Scan the QR code again or copy the whole text."
            ),
            Error::NotCompressed | Error::CompressionCorrupt => {
                format!("{NOT_A_CERT}: its content is damaged.")
            }
            Error::DecompressedTooLarge { .. } => {
                format!("{NOT_A_CERT}: its content is abnormally large and was not opened.")
            }
            Error::CborMalformed { .. }
            | Error::CoseMalformed { .. }
            | Error::ClaimsMalformed { .. }
            | Error::ClaimMissing { .. }
            | Error::PayloadMalformed { .. } => {
                format!("{NOT_A_CERT}: its content is damaged or incomplete.")
            }
            Error::AlgorithmMissing | Error::AlgorithmUnsupported { .. } => format!(
                "{NOT_A_CERT}: it is signed with a method that EU certificates do not use."
            ),
            Error::KidMissing | Error::KidInvalidLength { .. } => {
                format!("{NOT_A_CERT}: it does not say who signed it.")
            }
            Error::SignerUnknown { .. } => "The authority that signed this certificate is not on this verifier's trust list, so it cannot be checked. Update the trust list or ask for another certificate.".into(),
            Error::KeyAlgorithmMismatch { .. } | Error::KeyUnsupported { .. } => "The signing key of the issuing authority does not match the signature type. Treat the certificate as not valid.".into(),
            Error::SignatureMalformed { .. } | Error::SignatureInvalid => "The digital signature does not match: the certificate was altered or was not issued by the authority it names.".into(),
            Error::NotYetValid { iat } => format!(
                "This certificate is not valid yet: it was issued on {} (check the device's date and time).",
                iat.date_time_utc()
            ),
            Error::Expired { exp } => format!("This certificate expired on {}.", exp.date_utc()),
            Error::IssuedBeforeSigner { .. } => "This certificate was issued before the issuing authority's signing key became valid.".into(),
            Error::OutlivesSigner { .. } => "This certificate claims to stay valid longer than the issuing authority's signing key.".into(),
            Error::KeyUsageMismatch { certificate_type, .. } => format!(
                "The issuing authority is not allowed to sign {} certificates.",
                certificate_type.noun()
            ),
            Error::NoEntry => "The certificate holds no vaccination, test or recovery record.".into(),
            Error::MultipleTypes => "The certificate mixes vaccination, test and recovery records; a valid one holds exactly one.".into(),
            Error::MultipleEntries { count } => format!(
                "The certificate holds {count} records; a valid one holds exactly one."
            ),
            Error::SchemaInvalid { .. } => "The certificate's content breaks the EU format rules (a field is missing, too long or malformed).".into(),
            Error::SchemaVersionUnsupported { ver } => format!(
                "This certificate uses format version {ver}, which this verifier does not know."
            ),
            Error::Revoked { reason } => match reason
                .as_deref()
                .and_then(crate::revocation::Reason::from_code)
            {
                Some(r) => format!(
                    "This certificate has been revoked by its issuer ({}). Do not accept it.",
                    r.description()
                ),
                None => "This certificate has been revoked by its issuer. Do not accept it.".into(),
            },
            Error::CertificateMalformed { .. } => "A signer certificate in the trust list is damaged.".into(),
            Error::PrivateKey { .. } => "A signing key could not be used.".into(),
            Error::TrustListInvalid { kind, .. } => match kind {
                TrustListErrorKind::Expired => "The trust list is out of date. Connect to the internet to refresh it.".into(),
                TrustListErrorKind::NotYetValid => "The trust list is dated in the future. Check the device's date and time.".into(),
                _ => "The trust list failed its integrity check and was not used.".into(),
            },
        }
    }

    /// Technical detail for logs and engineers (positions, values, limits).
    pub fn detail(&self) -> String {
        match self {
            Error::ImageUnreadable { reason } => format!("image: {reason}"),
            Error::QrNotFound => "no QR code found".into(),
            Error::InputEmpty => "empty input".into(),
            Error::InputTooLarge { len, max } => format!("input is {len} bytes, limit {max}"),
            Error::PrefixMissing => "no HCERT context identifier".into(),
            Error::PrefixUnsupported { prefix } | Error::PrefixInvalid { prefix } => {
                format!("context identifier {prefix:?}")
            }
            Error::Base45InvalidChar { position } => {
                format!("character at position {position} is not in the Base45 alphabet")
            }
            Error::Base45InvalidLength { len } => {
                format!("Base45 length {len} leaves a dangling character")
            }
            Error::Base45Overflow { position } => {
                format!("Base45 group at position {position} exceeds its byte range")
            }
            Error::NotCompressed => "data does not start with a zlib header".into(),
            Error::CompressionCorrupt => "zlib stream is corrupt or truncated".into(),
            Error::DecompressedTooLarge { max } => format!("inflated data exceeds {max} bytes"),
            Error::CborMalformed { offset, reason } => format!("CBOR at byte {offset}: {reason}"),
            Error::CoseMalformed { reason } => format!("COSE_Sign1: {reason}"),
            Error::AlgorithmMissing => "no alg header".into(),
            Error::AlgorithmUnsupported { alg } => {
                format!("alg {alg} is neither ES256 (-7) nor PS256 (-37)")
            }
            Error::KidMissing => "no kid header".into(),
            Error::KidInvalidLength { len } => format!("kid is {len} bytes, expected 8"),
            Error::ClaimsMalformed { reason } => format!("CWT claims: {reason}"),
            Error::ClaimMissing { claim } => format!("CWT claim {claim} is missing"),
            Error::PayloadMalformed { reason } => format!("DCC payload: {reason}"),
            Error::SignerUnknown { kid } => format!("no trusted signer with kid {kid}"),
            Error::KeyAlgorithmMismatch { alg, key } => {
                format!("{alg} signature claimed by a {key} key")
            }
            Error::KeyUnsupported { key } => format!("unsupported signer key {key}"),
            Error::SignatureMalformed { reason } => format!("signature: {reason}"),
            Error::SignatureInvalid => "signature does not verify".into(),
            Error::NotYetValid { iat } => {
                format!("iat {} is after the verification time", iat.rfc3339())
            }
            Error::Expired { exp } => {
                format!("exp {} is before the verification time", exp.rfc3339())
            }
            Error::IssuedBeforeSigner {
                iat,
                signer_not_before,
            } => format!(
                "iat {} precedes signer notBefore {}",
                iat.rfc3339(),
                signer_not_before.rfc3339()
            ),
            Error::OutlivesSigner {
                exp,
                signer_not_after,
            } => format!(
                "exp {} is after signer notAfter {}",
                exp.rfc3339(),
                signer_not_after.rfc3339()
            ),
            Error::KeyUsageMismatch {
                certificate_type,
                allowed,
            } => format!(
                "{} certificate; signer allows {}",
                certificate_type.code(),
                if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed
                        .iter()
                        .map(|t| t.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
            Error::NoEntry => "none of v, t, r holds an entry".into(),
            Error::MultipleTypes => "more than one of v, t, r is present".into(),
            Error::MultipleEntries { count } => format!("{count} entries, expected 1"),
            Error::SchemaInvalid { schema, path, rule } => {
                format!("schema {schema}: {path}: {rule}")
            }
            Error::SchemaVersionUnsupported { ver } => format!("ver {ver:?} is not 1.x.y"),
            Error::Revoked { reason } => match reason {
                Some(r) => format!("revoked: {r}"),
                None => "revoked".into(),
            },
            Error::CertificateMalformed { reason } => format!("signer certificate: {reason}"),
            Error::PrivateKey { reason } => format!("private key: {reason}"),
            Error::TrustListInvalid { reason, .. } => reason.clone(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.detail())
    }
}

impl std::error::Error for Error {}

/// `Result` with [`Error`] as the default error.
pub type Result<T, E = Error> = core::result::Result<T, E>;
