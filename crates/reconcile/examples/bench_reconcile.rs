//! `./dev bench-reconcile` (docs/reconcile.md §Benchmark): generates N records and a registry
//! of about N people, then runs, each in its own process so peak memory is its own,
//! 1. `plain`: the same join in DataFusion's own SQL over the CSV files (left join on the ID,
//!    joined rows written to CSV) — the engine alone;
//! 2. `ours`: `vaxpass_reconcile::reconcile` on the same files;
//!
//! and prints records/s, peak RSS, the ratio ours/plain and the extrapolated time for
//! 76.6 M records.
//!
//! `./dev bench-reconcile [N] [--join auto|hash|sort-merge] [--memory MiB]` (data made once in
//! `target/bench-reconcile/data-N`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEED_RECORDS: f64 = 76_625_000.0;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn cpu_seconds() -> f64 {
    // utime + stime of this process, in clock ticks (100 Hz on Linux).
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1.to_string();
            let f: Vec<&str> = rest.split_whitespace().collect();
            let u: f64 = f.get(11)?.parse().ok()?;
            let k: f64 = f.get(12)?.parse().ok()?;
            Some((u + k) / 100.0)
        })
        .unwrap_or(0.0)
}

fn plain(dir: &Path) -> Result<u64, Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()?;
    rt.block_on(async {
        let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(2));
        let header = vaxpass_issuer::records::csv_header();
        let rec_schema = Schema::new(header.split(',').map(|c| Field::new(c, DataType::Utf8, true)).collect::<Vec<_>>());
        let reg_schema = Schema::new(
            ["id", "full_name", "dob", "sex", "province"]
                .iter()
                .map(|c| Field::new(*c, DataType::Utf8, true))
                .collect::<Vec<_>>(),
        );
        let rec = dir.join("records.csv").to_string_lossy().to_string();
        let reg = dir.join("registry.csv").to_string_lossy().to_string();
        ctx.register_csv("records", &rec, CsvReadOptions::new().schema(&rec_schema)).await?;
        ctx.register_csv("registry", &reg, CsvReadOptions::new().schema(&reg_schema)).await?;
        let df = ctx
            .sql(
                "SELECT r.record_id, r.family_name, r.middle_name, r.given_name, r.dob, r.sex, r.national_id, r.dose1_site,
                        g.full_name, g.dob AS g_dob, g.sex AS g_sex, g.province
                 FROM records r LEFT JOIN registry g ON r.national_id = g.id",
            )
            .await?;
        let out = dir.join("plain-out");
        let _ = std::fs::remove_dir_all(&out);
        let written = df
            .write_csv(&out.to_string_lossy(), DataFrameWriteOptions::new(), None)
            .await?;
        let mut n = 0u64;
        for b in written {
            if let Some(c) = b.column(0).as_any().downcast_ref::<datafusion::arrow::array::UInt64Array>() {
                n += c.iter().flatten().sum::<u64>();
            }
        }
        let _ = std::fs::remove_dir_all(&out);
        Ok(n)
    })
}

fn child(phase: &str, args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(arg(args, "--dir").ok_or("--dir")?);
    let t = Instant::now();
    let (rows, detail) = match phase {
        "gen" => {
            let n: u64 = arg(args, "--records").ok_or("--records")?.parse()?;
            let g = vaxpass_reconcile::gen_registry(&vaxpass_reconcile::GenOptions::new(
                vaxpass_reconcile::Source::Generate { count: n },
                &dir,
                42,
            ))?;
            (g.records, format!("registry {}", g.registry))
        }
        "plain" => (plain(&dir)?, String::new()),
        "ours" => {
            let mut o = vaxpass_reconcile::Options::new(
                dir.join("records.csv"),
                dir.join("registry.csv"),
                dir.join("out"),
            );
            o.join = match arg(args, "--join").as_deref() {
                Some("hash") => vaxpass_reconcile::JoinStrategy::Hash,
                Some("sort-merge") => vaxpass_reconcile::JoinStrategy::SortMerge,
                _ => vaxpass_reconcile::JoinStrategy::Auto,
            };
            if let Some(m) = arg(args, "--memory") {
                o.memory_limit = m.parse::<usize>()? << 20;
            }
            let s = vaxpass_reconcile::reconcile(&o)?;
            let t = s.timings;
            (
                s.records,
                format!(
                    "join {:?}; stages read {:.1}s join+classify {:.1}s registry-dups {:.1}s write {:.1}s; seed table {}",
                    s.join,
                    t.read,
                    t.join,
                    t.registry_duplicates,
                    t.write,
                    s.seed_table()["percent_of_vaccinated"]
                ),
            )
        }
        _ => return Err("unknown phase".into()),
    };
    println!(
        "RESULT {phase} rows={rows} wall={:.3} cpu={:.3} peak_mib={:.0} {detail}",
        t.elapsed().as_secs_f64(),
        cpu_seconds(),
        peak_rss_mib()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(phase) = arg(&args, "--phase") {
        return child(&phase, &args);
    }
    let n: u64 = arg(&args, "--records")
        .unwrap_or_else(|| "1000000".into())
        .parse()?;
    let dir =
        PathBuf::from(arg(&args, "--dir").unwrap_or_else(|| format!("/tmp/vaxpass-bench-{n}")));
    let exe = std::env::current_exe()?;
    let run = |phase: &str| -> Result<(f64, f64, f64, String), Box<dyn std::error::Error>> {
        let mut cmd = std::process::Command::new(&exe);
        cmd.args([
            "--phase",
            phase,
            "--dir",
            &dir.to_string_lossy(),
            "--records",
            &n.to_string(),
        ]);
        for k in ["--join", "--memory"] {
            if let Some(v) = arg(&args, k) {
                cmd.args([k, &v]);
            }
        }
        let out = cmd.output()?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if !out.status.success() {
            return Err(format!(
                "{phase} failed: {text} {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        let line = text
            .lines()
            .find(|l| l.starts_with("RESULT"))
            .unwrap_or("")
            .to_string();
        let get = |k: &str| {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(k).and_then(|v| v.parse::<f64>().ok()))
                .unwrap_or(0.0)
        };
        println!("{line}");
        Ok((get("wall="), get("cpu="), get("peak_mib="), line))
    };
    if !dir.join("registry.csv").exists() || !dir.join("truth.jsonl").exists() {
        std::fs::create_dir_all(&dir)?;
        run("gen")?;
    }
    let (pw, pc, pm, _) = run("plain")?;
    let (ow, oc, om, _) = run("ours")?;
    let per = ow / n as f64;
    println!(
        "SUMMARY records={n} plain: {pw:.1}s ({:.0} rec/s, cpu {pc:.1}s, peak {pm:.0} MiB) | ours: {ow:.1}s ({:.0} rec/s, cpu {oc:.1}s, peak {om:.0} MiB) | ratio ours/plain {:.2}x | extrapolated 76.6M: {:.1} min",
        n as f64 / pw.max(1e-9),
        n as f64 / ow.max(1e-9),
        ow / pw.max(1e-9),
        per * SEED_RECORDS / 60.0
    );
    Ok(())
}
