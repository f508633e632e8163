//! `hcert`: the EU Digital COVID Certificate (HCERT) codec and verifier.
//!
//! The pipeline of hcert_spec §3–§4, one folder per part, each a stage or a shared concern:
//!
//! ```text
//! decode/      "HC1:…" ─prefix─▶ ─base45─▶ ─zlib─▶ ─cose─▶ ─cwt─▶ ─payload─▶ Decoded
//! verify/      signature (crypto, trust, x509) · validity · key usage · schema ─▶ Verdict
//! revocation/  EU revocation hashes, the offline fuse filter, the list a verdict consults
//! lists/       signed static files: statement, verifier list, index, value sets, published tree
//! issue/       (feature `sign`) the chain backwards, X.509 building, UVCI check characters
//! qr           (feature `qr`) QR codes from grey pixels
//! ```
//!
//! Dependencies point one way: `error`, `time` and `certificate_type` are leaves; `decode`
//! uses only them; `revocation` uses `decode`; `verify` uses both; `lists` builds on `verify`.
//! Modules are private and the API is flattened here, as coset does.
//!
//! `hcert` does no I/O and reads no clock: callers pass the verification time in, so the
//! same code runs in the CLI, the server and the browser (wasm32). Cryptography sits behind
//! the small [`Backend`] seam (a pure-Rust backend for the browser, AWS-LC natively), and a
//! caller with asynchronous cryptography injects its answers ([`verify_decoded_with`]).
//! The library returns codes and data; people's languages live in the front ends.
//!
//! ```
//! let verdict = hcert::verify("HC1:not a cert", &hcert::TrustStore::new(), hcert::UnixTime(0));
//! assert_eq!(verdict.status(), hcert::Status::Invalid);
//! assert_eq!(verdict.reason().map(|e| e.code()), Some("BASE45_INVALID_CHAR"));
//! ```

#![forbid(unsafe_code)]

mod certificate_type;
mod decode;
mod error;
mod freshness;
#[cfg(feature = "sign")]
mod issue;
mod lists;
#[cfg(feature = "qr")]
mod qr;
mod revocation;
mod rules;
mod time;
mod verify;

pub use certificate_type::CertificateType;
pub use decode::*;
pub use error::{CertificateErrorKind, Error, PlausibilityKind, Result, Stage, TrustListErrorKind};
pub use freshness::CLOCK_SKEW;
#[cfg(feature = "sign")]
pub use issue::*;
pub use lists::*;
#[cfg(feature = "qr")]
pub use qr::{decode as decode_qr, LumaImage, Strategy as QrStrategy};
pub use revocation::*;
pub use rules::*;
pub use time::{days_in_month, Date, UnixTime};
pub use verify::*;

/// CBOR values as `ciborium` models them: what [`decode_claims`] hands out and
/// [`Issuer::issue_cbor`] takes.
pub use ciborium::Value as CborValue;
