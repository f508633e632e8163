//! Stage 4 of docs/reconcile.md §Plan: `verified.jsonl` in input order and one worklist per
//! vaccination site (docs/reconcile.md §Outputs), from the engine's sorted streams, one file
//! open at a time.
//!
//! A worklist holds its own site's records only, and the registry's values only where the
//! registry describes the same person; the file name is the site's name made safe for file
//! systems plus 8 hex digits of its SHA-256, so two sites never share a file.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

use datafusion::arrow::array::RecordBatch;
use sha2::{Digest as _, Sha256};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::table::{get_number, get_text, number, text};
use crate::vi;

/// Longest site part of a worklist file name, in characters.
const MAX_FILE_STEM: usize = 80;

/// The worklist file name of a site.
pub fn site_file_name(site: &str) -> String {
    let shown = if site.is_empty() {
        vi::UNKNOWN_SITE
    } else {
        site
    };
    let mut stem = String::new();
    for c in shown.chars() {
        if stem.chars().count() >= MAX_FILE_STEM {
            break;
        }
        if c.is_alphanumeric() {
            stem.push(c);
        } else if !stem.ends_with('_') {
            stem.push('_');
        }
    }
    let stem = stem.trim_matches('_');
    let hash: String = Sha256::digest(site.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{stem}-{hash}.csv")
}

/// Writes `verified.jsonl`: one `{"index", "record_id", "fp"}` per verified record, by index.
pub(crate) fn write_verified(engine: &Engine, path: &Path) -> Result<u64> {
    let f = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let mut n = 0u64;
    let io = |e| Error::io(path, e);
    engine.for_each(
        "SELECT idx, record_id, fp FROM verified ORDER BY idx",
        |b| {
            let (idx, rid, fp) = (number(b, "idx")?, text(b, "record_id")?, text(b, "fp")?);
            for i in 0..b.num_rows() {
                let id = serde_json::to_string(get_text(&rid, i).unwrap_or(""))
                    .unwrap_or_else(|_| "\"\"".into());
                writeln!(
                    w,
                    "{{\"index\":{},\"record_id\":{id},\"fp\":\"{}\"}}",
                    get_number(&idx, i).unwrap_or(0),
                    get_text(&fp, i).unwrap_or("")
                )
                .map_err(io)?;
                n += 1;
            }
            Ok(())
        },
    )?;
    w.flush().map_err(io)?;
    Ok(n)
}

/// What the worklists hold.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WorklistStats {
    pub(crate) sites: u64,
    pub(crate) rows: u64,
}

struct Current {
    site: String,
    file: String,
    rows: u64,
    w: csv::Writer<BufWriter<File>>,
    path: PathBuf,
}

fn open(dir: &Path, site: &str) -> Result<Current> {
    let file = site_file_name(site);
    let path = dir.join(&file);
    let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
    let mut bw = BufWriter::new(f);
    bw.write_all("\u{feff}".as_bytes())
        .map_err(|e| Error::io(&path, e))?;
    let mut w = csv::WriterBuilder::new().from_writer(bw);
    w.write_record(vi::HEADER)
        .map_err(|e| Error::Engine(e.to_string()))?;
    Ok(Current {
        site: site.to_string(),
        file,
        rows: 0,
        w,
        path,
    })
}

fn close(c: Current, index: &mut csv::Writer<BufWriter<File>>) -> Result<()> {
    let shown = if c.site.is_empty() {
        vi::UNKNOWN_SITE
    } else {
        &c.site
    };
    index
        .write_record([shown, &c.file, &c.rows.to_string()])
        .map_err(|e| Error::Engine(e.to_string()))?;
    let mut w = c.w;
    w.flush().map_err(|e| Error::io(&c.path, e))
}

/// Writes `worklists/<site>.csv` (UTF-8 with BOM, Vietnamese headers) and
/// `worklists/index.csv` from the rows to fix, sorted by site then input order.
pub(crate) fn write_worklists(engine: &Engine, dir: &Path) -> Result<WorklistStats> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let index_path = dir.join("index.csv");
    let f = File::create(&index_path).map_err(|e| Error::io(&index_path, e))?;
    let mut bw = BufWriter::new(f);
    bw.write_all("\u{feff}".as_bytes())
        .map_err(|e| Error::io(&index_path, e))?;
    let mut index = csv::WriterBuilder::new().from_writer(bw);
    index
        .write_record(vi::INDEX_HEADER)
        .map_err(|e| Error::Engine(e.to_string()))?;
    let mut stats = WorklistStats::default();
    let mut cur: Option<Current> = None;
    engine.for_each("SELECT * FROM fix ORDER BY site, idx", |b: &RecordBatch| {
        let t = |n: &str| text(b, n);
        let (site, rid, class, reasons, verdict, tols) = (
            t("site")?,
            t("record_id")?,
            t("class")?,
            t("reasons")?,
            t("verdict")?,
            t("tolerances")?,
        );
        let (rn, rd, rs, ri) = (t("rec_name")?, t("rec_dob")?, t("rec_sex")?, t("rec_id")?);
        let (gn, gd, gs, gp) = (
            t("reg_name")?,
            t("reg_dob")?,
            t("reg_sex")?,
            t("reg_province")?,
        );
        let line = number(b, "line")?;
        let s = |a: &datafusion::arrow::array::StringArray, i: usize| {
            get_text(a, i).unwrap_or("").to_string()
        };
        for i in 0..b.num_rows() {
            let st = s(&site, i);
            if cur.as_ref().is_none_or(|c| c.site != st) {
                if let Some(c) = cur.take() {
                    close(c, &mut index)?;
                }
                cur = Some(open(dir, &st)?);
                stats.sites += 1;
            }
            let Some(c) = cur.as_mut() else {
                continue;
            };
            let cls = s(&class, i);
            let verdict_code = s(&verdict, i);
            let hide = verdict_code == "different_person" || cls == "duplicate";
            let reg = |a: &datafusion::arrow::array::StringArray| {
                let v = s(a, i);
                if hide && v.is_empty() {
                    vi::HIDDEN.to_string()
                } else {
                    v
                }
            };
            let reasons_code = s(&reasons, i);
            let tols_code = s(&tols, i);
            let row = [
                s(&rid, i),
                get_number(&line, i).unwrap_or(0).to_string(),
                vi::class(&cls).to_string(),
                vi::list(&reasons_code, vi::reason),
                vi::verdict(&verdict_code).to_string(),
                vi::list(&tols_code, vi::tolerance),
                s(&rn, i),
                s(&rd, i),
                vi::sex(&s(&rs, i)),
                s(&ri, i),
                reg(&gn),
                reg(&gd),
                if hide {
                    vi::HIDDEN.to_string()
                } else {
                    vi::sex(&s(&gs, i))
                },
                reg(&gp),
                cls.clone(),
                reasons_code,
                tols_code,
            ];
            c.w.write_record(&row)
                .map_err(|e| Error::Engine(e.to_string()))?;
            c.rows += 1;
            stats.rows += 1;
        }
        Ok(())
    })?;
    if let Some(c) = cur.take() {
        close(c, &mut index)?;
    }
    index.flush().map_err(|e| Error::io(&index_path, e))?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let a = site_file_name("Trạm Y tế phường Bến Nghé, Quận 1");
        assert!(a.starts_with("Trạm_Y_tế_phường_Bến_Nghé_Quận_1-"), "{a}");
        assert!(a.ends_with(".csv"));
        assert_ne!(site_file_name("A/B"), site_file_name("A B"));
        assert!(site_file_name("../../etc/passwd").starts_with("etc_passwd-"));
        assert!(site_file_name("").starts_with("Không_rõ_cơ_sở_tiêm-"));
        assert!(site_file_name(&"x".repeat(500)).chars().count() < 100);
    }
}
