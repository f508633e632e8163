//! What the server serves: the published tree and the portal build, loaded once.

use std::path::Path;

use anyhow::{Context as _, Result};
use axum::http::HeaderValue;

use crate::access_log::AccessLog;
use crate::headers::{content_security_policy, security_header_map};
use crate::snapshot::{is_hashed, CachePolicy, Snapshot};
use crate::tree::Tree;

/// Server state.
pub struct AppState {
    /// The published trust-list tree.
    pub tree: Tree,
    /// The portal's files.
    pub app: Snapshot,
    /// The Content-Security-Policy of every response.
    pub(crate) csp: HeaderValue,
    /// The access log, when enabled.
    pub(crate) access_log: Option<AccessLog>,
}

/// Cache policy of a portal file: content-hashed assets are immutable, the rest (the page,
/// the service worker, the manifest) is revalidated on every use.
fn app_policy(path: &str) -> CachePolicy {
    let name = path.rsplit('/').next().unwrap_or("");
    if is_hashed(name) {
        CachePolicy::Immutable
    } else {
        CachePolicy::Revalidate
    }
}

impl AppState {
    /// Loads the trust-list tree (a `publish --out` directory) and the portal build (`dist/`).
    /// With `access_log`, starts the log writer.
    pub fn load(trust_lists: &Path, app: &Path, access_log: bool) -> Result<AppState> {
        let index = std::fs::read(app.join("index.html"))
            .with_context(|| format!("reading {}/index.html", app.display()))?;
        let csp =
            HeaderValue::from_str(&content_security_policy(&String::from_utf8_lossy(&index)))?;
        let common = security_header_map(csp.clone());
        let tree = Tree::open(trust_lists, common.clone())
            .with_context(|| format!("loading the trust lists at {}", trust_lists.display()))?;
        let app = Snapshot::load(app, app_policy, &common)
            .with_context(|| format!("loading the portal at {}", app.display()))?;
        let access_log = if access_log {
            Some(AccessLog::start().context("starting the access-log writer")?)
        } else {
            None
        };
        Ok(AppState {
            tree,
            app,
            csp,
            access_log,
        })
    }

    /// Writes out every access-log line recorded so far.
    pub fn flush_log(&self) {
        if let Some(log) = &self.access_log {
            log.flush();
        }
    }
}
