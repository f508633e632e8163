//! Throughput of the HCERT pipeline per core, against OpenSSL measured in the same run.
//!
//! Run with `taskset -c 0 cargo bench -p hcert --features aws-lc,sign --bench pipeline`
//! (pinning keeps OpenSSL and us on the same core). The machine is noisy, so the numbers that
//! matter are the ratios to `openssl speed`, printed at the end.

// A benchmark stops at the first broken setup step.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;

use criterion::{Criterion, Throughput};
use hcert::{
    Algorithm, Backend, Certificate, CertificateSpec, Issuer, IssuerRef, KeyFactory, NameAttr,
    TrustStore, UnixTime,
};

/// The allocator the native binaries (`vaxpass`) use, so the numbers are theirs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const T0: i64 = 1_640_995_200;

fn signer(factory: &dyn KeyFactory, alg: Algorithm) -> (Vec<u8>, Certificate) {
    let pkcs8 = factory.generate_pkcs8(alg, 2048).expect("key");
    let key = factory.load_signing_key(alg, &pkcs8).expect("key");
    let spki = factory.public_key_der(alg, &pkcs8).expect("spki");
    let subject = hcert::encode_name(&[
        (NameAttr::Country, "VN"),
        (NameAttr::CommonName, "Bench DSC"),
    ]);
    let spec = CertificateSpec {
        serial: vec![1; 8],
        subject: subject.clone(),
        not_before: UnixTime(T0),
        not_after: UnixTime(T0 + 800 * 86_400),
        spki_der: spki.clone(),
        ca: None,
        key_usage: hcert::KU_DIGITAL_SIGNATURE,
        types: vec![hcert::CertificateType::Vaccination],
    };
    let issuer = IssuerRef {
        name: &subject,
        key: key.as_ref(),
        key_id: hcert::key_identifier(&spki),
    };
    let der = hcert::build_certificate(&spec, &issuer).expect("certificate");
    (pkcs8, Certificate::from_der(&der).expect("parse"))
}

fn payload() -> serde_json::Value {
    serde_json::json!({
        "ver": "1.3.0",
        "nam": {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Thị Minh Khai", "gnt": "THI<MINH<KHAI"},
        "dob": "1985-04-30",
        "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
               "dn": 2, "sd": 2, "dt": "2021-09-15", "co": "VN", "is": "Ministry of Health of Viet Nam",
               "ci": "URN:UVCI:01:VN:0123456789ABCDEF0123456789ABCDEF#Q"}]
    })
}

fn bench_verify(c: &mut Criterion, backend: &'static dyn Backend) {
    let factory = hcert::default_key_factory();
    let dcc = payload();
    let at = UnixTime(T0 + 10 * 86_400);
    for alg in [Algorithm::Es256, Algorithm::Ps256] {
        let (pkcs8, cert) = signer(factory, alg);
        let mut issuer = Issuer::new(
            factory.load_signing_key(alg, &pkcs8).expect("key"),
            cert.kid,
        );
        let hc1 = issuer
            .issue(
                "VN",
                UnixTime(T0 + 86_400),
                UnixTime(T0 + 365 * 86_400),
                &dcc,
            )
            .expect("issue");
        let mut trust = TrustStore::with_backend(backend);
        trust.add(cert, Some("VN".into()));
        assert!(hcert::verify(&hc1, &trust, at).is_valid());
        let mut g = c.benchmark_group(format!("decode_verify/{}", backend.name()));
        g.throughput(Throughput::Elements(1));
        g.bench_function(alg.name(), |b| {
            b.iter(|| black_box(hcert::verify(black_box(&hc1), &trust, at)))
        });
        g.finish();
        // Where the time goes: each decoding stage alone, and the bare signature check.
        let mut g = c.benchmark_group(format!("stages/{}/{}", backend.name(), alg.name()));
        let decoded = hcert::decode(&hc1).expect("decode");
        let b45 = hcert::strip_prefix(&hc1).expect("prefix");
        let compressed = hcert::decode_base45(b45).expect("base45");
        let cose_bytes = hcert::inflate(&compressed, 1 << 16).expect("inflate");
        let sign1 = hcert::decode_sign1(&cose_bytes).expect("cose");
        let (_, dcc_cbor) = hcert::decode_claims(sign1.payload()).expect("cwt");
        g.bench_function("decode", |b| {
            b.iter(|| black_box(hcert::decode(black_box(&hc1)).is_ok()))
        });
        g.bench_function("base45", |b| {
            b.iter(|| black_box(hcert::decode_base45(black_box(b45)).is_ok()))
        });
        // The `base45` crate's decoder, for the comparison in `decode/base45.rs`.
        g.bench_function("base45_crate", |b| {
            b.iter(|| black_box(base45::decode(black_box(b45)).is_ok()))
        });
        g.bench_function("inflate", |b| {
            b.iter(|| black_box(hcert::inflate(black_box(&compressed), 1 << 16).is_ok()))
        });
        g.bench_function("cose", |b| {
            b.iter(|| black_box(hcert::decode_sign1(black_box(&cose_bytes)).is_ok()))
        });
        g.bench_function("cwt", |b| {
            b.iter(|| black_box(hcert::decode_claims(black_box(sign1.payload())).is_ok()))
        });
        g.bench_function("cbor_to_json", |b| {
            b.iter(|| black_box(hcert::cbor_to_json(black_box(dcc_cbor.clone())).is_ok()))
        });
        g.bench_function("schema", |b| {
            b.iter(|| black_box(hcert::validate_schema(black_box(&decoded.dcc.json)).is_ok()))
        });
        let message = decoded.cose.signed_bytes();
        let signer = trust.signers().first().expect("signer");
        let key = signer.key().expect("key");
        g.bench_function("signature", |b| {
            b.iter(|| black_box(key.verify(alg, black_box(&message), decoded.cose.signature())))
        });
        g.finish();
    }
}

fn bench_sign(c: &mut Criterion) {
    let factory: &dyn KeyFactory = hcert::default_key_factory();
    let dcc = payload();
    let mut g = c.benchmark_group("hc1_sign");
    g.throughput(Throughput::Elements(1));
    for alg in [Algorithm::Es256, Algorithm::Ps256] {
        let (pkcs8, cert) = signer(factory, alg);
        let mut issuer = Issuer::new(
            factory.load_signing_key(alg, &pkcs8).expect("key"),
            cert.kid,
        );
        g.bench_function(alg.name(), |b| {
            b.iter(|| {
                black_box(
                    issuer
                        .issue(
                            "VN",
                            UnixTime(T0),
                            UnixTime(T0 + 365 * 86_400),
                            black_box(&dcc),
                        )
                        .expect("issue"),
                )
            })
        });
    }
    g.finish();
}

fn bench_bomb(c: &mut Criterion) {
    use std::io::Write as _;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        enc.write_all(&chunk).expect("compress");
    }
    let text = format!("HC1:{}", base45::encode(enc.finish().expect("compress")));
    let lifted = hcert::Limits {
        max_input: usize::MAX,
        ..hcert::Limits::default()
    };
    let mut g = c.benchmark_group("zlib_bomb_1GiB");
    g.sample_size(20);
    g.bench_function("default_limits", |b| {
        b.iter(|| black_box(hcert::decode(black_box(&text)).is_err()))
    });
    g.bench_function("input_limit_lifted", |b| {
        b.iter(|| black_box(hcert::decode_with(black_box(&text), lifted).is_err()))
    });
    g.finish();
}

/// Parses `openssl speed` output: the sign/s and verify/s columns of the matching line.
fn openssl_speed(alg: &str, line_start: &str) -> Option<(f64, f64)> {
    let out = Command::new("openssl")
        .args(["speed", "-seconds", "3", alg])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with(line_start))?;
    let nums: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    // "... sign verify sign/s verify/s": the last two numbers.
    match nums.as_slice() {
        [.., s, v] => Some((*s, *v)),
        _ => None,
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// Mean time per iteration from criterion's saved estimates, as operations per second.
fn ops_per_sec(dir: &std::path::Path, group: &str, name: &str) -> Option<f64> {
    let p = dir
        .join(group.replace('/', "_"))
        .join(name)
        .join("new/estimates.json");
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()?;
    let ns = j["mean"]["point_estimate"].as_f64()?;
    Some(1e9 / ns)
}

fn main() {
    let ec = openssl_speed("ecdsap256", "256 bits ecdsa");
    let rsa = openssl_speed("rsa2048", "rsa 2048 bits");
    let dir = target_dir().join("criterion");
    let mut c = Criterion::default()
        .output_directory(&dir)
        .configure_from_args();
    for backend in hcert::backends() {
        bench_verify(&mut c, backend);
    }
    bench_sign(&mut c);
    bench_bomb(&mut c);
    c.final_summary();

    println!("\n== per-core throughput and ratio to `openssl speed -seconds 3` (same run) ==");
    if let Some((s, v)) = ec {
        println!("openssl ecdsap256: sign {s:.0}/s, verify {v:.0}/s");
    }
    if let Some((s, v)) = rsa {
        println!("openssl rsa2048:   sign {s:.0}/s, verify {v:.0}/s");
    }
    let row = |what: &str, group: &str, name: &str, reference: Option<f64>, target: &str| {
        match ops_per_sec(&dir, group, name) {
            Some(ops) => {
                let ratio = reference.map_or("n/a".into(), |r| format!("{:.2}", ops / r));
                println!("{what:<40} {ops:>9.0}/s  ratio {ratio:>5}  ({target})");
            }
            None => println!("{what:<40} (no estimate; filtered out?)"),
        }
    };
    for b in hcert::backends() {
        let g = format!("decode_verify/{}", b.name());
        row(
            &format!("decode+verify ES256 [{}]", b.name()),
            &g,
            "ES256",
            ec.map(|e| e.1),
            "vs openssl ECDSA verify; target ≥ 15000/s natively",
        );
        row(
            &format!("decode+verify PS256-2048 [{}]", b.name()),
            &g,
            "PS256",
            rsa.map(|r| r.1),
            "vs openssl RSA verify; target ≥ 25000/s natively",
        );
    }
    row(
        "HC1 sign pipeline ES256",
        "hc1_sign",
        "ES256",
        ec.map(|e| e.0),
        "vs openssl ECDSA sign; target ratio ≥ 0.5",
    );
    row(
        "HC1 sign pipeline PS256-2048",
        "hc1_sign",
        "PS256",
        rsa.map(|r| r.0),
        "vs openssl RSA sign",
    );
    println!("\n== where a decode+verify spends its time (share of the whole) ==");
    for b in hcert::backends() {
        for alg in ["ES256", "PS256"] {
            let g = format!("stages/{}/{alg}", b.name());
            let Some(whole) = ops_per_sec(&dir, &format!("decode_verify/{}", b.name()), alg) else {
                continue;
            };
            let whole_us = 1e6 / whole;
            let mut line = format!("{alg} [{}] {whole_us:.1} µs:", b.name());
            for stage in [
                "base45",
                "inflate",
                "cose",
                "cwt",
                "cbor_to_json",
                "schema",
                "signature",
            ] {
                if let Some(ops) = ops_per_sec(&dir, &g, stage) {
                    let us = 1e6 / ops;
                    line.push_str(&format!(
                        " {stage} {us:.2} µs ({:.1}%)",
                        100.0 * us / whole_us
                    ));
                }
            }
            if let Some(ops) = ops_per_sec(&dir, &g, "base45_crate") {
                line.push_str(&format!(" [base45 crate instead: {:.2} µs]", 1e6 / ops));
            }
            println!("{line}");
        }
    }
    for name in ["default_limits", "input_limit_lifted"] {
        if let Some(ops) = ops_per_sec(&dir, "zlib_bomb_1GiB", name) {
            println!(
                "{:<40} {:>9.3} ms per rejection (target < 100 ms)",
                format!("1 GiB zlib bomb, {name}"),
                1e3 / ops
            );
        }
    }
}
