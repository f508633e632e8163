//! Vaccination records as the national platform exports them: CSV or JSON Lines
//! (format documented in `docs/records.md`), read as a stream with byte offsets so a run
//! can resume exactly where it stopped.

use std::fs::File;
use std::io::{self, BufRead as _, BufReader, Seek as _, SeekFrom};
use std::path::Path;

use serde::Deserialize;

/// Most doses a CSV row carries (`dose1_*` … `dose6_*`).
pub const CSV_MAX_DOSES: usize = 6;

/// One dose as the site recorded it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Dose {
    /// Dose number as written (CSV: from the column group; JSON: `dose`).
    #[serde(default, deserialize_with = "number_or_text")]
    pub dose: String,
    /// Vaccine name as written ("AstraZeneca", "Vero Cell" …).
    #[serde(default)]
    pub vaccine: String,
    /// Date of vaccination as written (`2021-09-15`, `15/09/2021`).
    #[serde(default)]
    pub date: String,
    /// Vaccination site.
    #[serde(default)]
    pub site: String,
}

fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// One person's record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Record {
    /// The platform's record identifier.
    #[serde(default, deserialize_with = "number_or_text")]
    pub record_id: String,
    /// Họ.
    #[serde(default)]
    pub family_name: String,
    /// Tên đệm.
    #[serde(default)]
    pub middle_name: String,
    /// Tên.
    #[serde(default)]
    pub given_name: String,
    /// Date of birth, full or partial.
    #[serde(default, deserialize_with = "number_or_text")]
    pub dob: String,
    /// `M`/`F` (also `Nam`/`Nữ`).
    #[serde(default)]
    pub sex: String,
    /// CCCD, CMND or passport number.
    #[serde(default, deserialize_with = "number_or_text")]
    pub national_id: String,
    /// Doses in any order.
    #[serde(default)]
    pub doses: Vec<Dose>,
}

impl Record {
    /// The record's fingerprint as `vaxpass reconcile` writes it into `verified.jsonl`
    /// (docs/reconcile.md): the first 16 bytes of SHA-256 over the identity fields exactly as
    /// the reader returns them, joined by U+001F. `vaxpass issue --only-verified` recomputes
    /// it, so that a record changed since it was reconciled is not issued.
    pub fn fingerprint(&self) -> [u8; 16] {
        use sha2::{Digest as _, Sha256};
        let mut h = Sha256::new();
        let fields = [
            &self.record_id,
            &self.family_name,
            &self.middle_name,
            &self.given_name,
            &self.dob,
            &self.sex,
            &self.national_id,
        ];
        for (i, f) in fields.into_iter().enumerate() {
            if i > 0 {
                h.update([0x1f]);
            }
            h.update(f.as_bytes());
        }
        let mut out = [0u8; 16];
        out.copy_from_slice(&h.finalize()[..16]);
        out
    }
}

/// What one input record turned into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A parsed record (not yet checked).
    Record(Record),
    /// A record that could not be parsed at all.
    Malformed {
        /// Its identifier, when it could be read.
        record_id: Option<String>,
        /// What is wrong.
        reason: String,
    },
}

/// A record with its place in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 0-based record number.
    pub index: u64,
    /// 1-based line where the record starts.
    pub line: u64,
    /// Where the next record starts.
    pub next: Position,
    /// The record.
    pub item: Item,
}

/// Where a reader stands: enough to continue from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Position {
    /// Byte offset of the next record.
    pub byte: u64,
    /// Its line.
    pub line: u64,
    /// Its 0-based record number.
    pub index: u64,
}

/// Input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated with a header row.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl Format {
    /// By file name: `.jsonl`/`.ndjson`/`.json` → JSON Lines, anything else CSV.
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            _ => Format::Csv,
        }
    }
}

struct CsvColumns {
    record_id: Option<usize>,
    family_name: Option<usize>,
    middle_name: Option<usize>,
    given_name: Option<usize>,
    dob: Option<usize>,
    sex: Option<usize>,
    national_id: Option<usize>,
    doses: Vec<DoseColumns>,
}

/// Dose number and the columns of its vaccine, date and site.
type DoseColumns = (usize, Option<usize>, Option<usize>, Option<usize>);

enum Inner {
    Csv {
        reader: Box<csv::Reader<File>>,
        columns: CsvColumns,
        record: csv::StringRecord,
    },
    Json {
        reader: BufReader<File>,
        buf: Vec<u8>,
    },
}

/// Streams records from a file.
pub struct RecordReader {
    inner: Inner,
    position: Position,
}

fn strip_bom(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

impl RecordReader {
    /// Opens a file; for CSV reads the header row.
    pub fn open(path: &Path, format: Format) -> io::Result<RecordReader> {
        let file = File::open(path)?;
        match format {
            Format::Csv => {
                // Fields are trimmed (Unicode whitespace) as they are copied out, in
                // `next_entry`: csv's Trim::All rebuilds every record twice to trim it (once
                // for ASCII, once for Unicode whitespace), two allocations and copies a record.
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(true)
                    .trim(csv::Trim::Headers)
                    .buffer_capacity(1 << 16)
                    .from_reader(file);
                let headers = reader.headers().map_err(io::Error::other)?.clone();
                let find = |name: &str| {
                    headers
                        .iter()
                        .position(|h| strip_bom(h).eq_ignore_ascii_case(name))
                };
                let doses = (1..=CSV_MAX_DOSES)
                    .map(|n| {
                        (
                            n,
                            find(&format!("dose{n}_vaccine")),
                            find(&format!("dose{n}_date")),
                            find(&format!("dose{n}_site")),
                        )
                    })
                    .filter(|(_, v, d, _)| v.is_some() || d.is_some())
                    .collect();
                let columns = CsvColumns {
                    record_id: find("record_id"),
                    family_name: find("family_name"),
                    middle_name: find("middle_name"),
                    given_name: find("given_name"),
                    dob: find("dob"),
                    sex: find("sex"),
                    national_id: find("national_id"),
                    doses,
                };
                if columns.record_id.is_none() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "CSV header has no record_id column (see docs/records.md)",
                    ));
                }
                let pos = reader.position();
                let position = Position {
                    byte: pos.byte(),
                    line: pos.line(),
                    index: 0,
                };
                Ok(RecordReader {
                    inner: Inner::Csv {
                        reader: Box::new(reader),
                        columns,
                        record: csv::StringRecord::new(),
                    },
                    position,
                })
            }
            Format::JsonLines => Ok(RecordReader {
                inner: Inner::Json {
                    reader: BufReader::with_capacity(1 << 16, file),
                    buf: Vec::new(),
                },
                position: Position {
                    byte: 0,
                    line: 1,
                    index: 0,
                },
            }),
        }
    }

    /// Where the next record starts.
    pub fn position(&self) -> Position {
        self.position
    }

    /// Continues from a position returned by [`RecordReader::position`] in an earlier run.
    pub fn seek(&mut self, to: Position) -> io::Result<()> {
        match &mut self.inner {
            Inner::Csv { reader, .. } => {
                let mut p = csv::Position::new();
                p.set_byte(to.byte)
                    .set_line(to.line)
                    .set_record(to.index + 1);
                reader.seek(p).map_err(io::Error::other)?;
            }
            Inner::Json { reader, .. } => {
                reader.seek(SeekFrom::Start(to.byte))?;
            }
        }
        self.position = to;
        Ok(())
    }

    /// The next record, or `None` at the end of the input.
    pub fn next_entry(&mut self) -> Option<io::Result<Entry>> {
        match &mut self.inner {
            Inner::Csv {
                reader,
                columns,
                record,
            } => {
                let line = self.position.line;
                let result = reader.read_record(record);
                let pos = reader.position();
                let index = self.position.index;
                self.position = Position {
                    byte: pos.byte(),
                    line: pos.line(),
                    index: index + 1,
                };
                let item = match result {
                    Ok(false) => return None,
                    Ok(true) => {
                        let get = |i: Option<usize>| {
                            i.and_then(|i| record.get(i))
                                .unwrap_or("")
                                .trim()
                                .to_string()
                        };
                        let doses = columns
                            .doses
                            .iter()
                            .map(|&(n, v, d, s)| Dose {
                                dose: n.to_string(),
                                vaccine: get(v),
                                date: get(d),
                                site: get(s),
                            })
                            .filter(|d| !d.vaccine.is_empty() || !d.date.is_empty())
                            .collect();
                        Item::Record(Record {
                            record_id: get(columns.record_id),
                            family_name: get(columns.family_name),
                            middle_name: get(columns.middle_name),
                            given_name: get(columns.given_name),
                            dob: get(columns.dob),
                            sex: get(columns.sex),
                            national_id: get(columns.national_id),
                            doses,
                        })
                    }
                    Err(e) => match e.kind() {
                        csv::ErrorKind::Io(_) => return Some(Err(io::Error::other(e))),
                        _ => Item::Malformed {
                            record_id: None,
                            reason: format!("not a CSV record: {e}"),
                        },
                    },
                };
                Some(Ok(Entry {
                    index,
                    line,
                    next: self.position,
                    item,
                }))
            }
            Inner::Json { reader, buf } => loop {
                buf.clear();
                let n = match reader.read_until(b'\n', buf) {
                    Ok(0) => return None,
                    Ok(n) => n,
                    Err(e) => return Some(Err(e)),
                };
                let line = self.position.line;
                let index = self.position.index;
                self.position.byte += n as u64;
                self.position.line += 1;
                let text = String::from_utf8_lossy(buf);
                let text = strip_bom(text.trim());
                if text.is_empty() {
                    continue;
                }
                self.position.index += 1;
                let item = match serde_json::from_str::<Record>(text) {
                    Ok(r) => Item::Record(r),
                    Err(e) => Item::Malformed {
                        record_id: serde_json::from_str::<serde_json::Value>(text)
                            .ok()
                            .and_then(|v| {
                                v.get("record_id").map(|r| match r {
                                    serde_json::Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                })
                            }),
                        reason: format!("not a JSON record: {e}"),
                    },
                };
                return Some(Ok(Entry {
                    index,
                    line,
                    next: self.position,
                    item,
                }));
            },
        }
    }
}

/// The CSV header line this module reads and `gen-records` writes.
pub fn csv_header() -> String {
    let mut cols = vec![
        "record_id".to_string(),
        "family_name".into(),
        "middle_name".into(),
        "given_name".into(),
        "dob".into(),
        "sex".into(),
        "national_id".into(),
    ];
    for n in 1..=4 {
        for f in ["vaccine", "date", "site"] {
            cols.push(format!("dose{n}_{f}"));
        }
    }
    cols.join(",")
}

/// SHA-256 of a whole file in lower-case hex, and its size: what identifies an input file
/// (`issue --resume` refuses a changed one; `reconcile` names it in its summary, and
/// `issue --only-verified` compares the two).
pub fn file_sha256(path: &Path) -> io::Result<(String, u64)> {
    use sha2::{Digest as _, Sha256};
    use std::io::Read as _;
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(buf.get(..n).unwrap_or_default());
    }
    Ok((base16ct::lower::encode_string(&h.finalize()), size))
}

/// A record as a CSV row under [`csv_header`]: each dose in the column group of its number
/// (a dose without a usable number in that of its position; at most four).
pub fn csv_row(r: &Record) -> Vec<String> {
    let mut row = vec![
        r.record_id.clone(),
        r.family_name.clone(),
        r.middle_name.clone(),
        r.given_name.clone(),
        r.dob.clone(),
        r.sex.clone(),
        r.national_id.clone(),
    ];
    let mut groups: Vec<[String; 3]> = vec![Default::default(); 4];
    for (k, d) in r.doses.iter().enumerate() {
        let n = d
            .dose
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .unwrap_or(k);
        if let Some(g) = groups.get_mut(n) {
            *g = [d.vaccine.clone(), d.date.clone(), d.site.clone()];
        }
    }
    row.extend(groups.into_iter().flatten());
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, content: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("vaxpass-records-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    #[test]
    fn csv_records_positions_and_resume() {
        let csv = format!(
            "\u{feff}{}\n1,Nguyễn,Văn,An,1985-04-30,M,001085012345,AstraZeneca,2021-07-01,\"Trạm Y tế, phường 1\",Pfizer,2021-09-01,TYT\n\"2\",Trần,\"Thị\nÁnh\",Tuyết,1990,F,C1234567,Moderna,01/08/2021,BV\n3,bad\n",
            csv_header()
        );
        let p = write("r.csv", &csv);
        let mut r = RecordReader::open(&p, Format::Csv).unwrap();
        let a = r.next_entry().unwrap().unwrap();
        assert_eq!((a.index, a.line), (0, 2));
        let Item::Record(rec) = &a.item else { panic!() };
        assert_eq!(rec.family_name, "Nguyễn");
        assert_eq!(rec.doses.len(), 2);
        assert_eq!(rec.doses[0].site, "Trạm Y tế, phường 1");
        assert_eq!(rec.doses[1].dose, "2");
        let after_first = r.position();
        let b = r.next_entry().unwrap().unwrap();
        let Item::Record(rec) = &b.item else { panic!() };
        assert_eq!(rec.middle_name, "Thị\nÁnh", "quoted newline");
        assert_eq!(b.line, 3);
        let c = r.next_entry().unwrap().unwrap();
        let Item::Record(rec) = &c.item else { panic!() };
        assert_eq!(rec.family_name, "bad");
        assert_eq!(c.line, 5);
        assert!(r.next_entry().is_none());
        // Resume from after the first record: the same second record comes out.
        let mut r2 = RecordReader::open(&p, Format::Csv).unwrap();
        r2.seek(after_first).unwrap();
        assert_eq!(r2.next_entry().unwrap().unwrap(), b);
    }

    #[test]
    fn json_lines_records_and_malformed_lines() {
        let p = write(
            "r.jsonl",
            "{\"record_id\": 7, \"family_name\": \"Lê\", \"doses\": [{\"dose\": 1, \"vaccine\": \"Vero Cell\", \"date\": \"2021-08-01\"}]}\n\n{\"record_id\": \"8\", broken\n{\"record_id\": \"9\"}\n",
        );
        let mut r = RecordReader::open(&p, Format::JsonLines).unwrap();
        let a = r.next_entry().unwrap().unwrap();
        let Item::Record(rec) = &a.item else { panic!() };
        assert_eq!(rec.record_id, "7");
        assert_eq!(rec.doses[0].dose, "1");
        let b = r.next_entry().unwrap().unwrap();
        assert_eq!((b.index, b.line), (1, 3));
        assert!(matches!(b.item, Item::Malformed { .. }));
        let mid = r.position();
        let c = r.next_entry().unwrap().unwrap();
        assert_eq!((c.index, c.line), (2, 4));
        let mut r2 = RecordReader::open(&p, Format::JsonLines).unwrap();
        r2.seek(mid).unwrap();
        assert_eq!(r2.next_entry().unwrap().unwrap(), c);
        assert!(r.next_entry().is_none());
    }
}
