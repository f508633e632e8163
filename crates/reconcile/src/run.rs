//! `vaxpass reconcile` (docs/reconcile.md): the four stages of §Plan, the outputs of §Outputs
//! and `summary.json` with the seed issue's table for this run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::classify::{Counts, Sink};
use std::collections::HashMap;

use crate::classify::{RegEntry, MAX_REGISTRY_ENTRIES};
use crate::engine::{
    Duplicates, Engine, JoinStrategy, MAX_DUPLICATE_ENTRIES, REGISTRY_DUPLICATES_SQL,
};
use crate::error::{Error, Result};
use crate::input::{read_records, sha256_file, RecordsRead};
use crate::output::{write_verified, write_worklists, WorklistStats};
use crate::registry::{read_registry, ProblemLog, RegistryProblem, RegistryRead};
use crate::table::{get_number, get_text, number, text};
use crate::tolerance::{Class, Reason, Tolerance};

/// What to reconcile and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The vaccination records (`vaxpass issue` input: CSV or JSON Lines).
    pub records: PathBuf,
    /// The registry extract (docs/registry.md: CSV or JSON Lines).
    pub registry: PathBuf,
    /// The output directory (created; `worklists/` and the temporary files in it replaced).
    pub out: PathBuf,
    /// Engine partitions and classifier threads (≥ 1).
    pub threads: usize,
    /// The engine's memory pool in bytes; sorts and the sort-merge join spill beyond it.
    pub memory_limit: usize,
    /// Join algorithm.
    pub join: JoinStrategy,
    /// Keep the intermediate Arrow files in `out/.tmp` (for inspection).
    pub keep_temp: bool,
}

impl Options {
    /// Defaults: 2 threads, a 4 GiB pool, automatic join choice.
    pub fn new(
        records: impl Into<PathBuf>,
        registry: impl Into<PathBuf>,
        out: impl Into<PathBuf>,
    ) -> Options {
        Options {
            records: records.into(),
            registry: registry.into(),
            out: out.into(),
            threads: 2,
            memory_limit: 4 << 30,
            join: JoinStrategy::Auto,
            keep_temp: false,
        }
    }
}

/// Seconds spent in each stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading and normalising both inputs (in parallel).
    pub read: f64,
    /// Join and classification.
    pub join: f64,
    /// Registry duplicate IDs.
    pub registry_duplicates: f64,
    /// `verified.jsonl` and the worklists.
    pub write: f64,
    /// Everything.
    pub total: f64,
}

/// What a run found: every input record counted exactly once in `classes`.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Input records.
    pub records: u64,
    /// SHA-256 of the records file (what `vaxpass issue --only-verified` checks).
    pub records_sha256: String,
    /// Registry lines holding data.
    pub registry_lines: u64,
    /// Registry entries used for matching.
    pub registry_entries: u64,
    /// Records per class.
    pub classes: Vec<(Class, u64)>,
    /// Records per reason.
    pub reasons: Vec<(Reason, u64)>,
    /// Records per tolerance applied.
    pub tolerances: Vec<(Tolerance, u64)>,
    /// `wrong`/`duplicate` records judged a typing error.
    pub typing_errors: u64,
    /// `wrong`/`duplicate` records judged a different person.
    pub different_persons: u64,
    /// Registry problems per code.
    pub registry_problems: Vec<(RegistryProblem, u64)>,
    /// Lines in `verified.jsonl`.
    pub verified_written: u64,
    /// Worklist files.
    pub worklist_sites: u64,
    /// Worklist rows (every record not verified).
    pub worklist_rows: u64,
    /// Stage times.
    pub timings: Timings,
    /// The join algorithm used.
    pub join: JoinStrategy,
}

impl Summary {
    /// Records of a class.
    pub fn count(&self, c: Class) -> u64 {
        self.classes
            .iter()
            .find(|(k, _)| *k == c)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    /// The seed issue's table for this run, as `summary.json` writes it.
    pub fn seed_table(&self) -> serde_json::Value {
        let c = |k| self.count(k);
        let total = self.records;
        let no_id = c(Class::NoId) + c(Class::IdFormat);
        let matched = c(Class::Verified);
        let wrong = c(Class::Wrong) + c(Class::Duplicate);
        let not_verified = c(Class::NotFound) + c(Class::RegistryProblem);
        let with_id = matched + wrong + not_verified;
        let pct = |n: u64, of: u64| {
            if of == 0 {
                0.0
            } else {
                (n as f64 * 10_000.0 / of as f64).round() / 100.0
            }
        };
        serde_json::json!({
            "vaccinated": total,
            "with_id": with_id,
            "no_or_bad_id": no_id,
            "matched": matched,
            "wrong_information": wrong,
            "not_verified": not_verified,
            "unreadable": c(Class::Malformed),
            "percent_of_vaccinated": {
                "with_id": pct(with_id, total),
                "no_or_bad_id": pct(no_id, total),
                "matched": pct(matched, total),
                "wrong_information": pct(wrong, total),
                "not_verified": pct(not_verified, total),
                "unreadable": pct(c(Class::Malformed), total),
            },
            "percent_of_with_id": {
                "matched": pct(matched, with_id),
                "wrong_information": pct(wrong, with_id),
                "not_verified": pct(not_verified, with_id),
            },
        })
    }

    /// `summary.json`.
    pub fn to_json(&self) -> serde_json::Value {
        let obj = |items: Vec<(&str, u64)>| {
            serde_json::Value::Object(
                items
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.into()))
                    .collect(),
            )
        };
        let t = self.timings;
        serde_json::json!({
            "format": "vaxpass-reconcile-summary/1",
            "input": {
                "records": self.records,
                "records_sha256": self.records_sha256,
                "registry_lines": self.registry_lines,
                "registry_entries": self.registry_entries,
            },
            "classes": obj(self.classes.iter().map(|(c, n)| (c.code(), *n)).collect()),
            "reasons": obj(self.reasons.iter().filter(|(_, n)| *n > 0).map(|(c, n)| (c.code(), *n)).collect()),
            "tolerances": obj(self.tolerances.iter().filter(|(_, n)| *n > 0).map(|(c, n)| (c.code(), *n)).collect()),
            "verdicts": {"typing_error": self.typing_errors, "different_person": self.different_persons},
            "registry_problems": obj(self.registry_problems.iter().filter(|(_, n)| *n > 0).map(|(c, n)| (c.code(), *n)).collect()),
            "seed_table": self.seed_table(),
            "outputs": {
                "verified": self.verified_written,
                "worklist_sites": self.worklist_sites,
                "worklist_rows": self.worklist_rows,
            },
            "engine": {
                "name": "datafusion",
                "join": format!("{:?}", self.join),
            },
            "seconds": {
                "read": round3(t.read),
                "join_classify": round3(t.join),
                "registry_duplicates": round3(t.registry_duplicates),
                "write": round3(t.write),
                "total": round3(t.total),
            },
            "records_per_second": if t.total > 0.0 { (self.records as f64 / t.total).round() } else { 0.0 },
        })
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn mkdir(p: &Path) -> Result<()> {
    std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))
}

fn remove_dir(p: &Path) -> Result<()> {
    match std::fs::remove_dir_all(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(p, e)),
    }
}

/// Reconciles `opts.records` against `opts.registry` into `opts.out`.
pub fn reconcile(opts: &Options) -> Result<Summary> {
    if opts.threads == 0 || opts.threads > 256 {
        return Err(Error::Options("threads must be 1–256".into()));
    }
    if opts.memory_limit < (64 << 20) {
        return Err(Error::Options(
            "memory_limit must be at least 64 MiB".into(),
        ));
    }
    let started = Instant::now();
    let out = &opts.out;
    let tmp = out.join(".tmp");
    let worklists = out.join("worklists");
    remove_dir(&tmp)?;
    remove_dir(&worklists)?;
    for d in [
        out.clone(),
        tmp.join("fix"),
        tmp.join("verified"),
        tmp.join("spill"),
    ] {
        mkdir(&d)?;
    }
    // Stage 1: both inputs in parallel.
    let records_arrow = tmp.join("records.arrow");
    let registry_arrow = tmp.join("registry.arrow");
    let problems_path = out.join("registry_problems.jsonl");
    let (rec, reg) = std::thread::scope(|s| {
        let rec = s.spawn(|| -> Result<(RecordsRead, Counts)> {
            let mut sink = Sink::create(&tmp.join("fix/input.arrow"), None)?;
            let read = read_records(&opts.records, &records_arrow, &mut sink)?;
            Ok((read, sink.finish()?))
        });
        let reg = s.spawn(|| -> Result<(RegistryRead, ProblemLog, String)> {
            let mut log = ProblemLog::create(&problems_path)?;
            let read = read_registry(&opts.registry, &registry_arrow, &mut log)?;
            let sha = sha256_file(&opts.records)?;
            Ok((read, log, sha))
        });
        let stopped = || Error::Worker("a reader thread stopped".into());
        (
            rec.join().unwrap_or_else(|_| Err(stopped())),
            reg.join().unwrap_or_else(|_| Err(stopped())),
        )
    });
    let (rec_read, mut counts) = rec?;
    let (reg_read, mut log, records_sha256) = reg?;
    if reg_read.entries == 0 {
        return Err(Error::RegistryEmpty);
    }
    let t_read = started.elapsed().as_secs_f64();

    // Stage 2–3.
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let input_bytes = size(&registry_arrow) + size(&records_arrow);
    let engine = Engine::new(
        opts.threads,
        opts.memory_limit,
        &tmp.join("spill"),
        opts.join,
        input_bytes,
    )?;
    let join_used = match opts.join {
        JoinStrategy::Auto if input_bytes.saturating_mul(2) > opts.memory_limit as u64 => {
            JoinStrategy::SortMerge
        }
        JoinStrategy::Auto => JoinStrategy::Hash,
        j => j,
    };
    engine.register("records", &records_arrow)?;
    engine.register("registry", &registry_arrow)?;
    // Registry duplicates first: logged with their lines, and kept for comparison.
    let t0 = Instant::now();
    let mut dups: Duplicates = HashMap::new();
    let mut kept = 0usize;
    engine.for_each(REGISTRY_DUPLICATES_SQL, |b| {
        let t = |n: &str| text(b, n);
        let (key, name, dob, sex, province, enc) = (
            t("key")?,
            t("name")?,
            t("dob")?,
            t("sex")?,
            t("province")?,
            t("enc")?,
        );
        let lines = number(b, "line")?;
        let s = |a: &datafusion::arrow::array::StringArray, i: usize| {
            get_text(a, i).unwrap_or("").to_string()
        };
        for i in 0..b.num_rows() {
            let line = get_number(&lines, i).unwrap_or(0);
            log.log(line, RegistryProblem::DuplicateId)?;
            let k = s(&key, i);
            let full = kept >= MAX_DUPLICATE_ENTRIES;
            let entries = dups.entry(k);
            if full {
                continue;
            }
            let v = entries.or_default();
            if v.len() < MAX_REGISTRY_ENTRIES {
                v.push(RegEntry::new(
                    line,
                    &s(&name, i),
                    &s(&dob, i),
                    &s(&sex, i),
                    &s(&province, i),
                    &s(&enc, i),
                ));
                kept += 1;
            }
        }
        Ok(())
    })?;
    let problem_counts = log.finish()?;
    let t_dup = t0.elapsed().as_secs_f64();

    let t0 = Instant::now();
    counts.merge(&engine.join_and_classify(&tmp, &dups)?);
    drop(dups);
    let t_join = t0.elapsed().as_secs_f64();

    // Stage 4.
    let t0 = Instant::now();
    engine.register("verified", &tmp.join("verified"))?;
    engine.register("fix", &tmp.join("fix"))?;
    let verified_written = write_verified(&engine, &out.join("verified.jsonl"))?;
    let WorklistStats { sites, rows } = write_worklists(&engine, &worklists)?;
    let t_write = t0.elapsed().as_secs_f64();
    drop(engine);
    if !opts.keep_temp {
        remove_dir(&tmp)?;
    }
    if counts.total() != rec_read.total {
        return Err(Error::Worker(format!(
            "accounted for {} of {} records",
            counts.total(),
            rec_read.total
        )));
    }
    let summary = Summary {
        records: rec_read.total,
        records_sha256,
        registry_lines: reg_read.lines,
        registry_entries: reg_read.entries,
        classes: Class::ALL
            .iter()
            .map(|c| (*c, counts.classes.get(c.index()).copied().unwrap_or(0)))
            .collect(),
        reasons: Reason::ALL
            .iter()
            .map(|c| (*c, counts.reasons.get(c.index()).copied().unwrap_or(0)))
            .collect(),
        tolerances: Tolerance::ALL
            .iter()
            .map(|c| (*c, counts.tolerances.get(c.index()).copied().unwrap_or(0)))
            .collect(),
        typing_errors: counts.verdicts[0],
        different_persons: counts.verdicts[1],
        registry_problems: RegistryProblem::ALL
            .iter()
            .map(|p| (*p, problem_counts.get(*p as usize).copied().unwrap_or(0)))
            .collect(),
        verified_written,
        worklist_sites: sites,
        worklist_rows: rows,
        timings: Timings {
            read: t_read,
            join: t_join,
            registry_duplicates: t_dup,
            write: t_write,
            total: started.elapsed().as_secs_f64(),
        },
        join: join_used,
    };
    let path = out.join("summary.json");
    let text = serde_json::to_string_pretty(&summary.to_json())
        .map_err(|e| Error::Engine(e.to_string()))?;
    std::fs::write(&path, text + "\n").map_err(|e| Error::io(&path, e))?;
    Ok(summary)
}
