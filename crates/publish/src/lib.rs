//! `vaxpass publish`: the static API as a signed, indexed, versioned tree of files
//! (`docs/static-api.md`). `tree` writes a version and switches `current` to it; `revocation`
//! adds the portal's filter slices and the partners' EU batches; `rules` the business rules
//! and value sets (checked before anything is written); `files` holds the durable
//! write and the house style. Reads the key store; the HTTP server never links this crate.

mod files;
pub mod revocation;
pub mod rules;
mod tree;

pub use files::precompress;
pub use tree::{
    publish, publish_report, value_sets_json, Options, Published, KEEP_VERSIONS, VALUE_SETS,
};
