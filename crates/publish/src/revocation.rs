//! The revocation part of `vaxpass publish` (`docs/static-api.md`, "Revocation"):
//!
//! ```text
//! revocation/filter.json(.sig)        the portal's offline list: base + delta slices
//! revocation/filter/<sha256>.vx24     base slice, binary fuse filter, 24-bit fingerprints
//! revocation/filter/<sha256>.vx32     a delta slice (new revocations of one publication)
//! revocation/eu/batches.json(.sig)    the partners' list of EU revocation batches
//! revocation/eu/<batchId>.json        one EU gateway revocation batch (≤ 1000 hashes)
//! ```
//!
//! Slices and batches are named after their content and never change, so a new publication
//! carries the old ones over (hard links) and adds only what is new: a daily update costs a
//! reader one small delta. Deltas are folded into a new base once there are
//! [`MAX_DELTAS`] of them, once they hold a quarter as many entries as the base, or before
//! the summed false-positive rate would pass [`MAX_FALSE_POSITIVE_RATE`].

use std::fs;
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use base64::Engine as _;
use hcert::{
    country_uci_hash, filter_key as key_of, uci_hash, FilterManifest, FilterSlice as Slice,
    FilterWidth as Width, FuseFilter, IndexEntry, RevocationHashType as HashType, UnixTime,
    FILTER_MANIFEST, MAX_FALSE_POSITIVE_RATE,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use vaxpass_keystore::{self as revoke, Entry};

use crate::files::json_file;

/// Path of the partners' batch list.
pub const BATCH_LIST: &str = "revocation/eu/batches.json";
/// Most delta slices before they are folded into a new base.
pub const MAX_DELTAS: usize = 30;
/// Most hashes in one EU batch (gateway limit).
pub const BATCH_SIZE: usize = 1000;
/// How long after its revocation an entry whose certificate expiry is unknown is kept in EU
/// batches: the longest a VN certificate can live (its signer's validity, 2 years).
pub const UNKNOWN_EXPIRY_SECONDS: i64 = 730 * 86_400;

/// One EU batch as listed in `batches.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchInfo {
    /// Batch id (a UUID-shaped digest of the content).
    pub batch_id: String,
    /// Issuing country.
    pub country: String,
    /// Signer kid (Base64) or `UNKNOWN_KID`.
    pub kid: String,
    /// `SIGNATURE`, `UCI` or `COUNTRYCODEUCI`.
    pub hash_type: String,
    /// When it was first published.
    pub date: String,
    /// When it may be dropped.
    pub expires: String,
    /// Hashes in it.
    pub entries: usize,
    /// Path in the published tree.
    pub path: String,
    /// Hex SHA-256 of the file.
    pub sha256: String,
}

/// `revocation/eu/batches.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchList {
    /// Format version (1).
    pub version: u32,
    /// Issuing country.
    pub country: String,
    /// Revocation-log entries covered.
    pub log_entries: u64,
    /// Every batch, oldest first.
    pub batches: Vec<BatchInfo>,
}

#[derive(Serialize)]
struct BatchEntry {
    hash: String,
}

#[derive(Serialize)]
struct Batch<'a> {
    country: &'a str,
    expires: String,
    kid: &'a str,
    #[serde(rename = "hashType")]
    hash_type: &'static str,
    entries: Vec<BatchEntry>,
}

/// What the revocation part of a publication produced.
#[derive(Debug, Default)]
pub struct Output {
    /// Files to sign and list in the index: (path, content, description).
    pub signed: Vec<(String, Vec<u8>, String)>,
    /// Files already written, listed in the index and pinned by digest (the slices).
    pub pinned: Vec<IndexEntry>,
    /// Revoked certificates listed.
    pub entries: u64,
    /// Whether the base slice was rebuilt.
    pub base_rebuilt: bool,
    /// Bytes of the new delta slice, if one was added.
    pub new_delta_bytes: Option<u64>,
    /// Bytes of all slices (what a portal downloads the first time).
    pub filter_bytes: u64,
    /// Summed false-positive rate of the slices.
    pub false_positive_rate: f64,
    /// EU batches in total, and new in this publication.
    pub batches: (usize, usize),
}

fn hex(b: &[u8]) -> String {
    base16ct::lower::encode_string(b)
}

fn read_previous<T>(
    prev: Option<&Path>,
    rel: &str,
    parse: impl Fn(&[u8]) -> Result<T>,
) -> Option<T> {
    let bytes = fs::read(prev?.join(rel)).ok()?;
    parse(&bytes).ok()
}

/// Carries a file of the previous version over (a hard link; a copy across file systems),
/// checking it is still what was published.
fn carry_over(prev: &Path, staging: &Path, rel: &str, sha256: &str) -> Result<()> {
    let from = prev.join(rel);
    let to = staging.join(rel);
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir)?;
    }
    let bytes = fs::read(&from).with_context(|| format!("reading {}", from.display()))?;
    if hex(&Sha256::digest(&bytes)) != sha256 {
        bail!("{} changed since it was published", from.display());
    }
    if fs::hard_link(&from, &to).is_err() {
        fs::write(&to, &bytes)?;
    }
    Ok(())
}

fn write_new(staging: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let to = staging.join(rel);
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(&to, bytes).with_context(|| format!("writing {}", to.display()))
}

/// A UUID-shaped id from a digest.
fn batch_id(digest: &[u8]) -> String {
    let h = hex(&digest[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Signer kids of the revocations, interned (index 0 is `UNKNOWN_KID`).
struct Kids {
    names: Vec<String>,
}

impl Default for Kids {
    fn default() -> Self {
        Kids {
            names: vec!["UNKNOWN_KID".into()],
        }
    }
}

impl Kids {
    fn index(&mut self, kid: Option<&str>) -> u32 {
        let Some(kid) = kid else { return 0 };
        match self.names.iter().position(|k| k == kid) {
            Some(i) => i as u32,
            None => {
                self.names.push(kid.to_string());
                (self.names.len() - 1) as u32
            }
        }
    }
}

/// What the EU batches need of one revocation.
struct Fresh {
    uci: [u8; 16],
    country_uci: [u8; 16],
    signature: Option<[u8; 16]>,
    kid: u32,
    /// When the revocation may be dropped: the certificate's expiry, or two years after the
    /// revocation when that is unknown.
    expires: i64,
}

impl Fresh {
    fn of(e: &Entry, country_uci: [u8; 16], kids: &mut Kids) -> Fresh {
        Fresh {
            uci: uci_hash(&e.uvci),
            country_uci,
            signature: e.signature,
            kid: kids.index(e.kid.as_deref()),
            expires: e.exp.map_or(e.at.0 + UNKNOWN_EXPIRY_SECONDS, |x| x.0),
        }
    }

    fn hash(&self, t: HashType) -> Option<[u8; 16]> {
        match t {
            HashType::Signature => self.signature,
            HashType::Uci => Some(self.uci),
            HashType::CountryCodeUci => Some(self.country_uci),
        }
    }
}

/// Reads the revocation log and writes the revocation files of a new version into
/// `staging`, reusing what the previous version (`prev`) published.
pub fn build(
    keys: &Path,
    country: &str,
    prev: Option<&Path>,
    staging: &Path,
    now: UnixTime,
    allow_rewind: bool,
) -> Result<Output> {
    let prev_filter = read_previous(prev, FILTER_MANIFEST, |b| Ok(FilterManifest::parse(b)?));
    let prev_batches = read_previous(prev, BATCH_LIST, |b| {
        Ok(serde_json::from_slice::<BatchList>(b)?)
    })
    .filter(|b| b.country == country);
    let prev_filter = prev_filter.filter(|f| f.country == country);

    // The log entries after the previous publication, kept compact (their hashes, not their
    // text: 20 million fit in about 1.5 GB). A line is hashed only where the published state
    // is checked: the last line the previous publication covered, and the new last line.
    let carried = prev_filter.as_ref().map_or(0, |f| f.log_entries);
    let (mut fresh, mut prefix_ok) = (Vec::new(), carried == 0);
    let mut kids = Kids::default();
    let mut total = 0u64;
    let mut last_line = Vec::new();
    revoke::read_log(keys, |e, line| {
        total += 1;
        if total == carried {
            let tail = hex(&Sha256::digest(line));
            prefix_ok = prev_filter.as_ref().is_some_and(|f| f.log_tail == tail);
        }
        if total > carried {
            fresh.push(Fresh::of(&e, country_uci_hash(country, &e.uvci), &mut kids));
        }
        last_line.clear();
        last_line.extend_from_slice(line);
        Ok(())
    })?;
    let tail = if total == 0 {
        String::new()
    } else {
        hex(&Sha256::digest(&last_line))
    };
    let batches_ok = prefix_ok
        && prev_batches
            .as_ref()
            .map_or(carried == 0, |b| b.log_entries == carried);
    if !prefix_ok && !allow_rewind {
        // A restored or replaced key store: publishing it would withdraw every revocation
        // made since, silently. Only an operator who means it may do that.
        bail!(
            "the revocation log in {} does not continue the published one: the published \
             lists cover {carried} revocations, this log holds {total}{}. Publishing it would \
             make every certificate revoked since then valid again. Restore the newer log, or \
             pass --allow-log-rewind to withdraw those revocations deliberately",
            keys.display(),
            if total >= carried {
                " but differs in the revocations already published"
            } else {
                ""
            }
        );
    }
    if !prefix_ok || !batches_ok {
        // The log does not continue the published one: start over from all of it.
        // Only the lines of the first pass: a `revoke` running meanwhile appends after them.
        fresh.clear();
        revoke::read_log(keys, |e, _| {
            if (fresh.len() as u64) < total {
                fresh.push(Fresh::of(&e, country_uci_hash(country, &e.uvci), &mut kids));
            }
            Ok(())
        })?;
    }
    let mut out = Output {
        entries: total,
        ..Output::default()
    };

    // The portal's filter.
    let mut slices: Vec<Slice> = Vec::new();
    let reuse = prev_filter.filter(|_| prefix_ok);
    let new_keys: Vec<u64> = fresh.iter().map(|f| key_of(&f.country_uci)).collect();
    let rebuild = match &reuse {
        None => true,
        Some(p) => {
            let deltas = p.slices.len().saturating_sub(1);
            let delta_entries: u64 = p.slices.iter().skip(1).map(|s| s.entries).sum();
            let base_entries = p.slices.first().map_or(0, |s| s.entries);
            let fpr_after = p.false_positive_rate + Width::Bits32.false_positive_rate();
            !new_keys.is_empty()
                && (deltas + 1 > MAX_DELTAS
                    || 4 * (delta_entries + new_keys.len() as u64) > base_entries
                    || fpr_after > MAX_FALSE_POSITIVE_RATE)
        }
    };
    let add_slice = |filter: FuseFilter, slices: &mut Vec<Slice>| -> Result<u64> {
        let bytes = filter.to_bytes();
        let sha = hex(&Sha256::digest(&bytes));
        let ext = if filter.width() == Width::Bits24 {
            "vx24"
        } else {
            "vx32"
        };
        let path = format!("revocation/filter/{}.{ext}", &sha[..32]);
        write_new(staging, &path, &bytes)?;
        slices.push(Slice {
            path,
            sha256: sha,
            size: bytes.len() as u64,
            entries: filter.len() as u64,
            bits: filter.width().bits(),
        });
        Ok(bytes.len() as u64)
    };
    if rebuild {
        out.base_rebuilt = true;
        // A new base holds every revocation; the log is read again only when the new entries
        // are not all of it (deltas being folded).
        let all_keys = if fresh.len() as u64 == total {
            new_keys
        } else {
            let mut all = Vec::with_capacity(total as usize);
            revoke::read_log(keys, |e, _| {
                if (all.len() as u64) < total {
                    all.push(key_of(&country_uci_hash(country, &e.uvci)));
                }
                Ok(())
            })?;
            all
        };
        add_slice(FuseFilter::build(&all_keys, Width::Bits24)?, &mut slices)?;
    } else if let (Some(p), Some(prev)) = (&reuse, prev) {
        for s in &p.slices {
            carry_over(prev, staging, &s.path, &s.sha256)?;
            slices.push(s.clone());
        }
        if !new_keys.is_empty() {
            out.new_delta_bytes = Some(add_slice(
                FuseFilter::build(&new_keys, Width::Bits32)?,
                &mut slices,
            )?);
        }
    }
    let fpr: f64 = slices
        .iter()
        .map(Slice::false_positive_rate)
        .fold(0.0, |a, b| a + b);
    out.false_positive_rate = fpr;
    out.filter_bytes = slices.iter().map(|s| s.size).sum();
    for s in &slices {
        out.pinned.push(IndexEntry {
            path: s.path.clone(),
            sha256: s.sha256.clone(),
            size: s.size,
            signature: None,
            description: format!(
                "revocation filter slice: {} revoked certificates, {}-bit fingerprints (pinned by {FILTER_MANIFEST})",
                s.entries, s.bits
            ),
        });
    }
    let manifest = FilterManifest {
        version: 1,
        country: country.to_string(),
        hash_type: HashType::CountryCodeUci.name().into(),
        entries: total,
        false_positive_rate: fpr,
        slices,
        log_entries: total,
        log_tail: tail,
    };
    out.signed.push((
        FILTER_MANIFEST.into(),
        json_file(&manifest)?,
        "revocation filter for offline verifiers: base and delta slices, binary fuse filters over COUNTRYCODEUCI hashes".into(),
    ));

    // The partners' EU batches.
    let mut batches = match (prev_batches.filter(|_| batches_ok), prev) {
        (Some(b), Some(prev)) => {
            for info in &b.batches {
                carry_over(prev, staging, &info.path, &info.sha256)?;
            }
            b.batches
        }
        _ => Vec::new(),
    };
    let before = batches.len();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut emit = |kid: &str, t: HashType, chunk: &[(&Fresh, [u8; 16])]| -> Result<()> {
        let expires = chunk.iter().map(|(f, _)| f.expires).max().unwrap_or(now.0);
        let batch = Batch {
            country,
            expires: UnixTime(expires).rfc3339(),
            kid,
            hash_type: t.name(),
            entries: chunk
                .iter()
                .map(|(_, h)| BatchEntry {
                    hash: b64.encode(h),
                })
                .collect(),
        };
        let bytes = serde_json::to_vec(&batch)?;
        let digest = Sha256::digest(&bytes);
        let id = batch_id(&digest);
        let path = format!("revocation/eu/{id}.json");
        write_new(staging, &path, &bytes)?;
        batches.push(BatchInfo {
            batch_id: id,
            country: country.to_string(),
            kid: kid.to_string(),
            hash_type: t.name().into(),
            date: now.rfc3339(),
            expires: batch.expires,
            entries: chunk.len(),
            path,
            sha256: hex(&digest),
        });
        Ok(())
    };
    // Per kid and hash type, in log order, at most BATCH_SIZE hashes a batch.
    for (k, kid) in kids.names.iter().enumerate() {
        for t in HashType::ALL {
            let mut chunk = Vec::with_capacity(BATCH_SIZE);
            for f in fresh.iter().filter(|f| f.kid as usize == k) {
                let Some(h) = f.hash(t) else { continue };
                chunk.push((f, h));
                if chunk.len() == BATCH_SIZE {
                    emit(kid, t, &chunk)?;
                    chunk.clear();
                }
            }
            if !chunk.is_empty() {
                emit(kid, t, &chunk)?;
            }
        }
    }
    out.batches = (batches.len(), batches.len() - before);
    let list = BatchList {
        version: 1,
        country: country.to_string(),
        log_entries: total,
        batches,
    };
    out.signed.push((
        BATCH_LIST.into(),
        json_file(&list)?,
        "EU gateway revocation batches (UCI, COUNTRYCODEUCI and SIGNATURE hashes per signer kid), each pinned by its SHA-256".into(),
    ));
    Ok(out)
}
