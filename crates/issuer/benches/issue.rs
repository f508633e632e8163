//! Batch issuing throughput: 1,000,000 generated records through `issue` with `--qr none`
//! and `--qr png`, against twice the single-core `openssl speed ecdsap256` sign rate
//! measured in the same run (two cores).
//!
//! Run with `cargo bench -p vaxpass-issuer --bench issue [-- COUNT]`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use vaxpass_issuer::{batch, gen};
use vaxpass_keystore as keys;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn openssl_sign_rate() -> Option<f64> {
    let out = Command::new("openssl")
        .args(["speed", "-seconds", "3", "ecdsap256"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("256 bits ecdsa"))?;
    let nums: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    nums.iter().rev().nth(1).copied()
}

/// Resets the kernel's peak-RSS mark so each run reports its own peak.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() -> anyhow::Result<()> {
    let count: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-issue");
    std::fs::create_dir_all(&dir)?;
    let input = dir.join(format!("records-{count}.csv"));
    if !input.exists() {
        eprintln!("generating {count} records…");
        let tmp = input.with_extension("tmp");
        let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        gen::write(&mut w, count, 2022, 0.02, false)?;
        drop(w);
        std::fs::rename(&tmp, &input)?;
    }
    let keys_dir = dir.join("keys");
    if !keys_dir.exists() {
        keys::KeyStore::init(
            &keys_dir,
            "VN",
            &keys::KeyOptions {
                alg: hcert::Algorithm::Es256,
                rsa_bits: 2048,
                types: vec![],
                valid_from: hcert::UnixTime::parse_rfc3339("2022-01-01T00:00:00Z")
                    .unwrap_or_default(),
                valid_days: 730,
                organization: "Bộ Y tế (Ministry of Health)".into(),
            },
        )?;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let reference = openssl_sign_rate();
    let mut rows = Vec::new();
    for (name, qr) in [
        ("--qr none", batch::QrOutput::None),
        ("--qr png", batch::QrOutput::Png),
    ] {
        let out = dir.join(format!(
            "out-{}",
            name.replace(' ', "").trim_start_matches('-')
        ));
        let _ = std::fs::remove_dir_all(&out);
        reset_peak_rss();
        let summary = batch::run(&batch::Options {
            keys: keys_dir.clone(),
            input: input.clone(),
            out: out.clone(),
            qr,
            threads,
            resume: false,
            issued_at: hcert::UnixTime::parse_rfc3339("2022-07-01T00:00:00Z"),
            verify_all: false,
            progress: false,
            png_scale: 4,
            zlib_level: 0,
            checkpoint_every: batch::CHECKPOINT_EVERY,
        })?;
        rows.push((name, summary));
        let _ = std::fs::remove_dir_all(&out);
        std::thread::sleep(Duration::from_secs(1));
    }
    println!("\n== vaxpass issue, {count} records, {threads} threads ==");
    if let Some(r) = reference {
        println!(
            "openssl speed ecdsap256: {r:.0} signs/s on one core; reference = 2 × {r:.0} = {:.0}/s",
            2.0 * r
        );
    }
    for (name, s) in rows {
        let ratio = reference.map_or("n/a".to_string(), |r| {
            format!("{:.2}", s.certificates_per_second / (2.0 * r))
        });
        println!(
            "{name:<10} {:>9.0} certificates/s ({:>9.0} records/s), {} issued, {} rejected, {:.1} s, peak RSS {} MiB, ratio {ratio}",
            s.certificates_per_second,
            s.records_per_second,
            s.issued,
            s.rejected,
            s.seconds,
            s.peak_rss_bytes.map_or(0, |b| b >> 20),
        );
    }
    Ok(())
}
