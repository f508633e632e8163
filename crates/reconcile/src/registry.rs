//! Stage 1 of docs/reconcile.md §Plan for the registry extract (format: docs/registry.md):
//! reads CSV or JSON Lines line by line, keeps every entry with an ID for the join
//! (`registry.arrow`), marks entries whose text is not clean UTF-8 Vietnamese, and logs each
//! problem with its line in `registry_problems.jsonl` without stopping.
//!
//! Hand-written rather than the engine's CSV reader: that reader stops at the first bad line
//! and reports no line numbers; the extract is expected to have both.
//!
//! Bounds: a field longer than [`MAX_FIELD_BYTES`] or a JSON line longer than
//! [`MAX_LINE_BYTES`] makes that line malformed; the rest of a too-long JSON line is skipped
//! without being held in memory.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write as _};
use std::path::Path;

use crate::encoding;
use crate::error::{Error, Result};
use crate::fields::id_key;
use crate::table::{TableWriter, REGISTRY};

/// Longest accepted field.
pub(crate) const MAX_FIELD_BYTES: usize = 1024;
/// Longest accepted JSON line.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// A problem with one registry line (codes of docs/registry.md §Problems).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegistryProblem {
    /// Not a line of the documented format.
    MalformedLine,
    /// No ID.
    IdMissing,
    /// The same ID on an earlier line.
    DuplicateId,
    /// Bytes that are not UTF-8.
    EncodingInvalidUtf8,
    /// A name in VNI encoding.
    EncodingVni,
    /// A name decoded twice.
    EncodingMojibake,
    /// The file ends inside this line.
    Truncated,
}

impl RegistryProblem {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RegistryProblem::MalformedLine => "MALFORMED_LINE",
            RegistryProblem::IdMissing => "ID_MISSING",
            RegistryProblem::DuplicateId => "DUPLICATE_ID",
            RegistryProblem::EncodingInvalidUtf8 => "ENCODING_INVALID_UTF8",
            RegistryProblem::EncodingVni => "ENCODING_VNI",
            RegistryProblem::EncodingMojibake => "ENCODING_MOJIBAKE",
            RegistryProblem::Truncated => "TRUNCATED",
        }
    }

    /// Every problem, in report order.
    pub const ALL: [RegistryProblem; 7] = [
        RegistryProblem::MalformedLine,
        RegistryProblem::IdMissing,
        RegistryProblem::DuplicateId,
        RegistryProblem::EncodingInvalidUtf8,
        RegistryProblem::EncodingVni,
        RegistryProblem::EncodingMojibake,
        RegistryProblem::Truncated,
    ];

    fn from_reason(r: crate::tolerance::Reason) -> RegistryProblem {
        match r {
            crate::tolerance::Reason::EncodingVni => RegistryProblem::EncodingVni,
            crate::tolerance::Reason::EncodingMojibake => RegistryProblem::EncodingMojibake,
            _ => RegistryProblem::EncodingInvalidUtf8,
        }
    }
}

/// The registry problems log: one JSON line per problem, line numbers only (no personal data).
pub(crate) struct ProblemLog {
    out: BufWriter<File>,
    path: String,
    pub(crate) counts: [u64; RegistryProblem::ALL.len()],
}

impl ProblemLog {
    pub(crate) fn create(path: &Path) -> Result<ProblemLog> {
        let f = File::create(path).map_err(|e| Error::io(path, e))?;
        Ok(ProblemLog {
            out: BufWriter::new(f),
            path: path.display().to_string(),
            counts: [0; RegistryProblem::ALL.len()],
        })
    }

    pub(crate) fn log(&mut self, line: u64, p: RegistryProblem) -> Result<()> {
        if let Some(c) = self.counts.get_mut(p as usize) {
            *c += 1;
        }
        writeln!(self.out, "{{\"line\":{line},\"code\":\"{}\"}}", p.code()).map_err(|e| Error::Io {
            path: self.path.clone(),
            source: e,
        })
    }

    pub(crate) fn finish(mut self) -> Result<[u64; RegistryProblem::ALL.len()]> {
        self.out.flush().map_err(|e| Error::Io {
            path: self.path.clone(),
            source: e,
        })?;
        Ok(self.counts)
    }
}

/// What stage 1 read of the registry.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct RegistryRead {
    /// Lines holding data (header and blank lines excluded).
    pub(crate) lines: u64,
    /// Entries kept for the join.
    pub(crate) entries: u64,
}

struct Entry {
    id: String,
    name: String,
    dob: String,
    sex: String,
    province: String,
}

fn lossy(b: &[u8], bad: &mut bool) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.trim().to_string(),
        Err(_) => {
            *bad = true;
            String::from_utf8_lossy(b).trim().to_string()
        }
    }
}

fn keep(
    w: &mut TableWriter,
    log: &mut ProblemLog,
    line: u64,
    e: Entry,
    bad_utf8: bool,
    read: &mut RegistryRead,
) -> Result<()> {
    let key = id_key(&e.id);
    if key.is_empty() {
        return log.log(line, RegistryProblem::IdMissing);
    }
    let enc = if bad_utf8 {
        Some(crate::tolerance::Reason::EncodingInvalidUtf8)
    } else {
        encoding::check(&e.name)
    };
    if let Some(r) = enc {
        log.log(line, RegistryProblem::from_reason(r))?;
    }
    w.push(
        &[line],
        &[
            &key,
            &e.name,
            &e.dob,
            &e.sex,
            &e.province,
            enc.map(|r| r.code()).unwrap_or(""),
        ],
    )?;
    read.entries += 1;
    Ok(())
}

/// Reads the registry into `out` (Arrow IPC), logging problems; CSV unless the name ends in
/// `.jsonl`/`.ndjson`/`.json`.
pub(crate) fn read_registry(path: &Path, out: &Path, log: &mut ProblemLog) -> Result<RegistryRead> {
    let json = matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("jsonl" | "ndjson" | "json")
    );
    let len = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut w = TableWriter::create(out, REGISTRY)?;
    let read = if json {
        read_json(BufReader::with_capacity(1 << 16, file), &mut w, log)?
    } else {
        read_csv(file, len, &mut w, log)?
    };
    w.finish()?;
    Ok(read)
}

fn read_csv(
    file: File,
    len: u64,
    w: &mut TableWriter,
    log: &mut ProblemLog,
) -> Result<RegistryRead> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(BufReader::with_capacity(1 << 16, file));
    let headers = r
        .byte_headers()
        .map_err(|e| Error::RegistryHeader(e.to_string()))?
        .clone();
    let find = |name: &str| {
        headers.iter().position(|h| {
            let h = h.strip_prefix("\u{feff}".as_bytes()).unwrap_or(h);
            h.eq_ignore_ascii_case(name.as_bytes())
        })
    };
    let (Some(id), Some(name)) = (find("id"), find("full_name")) else {
        return Err(Error::RegistryHeader(
            "the header needs `id` and `full_name` columns (docs/registry.md)".into(),
        ));
    };
    let (dob, sex, province) = (find("dob"), find("sex"), find("province"));
    let width = headers.len();
    let mut rec = csv::ByteRecord::new();
    let mut read = RegistryRead::default();
    loop {
        let line = r.position().line();
        match r.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(_) => return Err(Error::Engine(format!("registry: {e}"))),
                _ => {
                    read.lines += 1;
                    log.log(line, RegistryProblem::MalformedLine)?;
                    continue;
                }
            },
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(line);
        if rec.len() == 1 && rec.get(0).is_some_and(|f| f.is_empty()) {
            continue;
        }
        read.lines += 1;
        let at_end = rec
            .position()
            .is_some_and(|p| r.position().byte() >= len && p.byte() < len);
        if rec.len() != width || rec.iter().any(|f| f.len() > MAX_FIELD_BYTES) {
            let p = if at_end && rec.len() < width {
                RegistryProblem::Truncated
            } else {
                RegistryProblem::MalformedLine
            };
            log.log(line, p)?;
            continue;
        }
        let mut bad = false;
        let mut get = |i: Option<usize>| {
            i.and_then(|i| rec.get(i))
                .map(|b| lossy(b, &mut bad))
                .unwrap_or_default()
        };
        let e = Entry {
            id: get(Some(id)),
            name: get(Some(name)),
            dob: get(dob),
            sex: get(sex),
            province: get(province),
        };
        keep(w, log, line, e, bad, &mut read)?;
    }
    Ok(read)
}

/// Reads one line up to `cap` bytes; returns (bytes read including the rest skipped,
/// whether it was cut, whether it ended with a newline).
fn read_line_capped<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<(usize, bool, bool)> {
    buf.clear();
    let mut total = 0;
    let mut cut = false;
    loop {
        let avail = r.fill_buf()?;
        if avail.is_empty() {
            return Ok((total, cut, false));
        }
        let (chunk, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (avail.get(..=i).unwrap_or(avail), true),
            None => (avail, false),
        };
        let n = chunk.len();
        let room = cap.saturating_sub(buf.len());
        if room > 0 {
            buf.extend_from_slice(chunk.get(..n.min(room)).unwrap_or(chunk));
        }
        if n > room {
            cut = true;
        }
        r.consume(n);
        total += n;
        if done {
            return Ok((total, cut, true));
        }
    }
}

fn json_text(v: Option<&serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s.trim().to_string(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn read_json<R: BufRead>(
    mut r: R,
    w: &mut TableWriter,
    log: &mut ProblemLog,
) -> Result<RegistryRead> {
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut read = RegistryRead::default();
    loop {
        let (n, cut, newline) = read_line_capped(&mut r, &mut buf, MAX_LINE_BYTES)
            .map_err(|e| Error::Engine(format!("registry: {e}")))?;
        if n == 0 {
            break;
        }
        line += 1;
        let bytes = buf.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&buf);
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        read.lines += 1;
        if cut {
            log.log(line, RegistryProblem::MalformedLine)?;
            continue;
        }
        let mut bad = false;
        let text = lossy(bytes, &mut bad);
        let v: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v @ serde_json::Value::Object(_)) => v,
            _ => {
                let p = if newline {
                    RegistryProblem::MalformedLine
                } else {
                    RegistryProblem::Truncated
                };
                log.log(line, p)?;
                continue;
            }
        };
        let e = Entry {
            id: json_text(v.get("id")),
            name: json_text(v.get("full_name")),
            dob: json_text(v.get("dob")),
            sex: json_text(v.get("sex")),
            province: json_text(v.get("province")),
        };
        if [&e.id, &e.name, &e.dob, &e.sex, &e.province]
            .iter()
            .any(|f| f.len() > MAX_FIELD_BYTES)
        {
            log.log(line, RegistryProblem::MalformedLine)?;
            continue;
        }
        keep(w, log, line, e, bad, &mut read)?;
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lines() {
        let data = b"abc\ndefghij\nxy";
        let mut r = std::io::BufReader::with_capacity(2, &data[..]);
        let mut buf = Vec::new();
        assert_eq!(
            read_line_capped(&mut r, &mut buf, 5).unwrap(),
            (4, false, true)
        );
        assert_eq!(buf, b"abc\n");
        assert_eq!(
            read_line_capped(&mut r, &mut buf, 5).unwrap(),
            (8, true, true)
        );
        assert_eq!(buf, b"defgh");
        assert_eq!(
            read_line_capped(&mut r, &mut buf, 5).unwrap(),
            (2, false, false)
        );
        assert_eq!(
            read_line_capped(&mut r, &mut buf, 5).unwrap(),
            (0, false, false)
        );
    }
}
