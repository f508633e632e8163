//! The cryptography seam: COSE algorithms ES256 and PS256 (hcert_spec §3.3.2) behind one
//! small trait, so the browser build links pure Rust and native builds link AWS-LC.
//!
//! Everything HCERT-specific (which key may make which signature, signature lengths) is
//! decided in `policy`, once, before a backend is called; backends only do the arithmetic.
//! The same test-suite runs against every backend compiled in ([`backends`]).

#[cfg(feature = "aws-lc")]
mod awslc;
pub(crate) mod backend;
pub(crate) mod ecdsa_der;
pub(crate) mod policy;
#[cfg(feature = "rustcrypto-ec")]
mod rustcrypto;

#[cfg(feature = "aws-lc")]
pub use awslc::AwsLc;
pub use backend::{Backend, NoCrypto, VerifyingKey};
#[cfg(feature = "sign")]
pub use backend::{KeyFactory, SigningKey};
pub use policy::{check_key_and_signature, RSA_BITS};
#[cfg(feature = "rustcrypto-ec")]
pub use rustcrypto::RustCrypto;

/// The backend a build should use by default: AWS-LC when compiled in, else pure Rust.
pub fn default_backend() -> &'static dyn Backend {
    #[cfg(feature = "aws-lc")]
    {
        &AwsLc
    }
    #[cfg(all(not(feature = "aws-lc"), feature = "rustcrypto-ec"))]
    {
        &RustCrypto
    }
    #[cfg(all(not(feature = "aws-lc"), not(feature = "rustcrypto-ec")))]
    {
        &NoCrypto
    }
}

/// Every backend compiled in, for tests and benchmarks that must hold for all of them.
pub fn backends() -> Vec<&'static dyn Backend> {
    vec![
        #[cfg(feature = "rustcrypto-ec")]
        &RustCrypto,
        #[cfg(feature = "aws-lc")]
        &AwsLc,
    ]
}

/// Every key factory compiled in (issuing only).
#[cfg(feature = "sign")]
pub fn key_factories() -> Vec<&'static dyn KeyFactory> {
    vec![
        #[cfg(feature = "rustcrypto")]
        &RustCrypto,
        #[cfg(feature = "aws-lc")]
        &AwsLc,
    ]
}

/// The fastest key factory compiled in (issuing only).
#[cfg(all(feature = "sign", any(feature = "aws-lc", feature = "rustcrypto")))]
pub fn default_key_factory() -> &'static dyn KeyFactory {
    #[cfg(feature = "aws-lc")]
    {
        &AwsLc
    }
    #[cfg(not(feature = "aws-lc"))]
    {
        &RustCrypto
    }
}
