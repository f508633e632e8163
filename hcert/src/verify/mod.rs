//! Verifying a decoded certificate (hcert_spec §3.3, §5; HCERT.md §2.4): who signed it
//! (`trust`, `x509`, `crypto`), whether it is current and within its signer's validity, what
//! the signer may sign, its schema (`schema`), its codes against the value sets in force, and
//! the verdict that lists every check (`verdict`).

pub(crate) mod crypto;
pub(crate) mod schema;
pub(crate) mod trust;
pub(crate) mod verdict;
pub(crate) mod x509;

#[cfg(all(feature = "sign", any(feature = "aws-lc", feature = "rustcrypto")))]
pub use crypto::default_key_factory;
#[cfg(feature = "aws-lc")]
pub use crypto::AwsLc;
#[cfg(feature = "rustcrypto-ec")]
pub use crypto::RustCrypto;
pub use crypto::{
    backends, check_key_and_signature, default_backend, Backend, NoCrypto, VerifyingKey, RSA_BITS,
};
#[cfg(feature = "sign")]
pub use crypto::{key_factories, KeyFactory, SigningKey};
pub use schema::{
    validate as validate_schema, validate_all as validate_schema_all,
    validate_with as validate_schema_with, SchemaVersion, Violation as SchemaViolation,
};
pub use trust::{
    parse_gateway_json, Added, GatewayEntry, GatewayList, RefusedEntry, SignerEntry, TrustStore,
    TrustedSigner,
};
pub use verdict::{
    check_key_usage, check_signature, check_signer_validity, check_validity, check_value_sets,
    signature_checks, verify, verify_as_of, verify_decoded, verify_decoded_as_of,
    verify_decoded_with, Check, CheckId, Outcome, SignatureCheck, SignerSummary, Status, Verdict,
};
pub use x509::{
    kid_of, pem_certificates, to_pem, Certificate, DistinguishedName, KeyKind, PublicKeyInfo,
};
