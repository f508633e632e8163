//! `vaxpass`: decode, verify and issue EU Digital COVID Certificates, and publish and serve
//! the static trust-list API.
//!
//! Exit codes: 0 success (for `verify`: valid), 1 the certificate or check failed,
//! 2 usage or I/O errors.

use std::path::PathBuf;

/// Small allocations dominate decoding and issuing; mimalloc makes them cheap.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use vaxpass::input::{self, InputError};
use vaxpass::issuer::{batch, gen, keys};
use vaxpass::{conformance, publish, render, serve};

#[derive(Parser)]
#[command(
    name = "vaxpass",
    version,
    about = "EU Digital COVID Certificates for Viet Nam"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode a certificate without verifying it.
    Decode {
        /// `HC1:` text, a file holding it, a PNG/JPEG image of the QR code, or `-` for stdin.
        input: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Verify a certificate against trusted signer certificates.
    Verify {
        /// `HC1:` text, a file holding it, a PNG/JPEG image of the QR code, or `-` for stdin.
        input: String,
        /// A signer certificate (DER or PEM) or an EU gateway trust list (JSON). Repeatable.
        /// Checks no revocation; use --published for that.
        #[arg(long = "trust", required_unless_present = "published")]
        trust: Vec<PathBuf>,
        /// A published tree (`publish --out` or one version of it): its trust list and
        /// revocation filter, their signatures checked against --anchor.
        #[arg(long, requires = "anchor", conflicts_with = "trust")]
        published: Option<PathBuf>,
        /// The pinned trust-list signing certificate (PEM) for --published.
        #[arg(long, requires = "published")]
        anchor: Option<PathBuf>,
        /// The issuer's key store: check revocation against its exact log (gives the reason)
        /// instead of the published filter. Needs --published.
        #[arg(long, requires = "published")]
        keys: Option<PathBuf>,
        /// Verify as of this time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<String>,
        /// Print the full verdict as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Manage the country signing CA and document signers.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Sign certificates for a batch of vaccination records (CSV or JSON Lines).
    Issue {
        /// Key store directory.
        #[arg(long)]
        keys: PathBuf,
        /// Records to issue (see docs/records.md).
        #[arg(long)]
        input: PathBuf,
        /// Output directory (empty, or a run to --resume).
        #[arg(long)]
        out: PathBuf,
        /// QR images per certificate.
        #[arg(long, value_enum, default_value = "none")]
        qr: QrArg,
        /// Worker threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
        /// Continue an interrupted run in --out.
        #[arg(long)]
        resume: bool,
        /// Issue time (RFC 3339) instead of now; fixed for the whole run.
        #[arg(long)]
        issued_at: Option<String>,
        /// Verify every certificate before writing it (default: one in 1000).
        #[arg(long)]
        verify_all: bool,
        /// Pixels per QR module in PNG images.
        #[arg(long, default_value_t = 4)]
        png_scale: usize,
        /// zlib level of the certificate payload: 0 writes stored blocks (a standard zlib
        /// stream; certificate payloads do not compress, so it is as small and far faster), 9
        /// gives the `78 DA` header most issuers use.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=9))]
        zlib_level: u32,
        /// Milliseconds between durable checkpoints (what a crash can lose and redo).
        #[arg(long, default_value_t = 1500)]
        checkpoint_ms: u64,
    },
    /// Write realistic synthetic vaccination records (for tests and benchmarks).
    GenRecords {
        /// Number of records.
        #[arg(long)]
        count: u64,
        /// Random seed (same seed, same records).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Share of records deliberately broken (0–1).
        #[arg(long, default_value_t = 0.0)]
        error_rate: f64,
        /// Output file (default: stdout). `.jsonl` writes JSON Lines.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Force JSON Lines.
        #[arg(long)]
        jsonl: bool,
    },
    /// Publish the signed static API (trust lists, value sets, index) atomically.
    Publish {
        /// Key store directory.
        #[arg(long)]
        keys: PathBuf,
        /// Output directory (its `current` link is replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Partner trust lists in EU gateway JSON format to include. Repeatable.
        #[arg(long = "extra-trust")]
        extra_trust: Vec<PathBuf>,
        /// Days the published lists stay valid.
        #[arg(long, default_value_t = 7)]
        valid_days: i64,
        /// Hours until the next planned publication (announced in the index).
        #[arg(long, default_value_t = 24)]
        update_hours: i64,
        /// Publication time (RFC 3339) instead of now.
        #[arg(long)]
        now: Option<String>,
    },
    /// Revoke certificates (by UVCI, or a file of UVCIs, `HC1:` texts or certificates.jsonl
    /// lines) or a whole document signer; or list what is revoked. Takes effect at the next
    /// `publish`.
    Revoke {
        /// Key store directory (the revocation logs live there).
        #[arg(long)]
        keys: PathBuf,
        /// A certificate's UVCI. Repeatable.
        #[arg(long, conflicts_with_all = ["file", "signer", "list"])]
        uvci: Vec<String>,
        /// One certificate per line: a UVCI, an `HC1:` text, or a JSON line with "uvci" or
        /// "hc1" (an `issue` run's certificates.jsonl). `-` reads stdin.
        #[arg(long, conflicts_with_all = ["signer", "list"])]
        file: Option<PathBuf>,
        /// Revoke a document signer (Base64 kid): it leaves the published trust lists and
        /// `issue` refuses it.
        #[arg(long, conflicts_with = "list")]
        signer: Option<String>,
        /// Why: wrong-data, fraud, key-compromise or superseded.
        #[arg(long, required_unless_present = "list")]
        reason: Option<String>,
        /// List what is revoked.
        #[arg(long)]
        list: bool,
        /// Revocation time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<String>,
    },
    /// Serve the published trust lists and the verifier portal.
    Serve {
        /// A `publish --out` directory.
        #[arg(long = "trust-lists")]
        trust_lists: PathBuf,
        /// The portal build (`dist/`).
        #[arg(long)]
        app: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Do not write access logs.
        #[arg(long)]
        no_access_log: bool,
    },
    /// Draw text (a certificate) as a QR code image: PNG; SVG when OUT ends in `.svg`; a
    /// one-frame 640×480 Y4M video (a browser's fake camera) when it ends in `.y4m`.
    Qr {
        /// `HC1:` text, a file holding it, a PNG/JPEG image of a QR code, or `-` for stdin.
        input: String,
        /// Output image.
        #[arg(long)]
        out: PathBuf,
        /// Pixels per module (PNG).
        #[arg(long, default_value_t = 4)]
        scale: usize,
        /// Error correction level: L, M, Q (the HCERT recommendation) or H.
        #[arg(long, default_value = "Q")]
        ecc: String,
    },
    /// Run the dgc-testdata conformance suite found below DIR.
    Conformance {
        /// The suite directory (e.g. ../shared/conformance/dgc-testdata).
        dir: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Allowlist of known test-data errors (default: the one built in).
        #[arg(long)]
        allowlist: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum QrArg {
    None,
    Png,
    Svg,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum AlgArg {
    #[value(name = "ES256")]
    Es256,
    #[value(name = "PS256")]
    Ps256,
}

#[derive(clap::Args)]
struct KeyArgs {
    /// Signature algorithm.
    #[arg(long, value_enum, default_value = "ES256")]
    alg: AlgArg,
    /// RSA modulus size for PS256 document signers (2048 or 3072).
    #[arg(long, default_value_t = 2048)]
    rsa_bits: usize,
    /// Certificate types the signer may sign: any of v, t, r (default: all).
    #[arg(long, value_delimiter = ',')]
    types: Vec<String>,
    /// Start of validity (RFC 3339; default now).
    #[arg(long)]
    valid_from: Option<String>,
    /// Days of validity of the document signer.
    #[arg(long, default_value_t = 730)]
    valid_days: i64,
    /// Organisation in subject names.
    #[arg(long, default_value = "Bộ Y tế (Ministry of Health)")]
    organization: String,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create a key store: country signing CA, document signer, trust-list signer.
    Init {
        /// Key store directory (new or empty; never under a published or served directory).
        #[arg(long)]
        dir: PathBuf,
        /// Issuing country.
        #[arg(long, default_value = "VN")]
        country: String,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Add another document signer (rotation, or a signer for one certificate type).
    AddSigner {
        /// Key store directory.
        #[arg(long)]
        dir: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
        /// Make it the signer `issue` uses.
        #[arg(long)]
        activate: bool,
    },
    /// Make a document signer the one `issue` uses.
    Activate {
        /// Key store directory.
        #[arg(long)]
        dir: PathBuf,
        /// Its kid (Base64).
        kid: String,
    },
    /// List the document signers.
    List {
        /// Key store directory.
        #[arg(long)]
        dir: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn key_options(k: &KeyArgs) -> anyhow::Result<keys::KeyOptions> {
    let mut types = Vec::new();
    for t in &k.types {
        types.push(match t.trim() {
            "v" => hcert::CertificateType::Vaccination,
            "t" => hcert::CertificateType::Test,
            "r" => hcert::CertificateType::Recovery,
            other => anyhow::bail!("--types: {other:?} is not v, t or r"),
        });
    }
    Ok(keys::KeyOptions {
        alg: match k.alg {
            AlgArg::Es256 => hcert::crypto::Algorithm::Es256,
            AlgArg::Ps256 => hcert::crypto::Algorithm::Ps256,
        },
        rsa_bits: k.rsa_bits,
        types,
        valid_from: match &k.valid_from {
            Some(s) => parse_time(s)?,
            None => now(),
        },
        valid_days: k.valid_days,
        organization: k.organization.clone(),
    })
}

fn parse_time(s: &str) -> anyhow::Result<hcert::UnixTime> {
    hcert::UnixTime::parse_rfc3339(s)
        .ok_or_else(|| anyhow::anyhow!("{s:?} is not an RFC 3339 time"))
}

fn keys_command(cmd: KeysCommand) -> anyhow::Result<()> {
    match cmd {
        KeysCommand::Init { dir, country, key } => {
            let store = keys::KeyStore::init(&dir, &country, &key_options(&key)?)?;
            println!("created key store {}", dir.display());
            print!("{}", keys::list_text(&store)?);
        }
        KeysCommand::AddSigner { dir, key, activate } => {
            let mut store = keys::KeyStore::open(&dir)?;
            let kid = store.add_signer(&key_options(&key)?)?;
            if activate {
                store.activate(&kid)?;
            }
            println!("added document signer {kid}");
            print!("{}", keys::list_text(&store)?);
        }
        KeysCommand::Activate { dir, kid } => {
            let mut store = keys::KeyStore::open(&dir)?;
            store.activate(&kid)?;
            print!("{}", keys::list_text(&store)?);
        }
        KeysCommand::List { dir, json } => {
            let store = keys::KeyStore::open(&dir)?;
            if json {
                let signers: Vec<_> = store
                    .signers()?
                    .iter()
                    .map(|c| {
                        serde_json::json!({
                            "kid": c.kid_base64(),
                            "key": c.public_key.kind.to_string(),
                            "types": c.allowed_types().iter().map(|t| t.code()).collect::<Vec<_>>(),
                            "not_before": c.not_before.rfc3339(),
                            "not_after": c.not_after.rfc3339(),
                            "subject": c.subject.text,
                            "active": c.kid_base64() == store.manifest.active,
                        })
                    })
                    .collect();
                print_json(
                    &serde_json::json!({"country": store.manifest.country, "signers": signers}),
                );
            } else {
                print!("{}", keys::list_text(&store)?);
            }
        }
    }
    Ok(())
}

fn revoke_command(
    keys: &std::path::Path,
    uvcis: &[String],
    file: Option<&std::path::Path>,
    signer: Option<&str>,
    reason: Option<&str>,
    list: bool,
    at: hcert::UnixTime,
) -> anyhow::Result<ExitCode> {
    use std::io::Write as _;
    use vaxpass::issuer::revoke;
    let store = keys::KeyStore::open(keys)?;
    if list {
        let stdout = std::io::stdout();
        let mut w = std::io::BufWriter::new(stdout.lock());
        for s in revoke::revoked_signers(keys)? {
            writeln!(
                w,
                "signer\t{}\t{}\t{}",
                s.at.rfc3339(),
                s.reason.code(),
                s.kid
            )?;
        }
        let mut n = 0u64;
        revoke::read_log(keys, |e, _| {
            n += 1;
            writeln!(
                w,
                "certificate\t{}\t{}\t{}",
                e.at.rfc3339(),
                e.reason.code(),
                e.uvci
            )?;
            Ok(())
        })?;
        w.flush()?;
        eprintln!("{n} revoked certificates");
        return Ok(ExitCode::SUCCESS);
    }
    let code = reason.unwrap_or_default();
    let reason = hcert::revocation::Reason::from_code(code).ok_or_else(|| {
        anyhow::anyhow!("--reason {code:?}: use wrong-data, fraud, key-compromise or superseded")
    })?;
    if let Some(kid) = signer {
        if !store.signers()?.iter().any(|c| c.kid_base64() == kid) {
            anyhow::bail!("no document signer with kid {kid} in {}", keys.display());
        }
        if revoke::revoke_signer(keys, kid, reason, at)? {
            println!(
                "revoked document signer {kid} ({}); publish to take it out of the trust lists",
                reason.code()
            );
            if store.manifest.active == kid {
                println!("it is the active signer: activate another one before the next issue run");
            }
        } else {
            println!("document signer {kid} was already revoked");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut log = revoke::Log::open(keys, &store.manifest.country)?;
    let summary = match file {
        Some(path) if path.as_os_str() == "-" => {
            log.revoke_lines(std::io::stdin().lock(), reason, at)?
        }
        Some(path) => {
            let f =
                std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
            log.revoke_lines(std::io::BufReader::with_capacity(1 << 20, f), reason, at)?
        }
        None if uvcis.is_empty() => anyhow::bail!("give --uvci, --file, --signer or --list"),
        None => log.revoke_lines(uvcis.join("\n").as_bytes(), reason, at)?,
    };
    for (line, why) in &summary.rejected {
        eprintln!("line {line}: rejected: {why}");
    }
    println!(
        "{} read: {} revoked ({}), {} already revoked, {} rejected; {} revoked in all; publish to take effect",
        summary.read,
        summary.revoked,
        reason.code(),
        summary.already,
        summary.rejected.len(),
        log.len()
    );
    Ok(if summary.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn now() -> hcert::UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    hcert::UnixTime(i64::try_from(secs).unwrap_or(i64::MAX))
}

fn print_json(value: &serde_json::Value) {
    println!("{value:#}");
}

fn usage(e: anyhow::Error) -> ExitCode {
    eprintln!("vaxpass: {e:#}");
    ExitCode::from(2)
}

fn read_input(arg: &str) -> Result<String, ExitCode> {
    match input::certificate_text(arg) {
        Ok(t) => Ok(t),
        Err(InputError::Io(e)) => Err(usage(e)),
        Err(InputError::Certificate(e)) => {
            eprintln!("{} [{}]", e.message(), e.code());
            Err(ExitCode::from(1))
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Decode { input, json } => {
            let text = match read_input(&input) {
                Ok(t) => t,
                Err(code) => return code,
            };
            match hcert::decode(&text) {
                Ok(d) => {
                    if json {
                        print_json(&render::decoded_json(&d));
                    } else {
                        print!("{}", render::decoded_text(&d));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    if json {
                        println!(
                            "{}",
                            serde_json::json!({"error": {"code": e.code(), "message": e.message(), "detail": e.detail()}})
                        );
                    } else {
                        eprintln!("{} [{}: {}]", e.message(), e.code(), e.detail());
                    }
                    ExitCode::from(1)
                }
            }
        }
        Command::Verify {
            input,
            trust,
            published,
            anchor,
            keys,
            at,
            json,
        } => {
            let at = match at {
                None => now(),
                Some(s) => match hcert::UnixTime::parse_rfc3339(&s) {
                    Some(t) => t,
                    None => return usage(anyhow::anyhow!("--at {s:?} is not an RFC 3339 time")),
                },
            };
            let mut store = hcert::TrustStore::new();
            if let (Some(dir), Some(anchor)) = (&published, &anchor) {
                match vaxpass::verify_published::load(dir, anchor, keys.as_deref(), now()) {
                    Ok((s, note)) => {
                        store = s;
                        if !json {
                            eprintln!("{note}");
                        }
                    }
                    Err(e) => {
                        // The published lists themselves are bad: nothing can be verified.
                        eprintln!("vaxpass: the published lists cannot be used: {e:#}");
                        return ExitCode::from(1);
                    }
                }
            }
            for path in &trust {
                let loaded = std::fs::read(path)
                    .with_context(|| format!("reading {}", path.display()))
                    .and_then(|bytes| {
                        store
                            .add_any(&bytes)
                            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
                    });
                if let Err(e) = loaded {
                    return usage(e);
                }
            }
            let text = match read_input(&input) {
                Ok(t) => t,
                Err(code) => return code,
            };
            let verdict = hcert::verify_as_of(&text, &store, at, now());
            if json {
                print_json(&render::verdict_json(&verdict));
            } else {
                print!("{}", render::verdict_text(&verdict));
            }
            if verdict.is_valid() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Keys { command } => match keys_command(command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => usage(e),
        },
        Command::Issue {
            keys,
            input,
            out,
            qr,
            threads,
            resume,
            issued_at,
            verify_all,
            png_scale,
            zlib_level,
            checkpoint_ms,
        } => {
            let issued_at = match issued_at.as_deref().map(parse_time).transpose() {
                Ok(t) => t,
                Err(e) => return usage(e),
            };
            let opts = batch::Options {
                keys,
                input,
                out,
                qr: match qr {
                    QrArg::None => batch::QrOutput::None,
                    QrArg::Png => batch::QrOutput::Png,
                    QrArg::Svg => batch::QrOutput::Svg,
                },
                threads: threads
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
                resume,
                issued_at,
                verify_all,
                progress: true,
                png_scale,
                zlib_level,
                checkpoint_every: std::time::Duration::from_millis(checkpoint_ms.max(10)),
            };
            match batch::run(&opts) {
                Ok(summary) => {
                    eprintln!(
                        "issued {} certificates, rejected {} records ({:.0} records/s); see {}",
                        summary.issued,
                        summary.rejected,
                        summary.records_per_second,
                        opts.out.join("summary.json").display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => usage(e),
            }
        }
        Command::Publish {
            keys,
            out,
            extra_trust,
            valid_days,
            update_hours,
            now: at,
        } => {
            let now = match at.as_deref().map(parse_time).transpose() {
                Ok(t) => t.unwrap_or_else(now),
                Err(e) => return usage(e),
            };
            let opts = publish::Options {
                keys,
                out,
                extra_trust,
                now,
                valid_days,
                update_hours,
            };
            match publish::publish_report(&opts) {
                Ok(p) => {
                    let r = &p.revocation;
                    println!("published {}", p.dir.display());
                    println!(
                        "revocation: {} certificates; filter {} bytes in {} ({}, false positives {:.2e}); EU batches {} ({} new)",
                        r.entries,
                        r.filter_bytes,
                        if r.base_rebuilt { "a new base" } else { "base + deltas" },
                        r.new_delta_bytes.map_or_else(|| "no new delta".to_string(), |b| format!("new delta {b} bytes")),
                        r.false_positive_rate,
                        r.batches.0,
                        r.batches.1,
                    );
                    if p.revoked_signers > 0 {
                        println!("left out {} revoked document signer(s)", p.revoked_signers);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => usage(e),
            }
        }
        Command::Revoke {
            keys,
            uvci,
            file,
            signer,
            reason,
            list,
            at,
        } => {
            let at = match at.as_deref().map(parse_time).transpose() {
                Ok(t) => t.unwrap_or_else(now),
                Err(e) => return usage(e),
            };
            match revoke_command(
                &keys,
                &uvci,
                file.as_deref(),
                signer.as_deref(),
                reason.as_deref(),
                list,
                at,
            ) {
                Ok(code) => code,
                Err(e) => usage(e),
            }
        }
        Command::Serve {
            trust_lists,
            app,
            addr,
            no_access_log,
        } => {
            let state = match serve::AppState::load(&trust_lists, &app, !no_access_log) {
                Ok(s) => std::sync::Arc::new(s),
                Err(e) => return usage(e),
            };
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => return usage(e.into()),
            };
            match runtime.block_on(serve::run(state, addr)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => usage(e),
            }
        }
        Command::GenRecords {
            count,
            seed,
            error_rate,
            out,
            jsonl,
        } => {
            let jsonl = jsonl
                || out.as_deref().is_some_and(|p| {
                    matches!(
                        vaxpass::issuer::records::Format::from_path(p),
                        vaxpass::issuer::records::Format::JsonLines
                    )
                });
            let result = match &out {
                Some(path) => std::fs::File::create(path)
                    .map_err(anyhow::Error::from)
                    .and_then(|f| {
                        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
                        gen::write(&mut w, count, seed, error_rate, jsonl)
                    }),
                None => {
                    let stdout = std::io::stdout();
                    let mut w = std::io::BufWriter::new(stdout.lock());
                    gen::write(&mut w, count, seed, error_rate, jsonl)
                }
            };
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => usage(e),
            }
        }
        Command::Qr {
            input,
            out,
            scale,
            ecc,
        } => {
            use vaxpass::issuer::qrgen::{self, Ecc};
            let text = match read_input(&input) {
                Ok(t) => t,
                Err(code) => return code,
            };
            let ecc = match ecc.to_ascii_uppercase().as_str() {
                "L" => Ecc::Low,
                "M" => Ecc::Medium,
                "Q" => Ecc::Quartile,
                "H" => Ecc::High,
                other => return usage(anyhow::anyhow!("--ecc {other}: use L, M, Q or H")),
            };
            if !(1..=64).contains(&scale) {
                return usage(anyhow::anyhow!("--scale must be 1 to 64"));
            }
            let code = match qrgen::encode(text.trim(), ecc) {
                Ok(c) => c,
                Err(e) => return usage(anyhow::anyhow!("cannot encode as a QR code: {e:?}")),
            };
            let ext = out
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let bytes = if ext == "svg" {
                qrgen::svg(&code).into_bytes()
            } else if ext == "y4m" {
                match qrgen::y4m(&code, scale, 640, 480) {
                    Some(v) => v,
                    None => {
                        return usage(anyhow::anyhow!(
                            "the code does not fit a 640×480 frame at --scale {scale}"
                        ))
                    }
                }
            } else {
                qrgen::png(&code, scale, &mut hcert::zlib::Deflater::new(6))
            };
            match std::fs::write(&out, bytes) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => usage(anyhow::anyhow!("{}: {e}", out.display())),
            }
        }
        Command::Conformance {
            dir,
            json,
            allowlist,
        } => {
            let allow = match allowlist {
                None => conformance::DEFAULT_ALLOWLIST.to_string(),
                Some(p) => match std::fs::read_to_string(&p) {
                    Ok(t) => t,
                    Err(e) => return usage(anyhow::anyhow!("{}: {e}", p.display())),
                },
            };
            let report = match conformance::run(&dir, &allow) {
                Ok(r) => r,
                Err(e) => return usage(anyhow::anyhow!(e)),
            };
            if json {
                print_json(&conformance::to_json(&report));
            } else {
                print!("{}", conformance::render(&report));
            }
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn main() -> ExitCode {
    run(Cli::parse())
}
