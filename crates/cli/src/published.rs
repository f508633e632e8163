//! `vaxpass verify --published DIR --anchor PEM`: verifying against a whole published tree,
//! read from disk and checked exactly as the portal checks what it downloads
//! (`hcert::load_lists`).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context as _, Result};
use hcert::{Bundle, RevocationList, SignedFile, TrustAnchor, TrustStore, UnixTime};
use vaxpass_keystore::{self as revoke, KeyStore};

fn signed(dir: &Path, rel: &str) -> Result<SignedFile> {
    let read = |p: &str| fs_read(&dir.join(p));
    Ok(SignedFile {
        path: rel.to_string(),
        content: read(rel)?,
        signature: read(&format!("{rel}.sig"))?,
    })
}

fn fs_read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// What a published tree gives a verifier.
pub(crate) struct Loaded {
    /// The trust store, with revocation data and the publication's value sets.
    pub store: TrustStore,
    /// The publication's business rules (`rules/rules.json`).
    pub rules: hcert::RuleSet,
    /// One line saying what was loaded.
    pub note: String,
}

/// Loads the tree (its `current` version when `dir` is a `publish --out` directory), checks
/// every file against the anchor at `now`, and returns the trust store with its revocation
/// list, plus a one-line description of what was loaded. With `keys`, revocation is checked
/// against the issuer's exact log instead of the filter, so a revoked certificate's reason is
/// known.
pub(crate) fn load(
    dir: &Path,
    anchor: &Path,
    keys: Option<&Path>,
    now: UnixTime,
) -> Result<Loaded> {
    let dir = std::fs::canonicalize(dir.join("current")).unwrap_or_else(|_| dir.to_path_buf());
    let pem =
        std::fs::read_to_string(anchor).with_context(|| format!("reading {}", anchor.display()))?;
    let anchor = TrustAnchor::from_pem(&pem, hcert::default_backend())
        .map_err(|e| anyhow::anyhow!("{}: {e}", anchor.display()))?;
    let files = hcert::LIST_FILES
        .iter()
        .map(|rel| signed(&dir, rel))
        .collect::<Result<Vec<_>>>()?;
    let manifest = &files
        .iter()
        .find(|f| f.path == hcert::REVOCATION_PATH)
        .context("no revocation manifest")?
        .content;
    let slices = hcert::filter_slice_paths(manifest)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .into_iter()
        .map(|p| Ok((p.clone(), fs_read(&dir.join(&p))?)))
        .collect::<Result<Vec<_>>>()?;
    let bundle = Bundle {
        index: signed(&dir, hcert::INDEX_PATH)?,
        files,
        slices,
    };
    let lists = hcert::load_lists(&bundle, &anchor, now, None, hcert::default_backend())
        .map_err(|e| anyhow::anyhow!("{}: {}", e.code(), e.detail()))?;
    let rules = hcert::RuleSet::from_published(&lists.rules)
        .map_err(|(i, id, e)| anyhow::anyhow!("{}: rule {i} {id}: {e}", hcert::RULES_PATH))?;
    let mut store = lists.store;
    let mut note = format!(
        "published lists #{} issued {}: {} signers; {} revoked certificates (filter, false positives {:.1e})",
        lists.sequence,
        lists.issued.rfc3339(),
        lists.signers,
        lists.revoked,
        lists.revocation_false_positive_rate,
    );
    if let Some(keys) = keys {
        let country = KeyStore::open(keys)?.manifest.country;
        let mut exact = HashMap::new();
        let mut n = 0u64;
        revoke::read_log(keys, |e, _| {
            n += 1;
            for (t, h) in e.hashes(&country) {
                if t != hcert::RevocationHashType::Uci {
                    exact.insert(h, e.reason.code().to_string());
                }
            }
            Ok(())
        })?;
        let published = store.revocations.take().unwrap_or_default();
        let mut list = RevocationList::exact(&country, exact);
        list.issued = published.issued;
        list.expires = published.expires;
        note = format!(
            "{note}; revocation checked against the exact log in {} ({} certificates)",
            keys.display(),
            n
        );
        store.revocations = Some(list);
    }
    Ok(Loaded { store, rules, note })
}
