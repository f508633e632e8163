//! `vaxpass issue --only-verified DIR` (docs/reconcile.md §verified.jsonl): only the records a
//! reconciliation run found in the population registry as recorded are issued.
//!
//! `DIR/verified.jsonl` lists record numbers in increasing order with each record's
//! fingerprint ([`Record::fingerprint`]); it is merged with the input as the reader goes, so
//! memory stays constant whatever the number of verified people (no set of 51 million ids).
//! `DIR/summary.json` names the SHA-256 of the records file that was reconciled: another input
//! is refused before anything is issued.

use std::fs::File;
use std::io::{BufRead as _, BufReader, Lines};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use serde::Deserialize;

use crate::records::Record;

/// Longest line accepted in `verified.jsonl` (a line is about 80 bytes).
const MAX_LINE: usize = 4096;

/// What reconciliation said about one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Listed, and its identity fields are as they were reconciled.
    Verified,
    /// Not listed: the registry did not confirm the person.
    NotVerified,
    /// Listed, but its identity fields changed since.
    Changed,
}

#[derive(Deserialize)]
struct Line {
    index: u64,
    fp: String,
}

#[derive(Deserialize)]
struct Summary {
    input: SummaryInput,
}

#[derive(Deserialize)]
struct SummaryInput {
    records_sha256: String,
}

/// The verified records of one reconciliation run, read in step with the input.
pub struct VerifiedList {
    path: PathBuf,
    lines: Lines<BufReader<File>>,
    line: u64,
    /// The next listed record at or after the reader's position.
    next: Option<(u64, [u8; 16])>,
}

impl VerifiedList {
    /// Opens `dir` (a `vaxpass reconcile --out` directory) for an input whose SHA-256 is
    /// `input_sha256`.
    pub fn open(dir: &Path, input_sha256: &str) -> Result<VerifiedList> {
        let summary_path = dir.join("summary.json");
        let summary: Summary = serde_json::from_slice(
            &std::fs::read(&summary_path)
                .with_context(|| format!("--only-verified: reading {}", summary_path.display()))?,
        )
        .with_context(|| {
            format!(
                "--only-verified: {} is not a reconciliation summary",
                summary_path.display()
            )
        })?;
        if summary.input.records_sha256 != input_sha256 {
            bail!(
                "--only-verified: {} reconciled another records file (SHA-256 {}, this input has {}): \
                 reconcile this file first",
                dir.display(),
                summary.input.records_sha256,
                input_sha256
            );
        }
        let path = dir.join("verified.jsonl");
        let file = File::open(&path)
            .with_context(|| format!("--only-verified: opening {}", path.display()))?;
        let mut list = VerifiedList {
            path,
            lines: BufReader::with_capacity(1 << 16, file).lines(),
            line: 0,
            next: None,
        };
        list.advance(None)?;
        Ok(list)
    }

    /// Reads the next listed record, which must come after `after`.
    fn advance(&mut self, after: Option<u64>) -> Result<()> {
        self.next = None;
        let Some(text) = self.lines.next() else {
            return Ok(());
        };
        self.line += 1;
        let where_ = || format!("{} line {}", self.path.display(), self.line);
        let text = text.with_context(where_)?;
        if text.len() > MAX_LINE {
            bail!("{}: line too long", where_());
        }
        let l: Line = serde_json::from_str(&text).with_context(where_)?;
        if after.is_some_and(|a| l.index <= a) {
            bail!(
                "{}: record numbers must increase (the file is not what reconcile wrote)",
                where_()
            );
        }
        let mut fp = [0u8; 16];
        if l.fp.len() != 32 || base16ct::lower::decode(&l.fp, &mut fp).is_err() {
            bail!("{}: fp is not 32 lower-case hex digits", where_());
        }
        self.next = Some((l.index, fp));
        Ok(())
    }

    /// What the list says about the record numbered `index` (`None` for a line that is not a
    /// record). Calls come in increasing `index` order, as the reader returns records.
    pub fn gate(&mut self, index: u64, record: Option<&Record>) -> Result<Gate> {
        while let Some((listed, _)) = self.next {
            if listed >= index {
                break;
            }
            self.advance(Some(listed))?;
        }
        match (self.next, record) {
            (Some((listed, fp)), Some(r)) if listed == index => Ok(if r.fingerprint() == fp {
                Gate::Verified
            } else {
                Gate::Changed
            }),
            (Some((listed, _)), None) if listed == index => Ok(Gate::Changed),
            _ => Ok(Gate::NotVerified),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, name: &str) -> Record {
        Record {
            record_id: id.into(),
            family_name: name.into(),
            ..Record::default()
        }
    }

    fn hex(fp: [u8; 16]) -> String {
        base16ct::lower::encode_string(&fp)
    }

    fn dir_with(lines: &[String], sha: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "vaxpass-verified-{}-{}",
            std::process::id(),
            lines.len()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("summary.json"),
            format!(r#"{{"input": {{"records_sha256": "{sha}"}}}}"#),
        )
        .unwrap();
        std::fs::write(d.join("verified.jsonl"), lines.join("\n") + "\n").unwrap();
        d
    }

    #[test]
    fn listed_unchanged_records_pass_and_others_do_not() {
        let a = record("a", "Nguyễn");
        let c = record("c", "Trần");
        let lines = [
            format!(
                r#"{{"index": 0, "record_id": "a", "fp": "{}"}}"#,
                hex(a.fingerprint())
            ),
            format!(
                r#"{{"index": 2, "record_id": "c", "fp": "{}"}}"#,
                hex(c.fingerprint())
            ),
        ];
        let d = dir_with(&lines, "abc");
        let mut list = VerifiedList::open(&d, "abc").unwrap();
        assert_eq!(list.gate(0, Some(&a)).unwrap(), Gate::Verified);
        assert_eq!(
            list.gate(1, Some(&record("b", "Lê"))).unwrap(),
            Gate::NotVerified
        );
        // Index 2 is listed, but the name was edited after reconciliation.
        assert_eq!(
            list.gate(2, Some(&record("c", "Trần Văn"))).unwrap(),
            Gate::Changed
        );
        assert_eq!(list.gate(3, Some(&a)).unwrap(), Gate::NotVerified);
        // Another input is refused outright.
        let err = VerifiedList::open(&d, "def").err().unwrap().to_string();
        assert!(err.contains("reconciled another records file"), "{err}");
    }

    #[test]
    fn a_list_out_of_order_or_damaged_is_an_error() {
        let a = record("a", "Nguyễn");
        let fp = hex(a.fingerprint());
        let d = dir_with(
            &[
                format!(r#"{{"index": 5, "fp": "{fp}"}}"#),
                format!(r#"{{"index": 3, "fp": "{fp}"}}"#),
            ],
            "x",
        );
        let mut list = VerifiedList::open(&d, "x").unwrap();
        let err = list.gate(6, Some(&a)).err().unwrap().to_string();
        assert!(err.contains("must increase"), "{err}");
        let d = dir_with(&[r#"{"index": 0, "fp": "zz"}"#.to_string()], "x");
        let err = VerifiedList::open(&d, "x").err().unwrap().to_string();
        assert!(err.contains("fp is not"), "{err}");
    }
}
