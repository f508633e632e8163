//! The signed static files a verifier downloads (`docs/static-api.md`): each file's signed
//! `statement`, the `verifier` trust list, the `index` of a publication, the `valuesets`, and
//! a whole `published` tree checked against the pinned trust anchor.

pub(crate) mod index;
pub(crate) mod published;
pub(crate) mod statement;
pub(crate) mod valuesets;
pub(crate) mod verifier;

pub use index::{Index, IndexEntry};
pub use published::{
    anchor as pinned_anchor, load as load_lists, refresh_due, slice_paths as filter_slice_paths,
    Bundle, Lists, SignedFile, FILES as LIST_FILES, INDEX as INDEX_PATH,
    REVOCATION as REVOCATION_PATH, RULES as RULES_PATH, RULE_VALUE_SETS as RULE_VALUE_SETS_PATH,
    VALUE_SETS as VALUE_SETS_PATH, VERIFIER as VERIFIER_PATH,
};
#[cfg(feature = "sign")]
pub use statement::sign_file;
pub use statement::{
    check_sequence, signed_statement, verify_file, verify_file_signature, Statement, TrustAnchor,
};
pub use valuesets::{parse_value_sets, ValueSets};
pub use verifier::{VerifierEntry, VerifierList};
