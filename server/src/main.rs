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
use vaxpass::{conformance, render};

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
        #[arg(long = "trust", required = true)]
        trust: Vec<PathBuf>,
        /// Verify as of this time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<String>,
        /// Print the full verdict as JSON.
        #[arg(long)]
        json: bool,
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
            let verdict = hcert::verify(&text, &store, at);
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
