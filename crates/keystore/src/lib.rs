//! The issuer's key store and its revocation logs: the country signing CA, the document
//! signers and the trust-list signer (private keys mode 0600, never under a published or
//! served directory), plus the append-only logs of revoked certificates and signers.
//!
//! The HTTP server does not depend on this crate: nothing that serves files can reach a key.

#![forbid(unsafe_code)]

mod keys;
mod revoke;

pub use keys::*;
pub use revoke::*;
