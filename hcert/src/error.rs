//! Errors of every stage of the HCERT pipeline (HCERT.md §1–§2.4), each with a stable code.
//!
//! The code (`PREFIX_MISSING`, `SIGNATURE_INVALID`, …) is the contract: tests, the CLI's JSON
//! output and the front ends' translations key on it. The library words nothing for people:
//! the CLI and the portal turn codes and data into Vietnamese or English sentences.
//! [`Error::detail`] is a technical line for logs and engineers.
//!
//! This module is a leaf: it imports nothing from the crate, so every stage may use it. Times
//! are therefore carried as NumericDate seconds and certificate types as their `v`/`t`/`r`
//! codes.

use core::fmt;

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
    /// The payload's codes against the value sets in force, and its plausibility (dates,
    /// doses, product and manufacturer together).
    ValueSets,
}

/// Why an X.509 certificate was refused (RFC 5280 read through `x509-cert`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertificateErrorKind {
    /// Not a certificate, or a field of the wrong type or value.
    Malformed,
    /// Valid BER but not DER: a non-minimal length, a padded OID arc, a time without seconds.
    NonCanonical,
    /// Bytes after the certificate.
    TrailingData,
    /// An extension appears twice (RFC 5280 §4.2: at most one instance of each).
    DuplicateExtension,
    /// An extension marked critical that this verifier does not process (RFC 5280 §4.2: such
    /// a certificate must be rejected).
    UnknownCriticalExtension,
    /// A trust list names the certificate under a key identifier that is not its own.
    KidMismatch,
}

impl CertificateErrorKind {
    fn code(self) -> &'static str {
        match self {
            Self::Malformed => "CERTIFICATE_MALFORMED",
            Self::NonCanonical => "CERTIFICATE_NOT_DER",
            Self::TrailingData => "CERTIFICATE_TRAILING_DATA",
            Self::DuplicateExtension => "CERTIFICATE_DUPLICATE_EXTENSION",
            Self::UnknownCriticalExtension => "CERTIFICATE_UNKNOWN_CRITICAL_EXTENSION",
            Self::KidMismatch => "CERTIFICATE_KID_MISMATCH",
        }
    }
}

/// Which plausibility check of a payload found something odd (HCERT.md §8 vaccine encoding
/// instructions, §1.7 payload fields). These are warnings, never reasons for NOT VALID: the
/// codes equal the `PLAUSIBILITY_*` codes of the value-set findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PlausibilityKind {
    /// `mp` and `ma` do not belong together.
    MpMaMismatch,
    /// `vp` does not fit `mp`.
    VpMpMismatch,
    /// `dn` greater than `sd`.
    DoseAboveSeries,
    /// `dn` or `sd` not an integer ≥ 1.
    DoseNumberInvalid,
    /// Vaccinated before any COVID-19 vaccine was in use.
    VaccinationBeforeVaccines,
    /// Vaccinated before the holder was born.
    VaccinationBeforeBirth,
    /// A date field cannot be read.
    DateInvalid,
    /// A date lies after the verification time.
    DateInFuture,
    /// A test or positive-test date before SARS-CoV-2 was known.
    DateBeforePandemic,
    /// Recovery valid from earlier than 11 days after the positive test.
    RecoveryValidTooEarly,
    /// Recovery valid until more than 180 days after the positive test.
    RecoveryValidityTooLong,
    /// Recovery valid until before it is valid from.
    RecoveryValidityReversed,
    /// Rapid antigen test without its device identifier.
    RatWithoutDevice,
}

impl PlausibilityKind {
    /// Every kind.
    pub const ALL: [PlausibilityKind; 13] = [
        Self::MpMaMismatch,
        Self::VpMpMismatch,
        Self::DoseAboveSeries,
        Self::DoseNumberInvalid,
        Self::VaccinationBeforeVaccines,
        Self::VaccinationBeforeBirth,
        Self::DateInvalid,
        Self::DateInFuture,
        Self::DateBeforePandemic,
        Self::RecoveryValidTooEarly,
        Self::RecoveryValidityTooLong,
        Self::RecoveryValidityReversed,
        Self::RatWithoutDevice,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::MpMaMismatch => "PLAUSIBILITY_MP_MA_MISMATCH",
            Self::VpMpMismatch => "PLAUSIBILITY_VP_MP_MISMATCH",
            Self::DoseAboveSeries => "PLAUSIBILITY_DOSE_ABOVE_SERIES",
            Self::DoseNumberInvalid => "PLAUSIBILITY_DOSE_NUMBER_INVALID",
            Self::VaccinationBeforeVaccines => "PLAUSIBILITY_VACCINATION_BEFORE_VACCINES",
            Self::VaccinationBeforeBirth => "PLAUSIBILITY_VACCINATION_BEFORE_BIRTH",
            Self::DateInvalid => "PLAUSIBILITY_DATE_INVALID",
            Self::DateInFuture => "PLAUSIBILITY_DATE_IN_FUTURE",
            Self::DateBeforePandemic => "PLAUSIBILITY_DATE_BEFORE_PANDEMIC",
            Self::RecoveryValidTooEarly => "PLAUSIBILITY_RECOVERY_VALID_TOO_EARLY",
            Self::RecoveryValidityTooLong => "PLAUSIBILITY_RECOVERY_VALIDITY_TOO_LONG",
            Self::RecoveryValidityReversed => "PLAUSIBILITY_RECOVERY_VALIDITY_REVERSED",
            Self::RatWithoutDevice => "PLAUSIBILITY_RAT_WITHOUT_DEVICE",
        }
    }
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
        /// Byte offset of the problem, when known.
        offset: usize,
        /// What is wrong.
        reason: String,
    },
    /// The CBOR is well formed but is not a COSE_Sign1 structure.
    CoseMalformed {
        /// What is wrong.
        reason: String,
    },
    /// No `alg` header.
    AlgorithmMissing,
    /// An `alg` other than ES256 (-7) or PS256 (-37).
    AlgorithmUnsupported {
        /// The COSE algorithm identifier (0 for a text label).
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
        reason: String,
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
    /// This build or device cannot do the arithmetic the signature needs (an RSA signature
    /// in a browser without WebCrypto): the certificate cannot be checked here.
    CryptoUnavailable {
        /// What is missing.
        what: &'static str,
    },
    /// The verification time is before the issue time.
    NotYetValid {
        /// Issued at (NumericDate).
        iat: i64,
    },
    /// The verification time is after the expiry.
    Expired {
        /// Expiry (NumericDate).
        exp: i64,
    },
    /// The certificate was issued before its signer certificate became valid.
    IssuedBeforeSigner {
        /// Issued at (NumericDate).
        iat: i64,
        /// Signer `notBefore` (NumericDate).
        signer_not_before: i64,
    },
    /// The certificate expires after its signer certificate.
    OutlivesSigner {
        /// Expiry (NumericDate).
        exp: i64,
        /// Signer `notAfter` (NumericDate).
        signer_not_after: i64,
    },
    /// The signer's extended key usage does not allow this type of certificate.
    KeyUsageMismatch {
        /// The certificate's type: `v`, `t` or `r`.
        certificate_type: &'static str,
        /// The types the signer may sign, as codes (`vt`, or empty).
        allowed: String,
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
        /// Why, as a revocation reason code, when the list says.
        reason: Option<String>,
    },
    /// The revocation data at hand does not cover the certificate's issuer (it lists another
    /// country's revocations, or the certificate names no issuer): revocation is not checked.
    RevocationNotCovered {
        /// The certificate's issuing country (`iss`), if it names one.
        country: Option<String>,
    },
    /// A signer or trust-anchor certificate was refused.
    CertificateInvalid {
        /// Which rule it broke.
        kind: CertificateErrorKind,
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
    /// A coded field holds a code that is not in its value set: the certificate is NOT VALID
    /// (the EU test suite treats such payloads as failing schema validation).
    ValueSetUnknownCode {
        /// Payload path (`v.0.ma`).
        field: String,
        /// The code found.
        code: String,
        /// The value set consulted (`vaccines-covid-19-auth-holders`).
        value_set: String,
    },
    /// A coded field holds something other than a text code (NOT VALID, as an unknown code).
    ValueSetCodeNotString {
        /// Payload path.
        field: String,
        /// The value found, as JSON text.
        value: String,
        /// The value set consulted.
        value_set: String,
    },
    /// A code that its value set marks as no longer in use: a warning.
    ValueSetDeprecatedCode {
        /// Payload path.
        field: String,
        /// The code found.
        code: String,
        /// The value set consulted.
        value_set: String,
    },
    /// The value set a field needs is not loaded: that field was not checked.
    ValueSetUnavailable {
        /// Payload path.
        field: String,
        /// The value set that is missing.
        value_set: String,
    },
    /// No value sets are loaded: codes were not checked.
    ValueSetsNotLoaded,
    /// A plausibility check found something odd: a warning, never NOT VALID.
    Implausible {
        /// Which check.
        kind: PlausibilityKind,
        /// Payload path.
        field: String,
        /// The value found.
        value: String,
        /// What would have been consistent, when there is one answer.
        expected: Option<String>,
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
    /// The revocation data is past its (short) expiry: revocation cannot be ruled out.
    RevocationExpired,
    /// The pinned trust anchor itself is not usable (expired, not yet valid, or its key usage
    /// does not allow signing).
    AnchorInvalid,
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
            Self::RevocationExpired => "REVOCATION_DATA_EXPIRED",
            Self::AnchorInvalid => "TRUST_ANCHOR_INVALID",
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
            Error::CryptoUnavailable { .. } => "CRYPTO_UNAVAILABLE",
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
            Error::RevocationNotCovered { .. } => "REVOCATION_NOT_COVERED",
            Error::CertificateInvalid { kind, .. } => kind.code(),
            Error::PrivateKey { .. } => "PRIVATE_KEY_INVALID",
            Error::TrustListInvalid { kind, .. } => kind.code(),
            Error::ValueSetUnknownCode { .. } => "VALUESET_UNKNOWN_CODE",
            Error::ValueSetCodeNotString { .. } => "VALUESET_CODE_NOT_STRING",
            Error::ValueSetDeprecatedCode { .. } => "VALUESET_DEPRECATED_CODE",
            Error::ValueSetUnavailable { .. } => "VALUESET_UNAVAILABLE",
            Error::ValueSetsNotLoaded => "VALUESETS_NOT_LOADED",
            Error::Implausible { kind, .. } => kind.code(),
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
            | Error::SignatureInvalid
            | Error::CryptoUnavailable { .. } => Stage::Signature,
            Error::NotYetValid { .. }
            | Error::Expired { .. }
            | Error::IssuedBeforeSigner { .. }
            | Error::OutlivesSigner { .. } => Stage::Validity,
            Error::KeyUsageMismatch { .. } => Stage::KeyUsage,
            Error::NoEntry | Error::MultipleTypes | Error::MultipleEntries { .. } => Stage::Content,
            Error::SchemaInvalid { .. } | Error::SchemaVersionUnsupported { .. } => Stage::Schema,
            Error::Revoked { .. } | Error::RevocationNotCovered { .. } => Stage::Revocation,
            Error::CertificateInvalid { .. }
            | Error::PrivateKey { .. }
            | Error::TrustListInvalid { .. } => Stage::Trust,
            Error::ValueSetUnknownCode { .. }
            | Error::ValueSetCodeNotString { .. }
            | Error::ValueSetDeprecatedCode { .. }
            | Error::ValueSetUnavailable { .. }
            | Error::ValueSetsNotLoaded
            | Error::Implausible { .. } => Stage::ValueSets,
        }
    }

    /// Technical detail for logs and engineers (positions, values, limits). Times are
    /// NumericDate seconds.
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
            Error::CryptoUnavailable { what } => format!("cannot check the signature here: {what}"),
            Error::NotYetValid { iat } => format!("iat {iat} is after the verification time"),
            Error::Expired { exp } => format!("exp {exp} is before the verification time"),
            Error::IssuedBeforeSigner {
                iat,
                signer_not_before,
            } => format!("iat {iat} precedes signer notBefore {signer_not_before}"),
            Error::OutlivesSigner {
                exp,
                signer_not_after,
            } => format!("exp {exp} is after signer notAfter {signer_not_after}"),
            Error::KeyUsageMismatch {
                certificate_type,
                allowed,
            } => format!(
                "{certificate_type} certificate; signer allows {}",
                if allowed.is_empty() { "none" } else { allowed }
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
            Error::RevocationNotCovered { country } => match country {
                Some(c) => format!("no revocation data for {c}"),
                None => "no revocation data: the certificate names no issuing country".into(),
            },
            Error::CertificateInvalid { reason, .. } => format!("certificate: {reason}"),
            Error::PrivateKey { reason } => format!("private key: {reason}"),
            Error::TrustListInvalid { reason, .. } => reason.clone(),
            Error::ValueSetUnknownCode {
                field,
                code,
                value_set,
            } => format!("{field}: {code:?} is not in value set {value_set}"),
            Error::ValueSetCodeNotString {
                field,
                value,
                value_set,
            } => format!("{field}: {value} is not a text code of value set {value_set}"),
            Error::ValueSetDeprecatedCode {
                field,
                code,
                value_set,
            } => format!("{field}: {code:?} is marked inactive in value set {value_set}"),
            Error::ValueSetUnavailable { field, value_set } => {
                format!("{field}: value set {value_set} is not loaded")
            }
            Error::ValueSetsNotLoaded => "no value sets loaded".into(),
            Error::Implausible {
                field,
                value,
                expected,
                ..
            } => match expected {
                Some(x) => format!("{field} is {value:?}, expected {x:?}"),
                None => format!("{field} is {value:?}"),
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_upper_snake_case() {
        let samples = [
            Error::CertificateInvalid {
                kind: CertificateErrorKind::Malformed,
                reason: String::new(),
            },
            Error::CertificateInvalid {
                kind: CertificateErrorKind::NonCanonical,
                reason: String::new(),
            },
            Error::CertificateInvalid {
                kind: CertificateErrorKind::TrailingData,
                reason: String::new(),
            },
            Error::CertificateInvalid {
                kind: CertificateErrorKind::DuplicateExtension,
                reason: String::new(),
            },
            Error::CertificateInvalid {
                kind: CertificateErrorKind::UnknownCriticalExtension,
                reason: String::new(),
            },
            Error::CertificateInvalid {
                kind: CertificateErrorKind::KidMismatch,
                reason: String::new(),
            },
            Error::SignatureInvalid,
            Error::Expired { exp: 0 },
        ];
        let codes: Vec<&str> = samples.iter().map(Error::code).collect();
        for (i, c) in codes.iter().enumerate() {
            assert!(
                c.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{c}"
            );
            assert!(!codes[..i].contains(c), "{c} twice");
        }
        assert_eq!(samples[0].stage(), Stage::Trust);
    }
}
