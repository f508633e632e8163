//! `vaxpass publish`: the static API as a signed, indexed tree of files, published atomically
//! (`docs/static-api.md`).
//!
//! ```text
//! OUT/current -> v000042            a symlink, replaced in one rename(2)
//! OUT/v000042/trust-anchor.pem      the trust-list signer's certificate (pinned by verifiers)
//!            .well-known/vaxpass.json(.sig)   the index: every file, SHA-256, size, next update
//!            trust-lists/dsc.json(.sig)       VN CSCA and DSCs, EU gateway format
//!            trust-lists/csca.pem(.sig)       the CSCA
//!            trust-lists/valid-kids.json(.sig) kids of the DSCs valid now
//!            trust-lists/verifier.json(.sig)  compact list of every trusted signer (VN + partners)
//!            trust-lists/valuesets.json(.sig) display names of value-set codes
//!            revocation/…                     revocation filter and EU batches (revocations.rs)
//!            rules/rules.json(.sig)           every country's business rules (rules.rs)
//!            rules/valuesets.json(.sig)       the value sets rules are evaluated with
//!            rules/index.json, rules/<CC>/<hash>.json, valuesets/…  the same, EU gateway layout
//! ```
//!
//! Every file also gets `.gz` and `.br` siblings for servers that send precompressed bodies.
//! A new version is written completely in a hidden directory, fsynced, renamed into place and
//! only then made `current`, so a reader sees the old tree or the new one, never a mix.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use base64::Engine as _;
use hcert::{Certificate, Index, IndexEntry, UnixTime, ValueSets, VerifierEntry, VerifierList};
use sha2::{Digest as _, Sha256};

use vaxpass_keystore::{revoked_signers, KeyStore};

use crate::files::{json_file, precompress, sync_filesystem, write_synced};
use crate::revocation;

/// The project's value-set display table, compiled in.
pub const VALUE_SETS: &str = include_str!("../data/valuesets.tsv");

/// Versions kept besides `current`, for readers still downloading an older one.
pub const KEEP_VERSIONS: usize = 3;

/// What to publish.
#[derive(Debug, Clone)]
pub struct Options {
    /// Key store.
    pub keys: PathBuf,
    /// Output directory (holds `current` and the versions).
    pub out: PathBuf,
    /// Partner trust lists in EU gateway format.
    pub extra_trust: Vec<PathBuf>,
    /// Viet Nam's business rules instead of the built-in set ([`crate::rules::BUILTIN_RULES`]).
    pub rules: Option<PathBuf>,
    /// Partner business rules: folders in the business-rules layout, rule files, arrays.
    pub extra_rules: Vec<PathBuf>,
    /// EU value-set files, or folders of them (none: an empty `rules/valuesets.json`).
    pub value_sets: Vec<PathBuf>,
    /// Publication time.
    pub now: UnixTime,
    /// Days the lists stay valid.
    pub valid_days: i64,
    /// Hours until the next planned publication.
    pub update_hours: i64,
    /// Hours the revocation files stay valid (shorter than the lists: a verifier that stops
    /// receiving updates stops calling this issuer's certificates valid soon after).
    pub revocation_hours: i64,
    /// Publish even if the revocation log does not continue the one already published (a
    /// restored or replaced key store): every revocation missing from it is withdrawn.
    pub allow_log_rewind: bool,
}

/// The value sets JSON from the TSV table.
pub fn value_sets_json() -> Result<Vec<u8>> {
    let mut sets: ValueSets = BTreeMap::new();
    for (n, line) in VALUE_SETS.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [set, code, en, vi] = cols.as_slice() else {
            bail!(
                "valuesets.tsv line {}: expected 4 tab-separated columns",
                n + 1
            );
        };
        let names = sets
            .entry(set.to_string())
            .or_default()
            .entry(code.to_string())
            .or_default();
        names.insert("en".into(), en.to_string());
        names.insert("vi".into(), vi.to_string());
    }
    json_file(&serde_json::json!({"version": 1, "valuesets": sets}))
}

fn gateway_entry(
    cert: &Certificate,
    kind: &str,
    country: &str,
    now: UnixTime,
) -> serde_json::Value {
    let b64 = base64::engine::general_purpose::STANDARD;
    serde_json::json!({
        "kid": cert.kid_base64(),
        "timestamp": now.rfc3339(),
        "country": country,
        "certificateType": kind,
        "thumbprint": cert.thumbprint(),
        // A CMS signature by an upload certificate is what the EU gateway adds on upload; a
        // national publication has none (HCERT.md §4.4). Integrity comes from dsc.json.sig.
        "signature": "",
        "rawData": b64.encode(&cert.der),
    })
}

/// The publication sequence of `OUT/current` (0 when there is none).
fn previous_sequence(out: &Path) -> u64 {
    fs::read(out.join("current/.well-known/vaxpass.json"))
        .ok()
        .and_then(|b| Index::parse(&b).ok())
        .map_or(0, |i| i.sequence)
}

/// What a publication wrote.
#[derive(Debug)]
pub struct Published {
    /// The new version directory.
    pub dir: PathBuf,
    /// Its revocation part.
    pub revocation: revocation::Output,
    /// Document signers left out because they are revoked.
    pub revoked_signers: usize,
    /// Rules published, and the countries they belong to.
    pub rules: (usize, Vec<String>),
    /// Value sets published.
    pub value_sets: usize,
}

/// Publishes a new version and makes it current. Returns the version directory.
pub fn publish(opts: &Options) -> Result<PathBuf> {
    Ok(publish_report(opts)?.dir)
}

/// [`publish`], returning what was written.
pub fn publish_report(opts: &Options) -> Result<Published> {
    // Rules and value sets are read and checked first: a bad one refuses the publication
    // before anything is written.
    let rules = crate::rules::Bundle::load(
        opts.rules.as_deref(),
        &opts.extra_rules,
        &opts.value_sets,
        opts.now,
    )?;
    let store = KeyStore::open(&opts.keys)?;
    // Nothing secret may be published: the key store and the output must be apart.
    let keys_abs = fs::canonicalize(&opts.keys)?;
    fs::create_dir_all(&opts.out)?;
    let out_abs = fs::canonicalize(&opts.out)?;
    if out_abs.starts_with(&keys_abs) || keys_abs.starts_with(&out_abs) {
        bail!("--out and --keys must not contain one another");
    }
    let country = store.manifest.country.clone();
    let now = opts.now;
    if opts.update_hours < 1 || opts.revocation_hours < opts.update_hours {
        bail!("the revocation data must stay valid at least until the next planned update");
    }
    if opts.valid_days * 24 < opts.revocation_hours {
        bail!("the revocation data cannot outlive the lists");
    }
    let expires = UnixTime(now.0 + opts.valid_days * 86_400);
    let revocation_expires = UnixTime(now.0 + opts.revocation_hours * 3600);
    let next_update = UnixTime(now.0 + opts.update_hours * 3600);
    let csca = store.csca()?;
    // A revoked signer is left out of every list: whatever it signed stops verifying. It is
    // known by its public key, so no partner list brings it back under another label or kid.
    let revoked: Vec<String> = revoked_signers(&opts.keys)?
        .into_iter()
        .map(|r| r.kid)
        .collect();
    let all_signers = store.signers()?;
    let revoked_keys: Vec<String> = all_signers
        .iter()
        .filter(|c| revoked.contains(&c.kid_base64()))
        .map(|c| VerifierEntry::from_certificate(c, c.kid, &country).spki)
        .collect();
    let revoked_signers = revoked_keys.len();
    let signers: Vec<Certificate> = all_signers
        .into_iter()
        .filter(|c| !revoked.contains(&c.kid_base64()))
        .collect();
    let tl_signer = store.trust_list_signer()?;
    let tl_key = tl_signer.signing_key()?;

    let mut files: Vec<(String, Vec<u8>, String)> = Vec::new();
    // EU gateway format: the CSCA and every DSC that has not expired.
    let mut gateway = vec![gateway_entry(&csca, "CSCA", &country, now)];
    let live: Vec<&Certificate> = signers.iter().filter(|c| c.not_after > now).collect();
    gateway.extend(live.iter().map(|c| gateway_entry(c, "DSC", &country, now)));
    files.push((
        "trust-lists/dsc.json".into(),
        serde_json::to_vec_pretty(&gateway)?,
        format!("{country} country signing CA and document signers, EU gateway trust-list format"),
    ));
    files.push((
        "trust-lists/csca.pem".into(),
        hcert::to_pem(&csca.der).into_bytes(),
        format!("{country} country signing CA (PEM)"),
    ));
    let valid: Vec<String> = signers
        .iter()
        .filter(|c| c.not_before <= now && now < c.not_after)
        .map(Certificate::kid_base64)
        .collect();
    files.push((
        "trust-lists/valid-kids.json".into(),
        serde_json::to_vec_pretty(&valid)?,
        "kids of the document signers valid at publication".into(),
    ));
    // The verifier list: ours and partners', expired signers included. A certificate verifies
    // only if its signer was valid from its iat through its exp, so an expired signer can never
    // make a current certificate valid; keeping it lets auditors verify as of a past moment.
    let mut entries: Vec<VerifierEntry> = signers
        .iter()
        .map(|c| VerifierEntry::from_certificate(c, c.kid, &country))
        .collect();
    for path in &opts.extra_trust {
        let text =
            fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let partner =
            hcert::parse_gateway_json(&text).with_context(|| path.display().to_string())?;
        for r in &partner.refused {
            eprintln!(
                "{}: entry {} (kid {}, {}) refused: {}",
                path.display(),
                r.index,
                r.kid.as_deref().unwrap_or("-"),
                r.country.as_deref().unwrap_or("-"),
                r.error
            );
        }
        for e in partner.entries {
            let c = e
                .country
                .clone()
                .or_else(|| e.certificate.subject.country.clone())
                .unwrap_or_default();
            entries.push(VerifierEntry::from_certificate(&e.certificate, e.kid, &c));
        }
    }
    // A revoked signer stays out even when a partner list (say, a gateway download) names it,
    // whatever country it files it under.
    let before = entries.len();
    entries.retain(|e| !revoked_keys.contains(&e.spki));
    if entries.len() < before {
        eprintln!(
            "left out {} partner-list entries holding a revoked document signer's key",
            before - entries.len()
        );
    }
    entries.sort_by(|a, b| (&a.country, &a.kid).cmp(&(&b.country, &b.kid)));
    entries.dedup();
    files.push((
        "trust-lists/verifier.json".into(),
        serde_json::to_vec(&VerifierList {
            version: 1,
            signers: entries,
        })?,
        "every trusted document signer (ours and partners'), compact form for verifiers".into(),
    ));
    files.push((
        "trust-lists/valuesets.json".into(),
        value_sets_json()?,
        "display names of value-set codes".into(),
    ));
    files.extend(rules.files()?);

    // The sequence is kept with the trust-list signer, so a new --out (or a restored one)
    // never restarts it; reserved (fsynced) before anything is signed with it.
    let sequence = store.reserve_publication_sequence(previous_sequence(&opts.out))?;
    // Write the version in a hidden directory.
    let version = format!("v{sequence:06}");
    let staging = opts.out.join(format!(".{version}.tmp"));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)?;
    let previous = fs::canonicalize(opts.out.join("current")).ok();
    let revocation = revocation::build(
        &opts.keys,
        &country,
        previous.as_deref(),
        &staging,
        now,
        opts.allow_log_rewind,
    )?;
    files.extend(revocation.signed.iter().cloned());
    let mut index_files = revocation.pinned.clone();
    let sign = |path: &str, content: &[u8]| {
        let until = if path.starts_with("revocation/") {
            revocation_expires
        } else {
            expires
        };
        hcert::sign_file(path, content, tl_key.as_ref(), now, until, sequence)
            .map_err(|e| anyhow::anyhow!("{e}"))
    };
    let write = |rel: &str, data: &[u8]| -> Result<()> {
        write_synced(&staging.join(rel), data)?;
        let (gz, br) = precompress(data)?;
        write_synced(&staging.join(format!("{rel}.gz")), &gz)?;
        write_synced(&staging.join(format!("{rel}.br")), &br)
    };
    for (rel, content, description) in &files {
        let sig = sign(rel, content)?;
        write(rel, content)?;
        write(&format!("{rel}.sig"), &sig)?;
        index_files.push(IndexEntry {
            path: rel.clone(),
            sha256: base16ct::lower::encode_string(&Sha256::digest(content)),
            size: content.len() as u64,
            signature: Some(format!("{rel}.sig")),
            description: description.clone(),
        });
    }
    let anchor = hcert::to_pem(&tl_signer.certificate.der).into_bytes();
    write("trust-anchor.pem", &anchor)?;
    index_files.push(IndexEntry {
        path: "trust-anchor.pem".into(),
        sha256: base16ct::lower::encode_string(&Sha256::digest(&anchor)),
        size: anchor.len() as u64,
        signature: None,
        description: "the trust-list signing certificate that signs every list; pin it".into(),
    });
    let index = Index {
        version: 1,
        country: country.clone(),
        sequence,
        issued: now.rfc3339(),
        next_update: next_update.rfc3339(),
        expires: expires.rfc3339(),
        files: index_files,
    };
    let index_json = json_file(&index)?;
    let index_rel = ".well-known/vaxpass.json";
    write(index_rel, &index_json)?;
    write(&format!("{index_rel}.sig"), &sign(index_rel, &index_json)?)?;
    sync_filesystem(&staging)?;

    // Into place, then current.
    let final_dir = opts.out.join(&version);
    if final_dir.exists() {
        bail!("{} already exists", final_dir.display());
    }
    fs::rename(&staging, &final_dir)?;
    let link_tmp = opts.out.join(".current.tmp");
    let _ = fs::remove_file(&link_tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&version, &link_tmp)?;
    fs::rename(&link_tmp, opts.out.join("current"))?;
    File::open(&opts.out)?.sync_all()?;
    prune(&opts.out, &version)?;
    Ok(Published {
        dir: final_dir,
        revocation,
        revoked_signers,
        rules: (
            rules.rules.len(),
            rules.countries().into_iter().map(str::to_owned).collect(),
        ),
        value_sets: rules.value_sets.len(),
    })
}

/// Removes all but the newest [`KEEP_VERSIONS`] versions besides `current`.
fn prune(out: &Path, current: &str) -> Result<()> {
    let mut versions: Vec<String> = fs::read_dir(out)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            n.starts_with('v') && n.len() == 7 && n[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .filter(|n| n != current)
        .collect();
    versions.sort();
    let excess = versions.len().saturating_sub(KEEP_VERSIONS);
    for old in &versions[..excess] {
        fs::remove_dir_all(out.join(old))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_sets_table_parses() {
        let json = value_sets_json().unwrap();
        let sets = hcert::parse_value_sets(&json).unwrap();
        assert_eq!(
            sets["vaccines-covid-19-names"]["EU/1/20/1528"]["en"],
            "Comirnaty (Pfizer-BioNTech)"
        );
        assert_eq!(sets["covid-19-lab-result"]["260373001"]["vi"], "Dương tính");
        // Every vaccine the issuer can put in a certificate has a display name.
        for line in vaxpass_issuer::vaccines::TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let cols: Vec<&str> = line.split('\t').collect();
            assert!(
                sets["vaccines-covid-19-names"].contains_key(cols[1]),
                "{}",
                cols[1]
            );
            assert!(
                sets["vaccines-covid-19-auth-holders"].contains_key(cols[2]),
                "{}",
                cols[2]
            );
            assert!(
                sets["sct-vaccines-covid-19"].contains_key(cols[3]),
                "{}",
                cols[3]
            );
        }
    }
}
