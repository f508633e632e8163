//! `vaxpass revoke`: certificates by UVCI, `HC1:` text or certificates.jsonl line, or a
//! whole document signer, appended to the key store's revocation logs; or `--list`.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use hcert::RevocationReason;
use vaxpass_keystore as revoke;
use vaxpass_keystore::KeyStore;

use crate::cli::{ReasonArg, RevokeArgs};
use crate::commands::common::time_or_now;

fn reason(r: ReasonArg) -> RevocationReason {
    match r {
        ReasonArg::WrongData => RevocationReason::WrongData,
        ReasonArg::Fraud => RevocationReason::Fraud,
        ReasonArg::KeyCompromise => RevocationReason::KeyCompromise,
        ReasonArg::Superseded => RevocationReason::Superseded,
    }
}

fn list(a: &RevokeArgs) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    for s in revoke::revoked_signers(&a.keys)? {
        writeln!(
            w,
            "signer\t{}\t{}\t{}",
            s.at.rfc3339(),
            s.reason.code(),
            s.kid
        )?;
    }
    let mut n = 0u64;
    revoke::read_log(&a.keys, |e, _| {
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
    Ok(ExitCode::SUCCESS)
}

fn signer(
    a: &RevokeArgs,
    store: &KeyStore,
    kid: &str,
    reason: RevocationReason,
) -> Result<ExitCode> {
    let at = time_or_now("--at", a.at.as_deref())?;
    if !store.signers()?.iter().any(|c| c.kid_base64() == kid) {
        bail!("no document signer with kid {kid} in {}", a.keys.display());
    }
    if revoke::revoke_signer(&a.keys, kid, reason, at)? {
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
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run(a: &RevokeArgs) -> Result<ExitCode> {
    let store = KeyStore::open(&a.keys)?;
    if a.list {
        return list(a);
    }
    let reason = reason(a.reason.context("--reason is required")?);
    if let Some(kid) = &a.signer {
        return signer(a, &store, kid, reason);
    }
    let at = time_or_now("--at", a.at.as_deref())?;
    // Every document signer this key store ever had, revoked ones included: an `HC1:` input
    // is taken only if one of them signed it.
    let mut signers = hcert::TrustStore::new();
    for c in store.signers()? {
        signers.add(c, Some(store.manifest.country.clone()));
    }
    let mut log = revoke::Log::open(&a.keys, &store.manifest.country)?.with_signers(signers);
    let summary = match &a.file {
        Some(path) if path.as_os_str() == "-" => {
            log.revoke_lines(std::io::stdin().lock(), reason, at)?
        }
        Some(path) => {
            let f =
                std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
            log.revoke_lines(std::io::BufReader::with_capacity(1 << 20, f), reason, at)?
        }
        None if a.uvci.is_empty() => bail!("give --uvci, --file, --signer or --list"),
        None => log.revoke_lines(a.uvci.join("\n").as_bytes(), reason, at)?,
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
