//! Stage 1 of docs/reconcile.md §Plan for the records: reads the `vaxpass issue` input
//! (docs/records.md) with `vaxpass_issuer::records`, settles what needs no registry
//! (unreadable lines, missing or ill-formed IDs) and writes the rest, normalised, to
//! `records.arrow` for the join.
//!
//! Bounds: one record at a time plus one Arrow batch; the truncation check reads at most the
//! last record's bytes, capped at [`LAST_RECORD_CAP`].

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::Path;

use unicode_normalization::UnicodeNormalization as _;
use vaxpass_issuer::nid::{self, IdProblem};
use vaxpass_issuer::records::{Format, Item, Record, RecordReader};

use crate::classify::{Outcome, Sink};
use crate::encoding;
use crate::error::{Error, Result};
use crate::fields::{full_name, id_key};
use crate::table::{TableWriter, RECORDS};
use crate::tolerance::{Class, Reason};

/// Most bytes of the last record read back to tell a truncated file.
const LAST_RECORD_CAP: u64 = 1 << 20;

/// The fingerprint `verified.jsonl` carries, in lower-case hex: [`Record::fingerprint`]
/// (the issuer's, so that `vaxpass issue --only-verified` computes the very same).
pub fn fingerprint(r: &Record) -> String {
    r.fingerprint().iter().map(|b| format!("{b:02x}")).collect()
}

/// The site a record's worklist row goes to: the first dose's (lowest dose number) site,
/// NFC with spaces collapsed; empty when no dose names one.
#[cfg(test)]
pub(crate) fn record_site(r: &Record) -> String {
    normalize_site(raw_site(r))
}

/// The site as written.
fn raw_site(r: &Record) -> &str {
    let mut best: Option<(u32, &str)> = None;
    for d in &r.doses {
        if d.site.trim().is_empty() {
            continue;
        }
        let n = d.dose.trim().parse::<u32>().unwrap_or(u32::MAX);
        if best.is_none_or(|(b, _)| n < b) {
            best = Some((n, &d.site));
        }
    }
    best.map(|(_, s)| s).unwrap_or("")
}

/// NFC, trimmed, inner whitespace collapsed.
pub(crate) fn normalize_site(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What stage 1 counted.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct RecordsRead {
    /// Every input record.
    pub(crate) total: u64,
    /// Those written for the join.
    pub(crate) joined: u64,
}

/// SHA-256 of a file, hex: the issuer's own digest, so that `issue --only-verified` compares
/// like with like.
pub(crate) fn sha256_file(path: &Path) -> Result<String> {
    vaxpass_issuer::records::file_sha256(path)
        .map(|(hex, _)| hex)
        .map_err(|e| Error::io(path, e))
}

/// Whether the CSV file ends inside its last record: no final newline and fewer fields than
/// the header.
fn csv_last_truncated(path: &Path, start: u64, len: u64, header_fields: usize) -> Result<bool> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut last = [0u8; 1];
    if len == 0 {
        return Ok(false);
    }
    f.seek(SeekFrom::Start(len - 1))
        .map_err(|e| Error::io(path, e))?;
    f.read_exact(&mut last).map_err(|e| Error::io(path, e))?;
    if last[0] == b'\n' {
        return Ok(false);
    }
    let from = start.max(len.saturating_sub(LAST_RECORD_CAP));
    f.seek(SeekFrom::Start(from))
        .map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    f.take(LAST_RECORD_CAP)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut rec = csv::ByteRecord::new();
    Ok(match r.read_byte_record(&mut rec) {
        Ok(true) => rec.len() < header_fields,
        _ => true,
    })
}

fn csv_header_fields(path: &Path) -> Result<usize> {
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(f);
    let mut rec = csv::ByteRecord::new();
    match r.read_byte_record(&mut rec) {
        Ok(_) => Ok(rec.len()),
        Err(e) => Err(Error::RecordsHeader(e.to_string())),
    }
}

/// Reads every record: the unreadable and those without a usable ID go straight to `sink`,
/// the others to `records.arrow` at `out`.
pub(crate) fn read_records(path: &Path, out: &Path, sink: &mut Sink) -> Result<RecordsRead> {
    let format = Format::from_path(path);
    let len = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    let header_fields = match format {
        Format::Csv => csv_header_fields(path)?,
        Format::JsonLines => 0,
    };
    let mut reader = RecordReader::open(path, format).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData => Error::RecordsHeader(e.to_string()),
        _ => Error::io(path, e),
    })?;
    let mut start = reader.position().byte;
    let mut w = TableWriter::create(out, RECORDS)?;
    let mut read = RecordsRead::default();
    // Sites repeat from record to record: normalise each distinct spelling once in a row.
    let (mut last_raw, mut last_site) = (String::new(), String::new());
    while let Some(entry) = reader.next_entry() {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        read.total += 1;
        let is_last = entry.next.byte >= len;
        let this_start = start;
        start = entry.next.byte;
        let truncated = is_last
            && match format {
                Format::Csv => csv_last_truncated(path, this_start, len, header_fields)?,
                Format::JsonLines => {
                    matches!(entry.item, Item::Malformed { .. }) && !ends_with_newline(path, len)?
                }
            };
        let r = match entry.item {
            Item::Malformed { record_id, reason } => {
                let lower = reason.to_ascii_lowercase();
                let why = if truncated {
                    Reason::Truncated
                } else if lower.contains("utf-8") || lower.contains("utf8") {
                    Reason::EncodingInvalidUtf8
                } else {
                    Reason::MalformedRecord
                };
                let rec = Record {
                    record_id: record_id.unwrap_or_default(),
                    ..Record::default()
                };
                sink.bypass(
                    &rec,
                    entry.index,
                    entry.line,
                    "",
                    Outcome::simple(Class::Malformed, why),
                )?;
                continue;
            }
            Item::Record(r) => r,
        };
        let raw = raw_site(&r);
        if raw != last_raw {
            last_raw = raw.to_string();
            last_site = normalize_site(raw);
        }
        let site = last_site.clone();
        if truncated {
            sink.bypass(
                &r,
                entry.index,
                entry.line,
                &site,
                Outcome::simple(Class::Malformed, Reason::Truncated),
            )?;
            continue;
        }
        if let Some(why) = encoding::check(&full_name(&r)) {
            sink.bypass(
                &r,
                entry.index,
                entry.line,
                &site,
                Outcome::simple(Class::Malformed, why),
            )?;
            continue;
        }
        let key = id_key(&r.national_id);
        let problem = match nid::check(&key, None, None) {
            Ok(_) => None,
            Err(IdProblem::Missing) => Some((Class::NoId, Reason::IdMissing)),
            Err(IdProblem::Province) => Some((Class::IdFormat, Reason::IdProvince)),
            Err(_) => Some((Class::IdFormat, Reason::IdFormat)),
        };
        if let Some((class, why)) = problem {
            sink.bypass(
                &r,
                entry.index,
                entry.line,
                &site,
                Outcome::simple(class, why),
            )?;
            continue;
        }
        let fp = fingerprint(&r);
        w.push(
            &[entry.index, entry.line],
            &[
                &key,
                &r.record_id,
                &r.family_name,
                &r.middle_name,
                &r.given_name,
                &r.dob,
                &r.sex,
                &site,
                &fp,
                &r.national_id,
            ],
        )?;
        read.joined += 1;
    }
    w.finish()?;
    Ok(read)
}

fn ends_with_newline(path: &Path, len: u64) -> Result<bool> {
    if len == 0 {
        return Ok(true);
    }
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    f.seek(SeekFrom::Start(len - 1))
        .map_err(|e| Error::io(path, e))?;
    let mut b = [0u8; 1];
    f.read_exact(&mut b).map_err(|e| Error::io(path, e))?;
    Ok(b[0] == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaxpass_issuer::records::Dose;

    #[test]
    fn keys_sites_and_fingerprints() {
        assert_eq!(id_key(" 079 185-012.345 "), "079185012345");
        assert_eq!(id_key("c1234567"), "C1234567");
        let mut r = Record {
            record_id: "P1".into(),
            family_name: "Nguyễn".into(),
            doses: vec![
                Dose {
                    dose: "2".into(),
                    site: "B".into(),
                    ..Dose::default()
                },
                Dose {
                    dose: "1".into(),
                    site: "  Trạm  Y tế ".into(),
                    ..Dose::default()
                },
            ],
            ..Record::default()
        };
        assert_eq!(record_site(&r), "Trạm Y tế");
        let a = fingerprint(&r);
        assert_eq!(a.len(), 32);
        r.family_name = "Nguyen".into();
        assert_ne!(fingerprint(&r), a);
    }
}
