//! The signed lists the portal verifies against: fetched from the static API, checked against
//! the trust anchor pinned at build time (by [`hcert::published`], shared with the CLI),
//! cached for offline use.

pub use hcert::published::*;
