//! The published trust-list tree: a [`Snapshot`] of the version `current` points to, swapped
//! for a fresh one when a republish moves the link, so that every response comes from one
//! consistent version and no restart is needed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use anyhow::Result;
use axum::http::HeaderMap;

use crate::access_log;
use crate::snapshot::{tree_policy, Snapshot};

/// How often, at most, a request checks whether `current` moved.
const CHECK_EVERY_MS: u64 = 1000;

/// The trust-list tree, reloaded when its `current` link changes.
pub struct Tree {
    root: PathBuf,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Headers for every tree response.
    common: HeaderMap,
    /// When `current` was last checked, in milliseconds since `epoch`.
    checked_ms: AtomicU64,
    epoch: Instant,
}

/// The version directory `current` points to, or `root` itself when there is no link (a
/// plain directory of files).
fn resolve(root: &Path) -> PathBuf {
    std::fs::canonicalize(root.join("current"))
        .or_else(|_| std::fs::canonicalize(root))
        .unwrap_or_else(|_| root.to_path_buf())
}

impl Tree {
    /// Loads the tree under `root`.
    pub fn open(root: &Path, common: HeaderMap) -> Result<Tree> {
        let snap = Snapshot::load(&resolve(root), tree_policy, &common)?;
        Ok(Tree {
            root: root.to_path_buf(),
            snapshot: RwLock::new(Arc::new(snap)),
            common,
            checked_ms: AtomicU64::new(0),
            epoch: Instant::now(),
        })
    }

    /// The current snapshot. At most once a second one request (claimed with a
    /// compare-and-swap, so the others go on without waiting) checks whether `current`
    /// moved and loads the new version; a version that fails to load is logged and the old
    /// one stays.
    pub fn current(&self) -> Arc<Snapshot> {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.checked_ms.load(Ordering::Relaxed);
        let due = now.saturating_sub(last) >= CHECK_EVERY_MS
            && self
                .checked_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
        let snap = self
            .snapshot
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()));
        if !due {
            return snap;
        }
        let dir = resolve(&self.root);
        if dir == snap.source {
            return snap;
        }
        match Snapshot::load(&dir, tree_policy, &self.common) {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                match self.snapshot.write() {
                    Ok(mut w) => *w = Arc::clone(&fresh),
                    Err(poisoned) => *poisoned.into_inner() = Arc::clone(&fresh),
                }
                access_log::event("trust lists reloaded", &dir.display().to_string());
                fresh
            }
            Err(e) => {
                access_log::event(
                    "trust lists not reloaded, still serving the previous version",
                    &format!("{}: {e:#}", dir.display()),
                );
                snap
            }
        }
    }

    /// The name of the version being served (its directory name).
    pub fn version(&self) -> String {
        self.current()
            .source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}
