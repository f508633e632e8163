//! docs/reconcile.md §Matching: a record's fields as the join and the comparison read them.
//! A leaf: the reader (`input`), the registry, the classifier and the generator all use it.

use vaxpass_issuer::records::Record;

/// The identity number as the join key: spaces, dots and dashes removed, upper case.
pub(crate) fn id_key(id: &str) -> String {
    id.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// The record's full name as written (family, middle, given).
pub(crate) fn full_name(r: &Record) -> String {
    [&r.family_name, &r.middle_name, &r.given_name]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
