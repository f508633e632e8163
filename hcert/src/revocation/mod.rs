//! Revocation (HCERT.md §5): the EU revocation hashes of a certificate (`hash`), why it was
//! revoked (`reason`), the binary fuse filter the portal checks offline (`fuse`), the signed
//! manifest naming its slices (`manifest`) and the list a verdict consults (`list`).

pub(crate) mod fuse;
pub(crate) mod hash;
pub(crate) mod list;
pub(crate) mod manifest;
pub(crate) mod reason;

pub use fuse::{FuseFilter, Width as FilterWidth, MAX_FILTER_BYTES};
pub use hash::{
    country_uci_hash, filter_key, hash_of as revocation_hash, hashes as revocation_hashes,
    uci_hash, HashType as RevocationHashType,
};
pub use list::RevocationList;
pub use manifest::{
    is_slice_path as is_filter_slice_path, FilterManifest, Slice as FilterSlice, FILTER_MANIFEST,
    MAX_FALSE_POSITIVE_RATE,
};
pub use reason::Reason as RevocationReason;
