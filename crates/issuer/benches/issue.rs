//! Batch issuing throughput: 1,000,000 generated records through `issue` with `--qr none`
//! and `--qr png` on every core, against `openssl speed -multi <cores> ecdsap256` (the bare
//! sign rate of all cores) measured in the same run. Bar (issue 11): `--qr none` ≥ 0.9×.
//!
//! Run with `cargo bench -p vaxpass-issuer --bench issue [-- COUNT] [none|png]` (naming a
//! QR mode runs only that one: the PNG run takes ten times as long).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use vaxpass_issuer::records::{Format, Item, RecordReader};
use vaxpass_issuer::{batch, clean, gen, write};
use vaxpass_keystore as keys;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Signs per second of `openssl speed -multi THREADS ecdsap256`, all processes together.
fn openssl_sign_rate(threads: usize) -> Option<f64> {
    let out = Command::new("openssl")
        .args([
            "speed",
            "-seconds",
            "5",
            "-multi",
            &threads.to_string(),
            "ecdsap256",
        ])
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

/// The fastest of three timings of `f` over `n` items, in µs per item.
fn per_item(n: usize, mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e6 / n as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// What one certificate costs on one core, stage by stage, over the first records of
/// `input`: where `--qr none` spends its time besides the signature.
fn stages(keys_dir: &std::path::Path, input: &std::path::Path) -> anyhow::Result<()> {
    let store = keys::KeyStore::open(keys_dir)?;
    let signer = store.signer(None)?;
    let kid = signer.kid();
    let mut issuer =
        hcert::Issuer::with_zlib_level(signer.signing_key()?, signer.certificate.kid, 0);
    let key = signer.signing_key()?;
    let today = hcert::Date::new(2022, 7, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let iat = today.midnight_utc();
    let exp = batch::expiry(iat, signer.certificate.not_after);
    let mut reader = RecordReader::open(input, Format::from_path(input))?;
    let mut records = Vec::new();
    while let Some(entry) = reader.next_entry() {
        if let Item::Record(r) = entry?.item {
            records.push(r);
        }
        if records.len() == 20_000 {
            break;
        }
    }
    let cleaned: Vec<clean::Clean> = records
        .iter()
        .filter_map(|r| clean::clean(r, today).ok())
        .collect();
    let n = cleaned.len();
    let secret = [7u8; 32];
    let uvcis: Vec<String> = cleaned
        .iter()
        .map(|c| batch::uvci(&secret, "VN", c))
        .collect();
    let payloads: Vec<hcert::CborValue> = cleaned
        .iter()
        .zip(&uvcis)
        .map(|(c, u)| batch::payload(c, u, "VN"))
        .collect();
    let claims: Vec<Vec<u8>> = payloads
        .iter()
        .map(|p| hcert::encode_claims("VN", iat, exp, p.clone()))
        .collect::<Result<_, _>>()?;
    let coses: Vec<Vec<u8>> = claims
        .iter()
        .map(|c| issuer.sign_claims(c.clone()))
        .collect::<Result<_, _>>()?;
    let hc1s: Vec<String> = coses.iter().map(|c| issuer.encode(c)).collect();
    let tbs = hcert::decode_sign1(&coses[0])?.signed_bytes();
    let (iat_text, exp_text) = (iat.rfc3339(), exp.rfc3339());

    let dts: Vec<String> = cleaned.iter().map(|c| c.dt.to_string()).collect();
    let dccs: Vec<Vec<u8>> = cleaned
        .iter()
        .zip(&uvcis)
        .zip(&dts)
        .map(|((c, u), dt)| {
            let mut out = Vec::new();
            write::payload_into(c, dt, u, "VN", &mut out);
            out
        })
        .collect();

    // What the batch does, stage by stage, with the buffers a worker reuses.
    let mut rows: Vec<(&str, f64)> = Vec::new();
    rows.push((
        "clean (validate, transliterate)",
        per_item(n, || {
            for r in records.iter().take(n) {
                std::hint::black_box(clean::clean(r, today).is_ok());
            }
        }),
    ));
    let mut text = String::new();
    rows.push((
        "UVCI",
        per_item(n, || {
            for (c, dt) in cleaned.iter().zip(&dts) {
                write::uvci_into(&secret, "VN", c, dt, &mut text);
                std::hint::black_box(&text);
            }
        }),
    ));
    let mut buf = Vec::new();
    rows.push((
        "DCC payload as CBOR",
        per_item(n, || {
            for ((c, u), dt) in cleaned.iter().zip(&uvcis).zip(&dts) {
                buf.clear();
                write::payload_into(c, dt, u, "VN", &mut buf);
                std::hint::black_box(&buf);
            }
        }),
    ));
    let sign = per_item(n, || {
        for _ in 0..n {
            std::hint::black_box(key.sign(std::hint::black_box(&tbs)).is_ok());
        }
    });
    let mut unsigned =
        hcert::Issuer::with_zlib_level(Box::new(NoSignature), signer.certificate.kid, 0);
    rows.push((
        "CWT, COSE, zlib, Base45 (no signature)",
        per_item(n, || {
            for d in &dccs {
                buf.clear();
                let issued = unsigned.issue_encoded_into("VN", iat, exp, d, &mut buf);
                std::hint::black_box(issued.is_ok());
            }
        }),
    ));
    rows.push(("ECDSA P-256 signature (aws-lc)", sign));
    rows.push((
        "certificates.jsonl line",
        per_item(n, || {
            buf.clear();
            // As a worker writes it: the HC1 text comes straight from the issuer.
            for ((c, u), h) in cleaned.iter().zip(&uvcis).zip(&hc1s) {
                write::line_start(&mut buf, &c.record_id, u);
                buf.extend_from_slice(h.as_bytes());
                write::line_end(&mut buf, &kid, &iat_text, &exp_text, None);
                if buf.len() > 1 << 20 {
                    buf.clear();
                }
            }
            std::hint::black_box(&buf);
        }),
    ));
    let total: f64 = rows.iter().map(|r| r.1).sum();
    println!("\n== one certificate on one core, by stage ({n} records) ==");
    for (name, us) in &rows {
        println!("{name:<40} {us:>7.2} µs  {:>5.1}%", 100.0 * us / total);
    }
    println!(
        "{:<40} {total:>7.2} µs  (reading records, threads and writing not included)",
        "sum"
    );

    // The crate paths the writers above replace (hcert::issue::sign, vaxpass_issuer::write).
    let mut refs: Vec<(&str, f64)> = Vec::new();
    refs.push((
        "DCC as ciborium::Value",
        per_item(n, || {
            for (c, u) in cleaned.iter().zip(&uvcis) {
                std::hint::black_box(batch::payload(c, u, "VN"));
            }
        }),
    ));
    let clone_cost = per_item(n, || {
        for p in &payloads {
            std::hint::black_box(p.clone());
        }
    });
    refs.push((
        "CWT claims (coset, ciborium)",
        per_item(n, || {
            for p in &payloads {
                std::hint::black_box(hcert::encode_claims("VN", iat, exp, p.clone()).is_ok());
            }
        }) - clone_cost,
    ));
    let claims_clone = per_item(n, || {
        for c in &claims {
            std::hint::black_box(c.clone());
        }
    });
    refs.push((
        "COSE_Sign1 (coset, no signature)",
        per_item(n, || {
            for c in &claims {
                std::hint::black_box(unsigned.sign_claims(c.clone()).is_ok());
            }
        }) - claims_clone,
    ));
    refs.push((
        "zlib (stored) + Base45 (base45 crate)",
        per_item(n, || {
            for c in &coses {
                std::hint::black_box(issuer.encode(c));
            }
        }),
    ));
    refs.push((
        "certificates.jsonl line (serde_json)",
        per_item(n, || {
            for ((c, u), h) in cleaned.iter().zip(&uvcis).zip(&hc1s) {
                let line = batch::CertLine {
                    record_id: &c.record_id,
                    uvci: u,
                    hc1: h,
                    kid: &kid,
                    iat: &iat_text,
                    exp: &exp_text,
                    qr: None,
                };
                let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
                bytes.push(b'\n');
                std::hint::black_box(bytes);
            }
        }),
    ));
    println!("\n== the crate paths these stages replace, for comparison ==");
    for (name, us) in &refs {
        println!("{name:<40} {us:>7.2} µs");
    }
    Ok(())
}

/// A key that does not sign (a zero signature of the right length): the cost of everything
/// around the signature, without the noise of subtracting one.
struct NoSignature;

impl hcert::SigningKey for NoSignature {
    fn algorithm(&self) -> hcert::Algorithm {
        hcert::Algorithm::Es256
    }

    fn sign(&self, _: &[u8]) -> hcert::Result<Vec<u8>> {
        Ok(vec![0; 64])
    }
}

/// User + system CPU seconds of this process so far (Linux: /proc/self/stat, in clock ticks
/// of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) close with ')'.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Some((ticks(11)? + ticks(12)?) / 100.0)
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
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a == "none" || a == "png")
        .collect();
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
    stages(&keys_dir, &input)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let reference = openssl_sign_rate(threads);
    let mut rows = Vec::new();
    for (name, qr) in [
        ("--qr none", batch::QrOutput::None),
        ("--qr png", batch::QrOutput::Png),
    ] {
        if !only.is_empty() && !only.iter().any(|o| name.ends_with(o.as_str())) {
            continue;
        }
        let out = dir.join(format!(
            "out-{}",
            name.replace(' ', "").trim_start_matches('-')
        ));
        let _ = std::fs::remove_dir_all(&out);
        reset_peak_rss();
        let cpu_before = cpu_seconds();
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
            only_verified: None,
        })?;
        let cpu = cpu_seconds().zip(cpu_before).map(|(a, b)| a - b);
        rows.push((name, summary, cpu));
        let _ = std::fs::remove_dir_all(&out);
        std::thread::sleep(Duration::from_secs(1));
    }
    println!("\n== vaxpass issue, {count} records, {threads} threads ==");
    if let Some(r) = reference {
        println!("openssl speed -multi {threads} ecdsap256: {r:.0} signs/s (the reference)");
    }
    for (name, s, cpu) in rows {
        let ratio = reference.map_or("n/a".to_string(), |r| {
            format!("{:.2}", s.certificates_per_second / r)
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
        // CPU time is steadier than the rate when other work shares the machine.
        if let Some(cpu) = cpu {
            println!(
                "{:<10} {:.1} µs of CPU per certificate (user + system, all threads)",
                "",
                cpu * 1e6 / s.issued.max(1) as f64
            );
        }
    }
    Ok(())
}
