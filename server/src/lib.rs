//! `vaxpass serve`: the published tree and the portal, from memory.
//!
//! Both are read into memory once — bodies, precompressed variants and strong ETags — and the
//! trust-list tree is reloaded when `current` points elsewhere (checked at most once a
//! second), so a republish is picked up without a restart and a response is always from one
//! consistent version. Requests never touch the file system, so no path can escape it.
//!
//! Only `GET` and `HEAD` exist; no endpoint accepts a body, so no certificate can ever be
//! sent here. Access logs name the route, never the query, and never an unknown path.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use bytes::Bytes;
use sha2::{Digest as _, Sha256};

/// gzip and brotli encodings of a body the publisher did not precompress (the portal's own
/// files), at their best levels for small bodies: done once, at load.
fn precompress(data: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    use std::io::Write as _;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(data)?;
    let gz = gz.finish()?;
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        w.write_all(data)?;
    }
    Ok((gz, br))
}

/// How a body may be cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// Trust lists and the index: short, then revalidate.
    List,
    /// Content-hashed app assets: a year, immutable.
    Immutable,
    /// index.html, the manifest, the service worker: always revalidate.
    Revalidate,
}

impl CachePolicy {
    fn header(self) -> &'static str {
        match self {
            CachePolicy::List => "public, max-age=300, must-revalidate",
            CachePolicy::Immutable => "public, max-age=31536000, immutable",
            CachePolicy::Revalidate => "no-cache",
        }
    }
}

/// One representation of a file (identity, gzip or brotli), with its response headers
/// built once at load time so that serving it is a lookup and a copy.
#[derive(Debug, Clone)]
struct Representation {
    body: Bytes,
    /// Strong ETag of this representation (RFC 9110 §8.8.3.3).
    etag: String,
    /// Headers of a `200`, including the security (and, for trust lists, CORS) headers.
    ok: HeaderMap,
    /// Headers of a `304`.
    not_modified: HeaderMap,
}

/// One servable file.
#[derive(Debug, Clone)]
pub struct Asset {
    identity: Representation,
    gzip: Option<Representation>,
    brotli: Option<Representation>,
    /// Content type, for tests and logs.
    pub content_type: &'static str,
    /// Caching policy.
    pub cache: CachePolicy,
}

impl Asset {
    /// The uncompressed body.
    pub fn body(&self) -> &Bytes {
        &self.identity.body
    }
}

/// A set of files by URL path.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// What it was loaded from (the version directory for trust lists).
    pub source: PathBuf,
    files: HashMap<String, Asset>,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "json" | "sig" => "application/json",
        "webmanifest" => "application/manifest+json",
        "pem" => "application/x-pem-file",
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "y4m" => "application/octet-stream",
        _ => "application/octet-stream",
    }
}

/// Whether a file name carries a content hash (`app-3f5c0a1b2c3d4e5f.wasm`).
fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    stem.rsplit(['-', '_'])
        .next()
        .is_some_and(|h| h.len() >= 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn etag(body: &[u8]) -> String {
    let d = Sha256::digest(body);
    format!(
        "\"{}\"",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&d[..18])
    )
}

/// Published files named after their content (revocation slices and EU batches): they never
/// change, so they may be cached for a year.
fn is_content_named(rel: &str) -> bool {
    (rel.starts_with("/revocation/filter/") || rel.starts_with("/revocation/eu/"))
        && !rel.ends_with("/batches.json")
        && !rel.contains(".json.")
}

/// Cache policy of a published file.
fn tree_policy(rel: &str) -> CachePolicy {
    if is_content_named(rel) {
        CachePolicy::Immutable
    } else {
        CachePolicy::List
    }
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let rel = format!("{prefix}/{name}");
        if path.is_dir() {
            walk(&path, &rel, out)?;
        } else {
            out.push((rel, path));
        }
    }
    Ok(())
}

impl Snapshot {
    /// Loads a directory. `.gz`/`.br` siblings become encodings of their file; missing
    /// encodings are computed (app assets are not precompressed by the build). `common`
    /// headers go on every response.
    pub fn load(
        dir: &Path,
        policy: impl Fn(&str) -> CachePolicy,
        common: &HeaderMap,
    ) -> Result<Snapshot> {
        let mut paths = Vec::new();
        walk(dir, "", &mut paths)?;
        let mut raw: HashMap<String, Vec<u8>> = HashMap::new();
        for (rel, path) in paths {
            raw.insert(
                rel,
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
            );
        }
        let mut files = HashMap::new();
        for (rel, body) in &raw {
            if rel.ends_with(".gz") || rel.ends_with(".br") || rel.ends_with(".tmp") {
                continue;
            }
            let (gzip, brotli) =
                match (raw.get(&format!("{rel}.gz")), raw.get(&format!("{rel}.br"))) {
                    (Some(g), Some(b)) => (g.clone(), b.clone()),
                    // Revocation slices and batches are published without encodings: the
                    // filters do not compress, and there can be tens of thousands of batches.
                    _ if is_content_named(rel) => (Vec::new(), Vec::new()),
                    _ => precompress(body)?,
                };
            let tag = etag(body);
            let ctype = content_type(rel);
            let cache = policy(rel);
            let rep = |bytes: Vec<u8>, encoding: Option<&'static str>| -> Result<Representation> {
                let suffix = match encoding {
                    Some("br") => "-br",
                    Some(_) => "-gz",
                    None => "",
                };
                let etag = format!("{}{suffix}\"", &tag[..tag.len() - 1]);
                let mut not_modified = common.clone();
                not_modified.insert(header::ETAG, HeaderValue::from_str(&etag)?);
                not_modified.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(cache.header()),
                );
                not_modified.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
                let mut ok = not_modified.clone();
                ok.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
                if let Some(e) = encoding {
                    ok.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
                }
                ok.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
                Ok(Representation {
                    body: Bytes::from(bytes),
                    etag,
                    ok,
                    not_modified,
                })
            };
            // Only worth sending when smaller.
            let gzip = if !gzip.is_empty() && gzip.len() < body.len() {
                Some(rep(gzip, Some("gzip"))?)
            } else {
                None
            };
            let brotli = if !brotli.is_empty() && brotli.len() < body.len() {
                Some(rep(brotli, Some("br"))?)
            } else {
                None
            };
            files.insert(
                rel.clone(),
                Asset {
                    identity: rep(body.clone(), None)?,
                    gzip,
                    brotli,
                    content_type: ctype,
                    cache,
                },
            );
        }
        Ok(Snapshot {
            source: dir.to_path_buf(),
            files,
        })
    }

    /// The file at a URL path.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.files.get(path)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether it holds no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The trust-list tree, reloaded when its `current` link changes.
pub struct Tree {
    root: PathBuf,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Headers for every tree response (security and CORS).
    common: HeaderMap,
    /// When `current` was last checked, in milliseconds since `epoch`.
    checked_ms: AtomicU64,
    epoch: Instant,
}

impl Tree {
    fn resolve(root: &Path) -> PathBuf {
        let current = root.join("current");
        std::fs::canonicalize(&current).unwrap_or_else(|_| root.to_path_buf())
    }

    /// Loads the tree under `root` (its `current` version, or `root` itself).
    pub fn open(root: &Path, common: HeaderMap) -> Result<Tree> {
        let dir = Tree::resolve(root);
        let snap = Snapshot::load(&dir, tree_policy, &common)?;
        Ok(Tree {
            root: root.to_path_buf(),
            snapshot: RwLock::new(Arc::new(snap)),
            common,
            checked_ms: AtomicU64::new(0),
            epoch: Instant::now(),
        })
    }

    /// The current snapshot, reloading it when `current` moved (at most one check a second,
    /// claimed by one request without locking the others out).
    pub fn current(&self) -> Arc<Snapshot> {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.checked_ms.load(Ordering::Relaxed);
        let due = now.saturating_sub(last) >= 1000
            && self
                .checked_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
        let snap = self
            .snapshot
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_default();
        if due {
            let dir = Tree::resolve(&self.root);
            if dir != snap.source {
                if let Ok(fresh) = Snapshot::load(&dir, tree_policy, &self.common) {
                    let fresh = Arc::new(fresh);
                    if let Ok(mut w) = self.snapshot.write() {
                        *w = Arc::clone(&fresh);
                    }
                    log_event("trust lists reloaded", &dir.display().to_string());
                    return fresh;
                }
            }
        }
        snap
    }
}

/// Server state.
pub struct AppState {
    /// The published trust-list tree.
    pub tree: Tree,
    /// The portal's files.
    pub app: Snapshot,
    /// The Content-Security-Policy for every response.
    csp: HeaderValue,
    /// Whether to write access logs.
    pub access_log: bool,
}

/// SHA-256 source hashes of the inline scripts of an HTML page, for the CSP.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = start + open_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + close];
        if !tag.contains("src=") && !body.trim().is_empty() {
            let d = Sha256::digest(body.as_bytes());
            out.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(d)
            ));
        }
        rest = &rest[body_start + close..];
    }
    out
}

impl AppState {
    /// Loads the trust-list tree and the portal.
    pub fn load(trust_lists: &Path, app: &Path, access_log: bool) -> Result<AppState> {
        let index = std::fs::read(app.join("index.html")).unwrap_or_default();
        let scripts = inline_script_hashes(&String::from_utf8_lossy(&index)).join(" ");
        let csp = format!(
            "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {scripts}; style-src 'self'; \
             img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; worker-src 'self'; \
             manifest-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        );
        let csp = HeaderValue::from_str(&csp)?;
        let mut common = HeaderMap::new();
        security_headers(&mut common, &csp);
        let mut tree_common = common.clone();
        cors(&mut tree_common);
        let tree = Tree::open(trust_lists, tree_common)?;
        let app = Snapshot::load(
            app,
            |path| {
                let name = path.rsplit('/').next().unwrap_or("");
                if is_hashed(name) {
                    CachePolicy::Immutable
                } else {
                    CachePolicy::Revalidate
                }
            },
            &common,
        )?;
        Ok(AppState {
            tree,
            app,
            csp,
            access_log,
        })
    }
}

/// The router: everything goes through one handler; see [`handle`].
pub fn router(state: Arc<AppState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

fn is_tree_path(path: &str) -> bool {
    path == "/trust-anchor.pem"
        || path.starts_with("/trust-lists/")
        || path.starts_with("/revocation/")
        || path.starts_with("/.well-known/")
}

/// Paths that could climb out of or confuse a file tree: refused before any lookup.
fn suspicious(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    path.contains("..")
        || path.contains("//")
        || path.contains('\\')
        || path.contains('\0')
        || lower.contains("%2e")
        || lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%00")
}

/// Accepted encodings in order of preference.
fn pick_encoding(headers: &HeaderMap) -> (bool, bool) {
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let accepts = |name: &str| {
        accept.split(',').any(|part| {
            let mut it = part.trim().split(';');
            let coding = it.next().unwrap_or("").trim();
            let q_zero = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            coding.eq_ignore_ascii_case(name) && !q_zero
        })
    };
    (accepts("br"), accepts("gzip"))
}

fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|t| {
                let t = t.trim();
                t == "*" || t == etag || t.strip_prefix("W/") == Some(etag)
            })
        })
}

fn security_headers(h: &mut HeaderMap, csp: &HeaderValue) {
    h.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static(
            "camera=(self), microphone=(), geolocation=(), interest-cohort=()",
        ),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
}

fn cors(h: &mut HeaderMap) {
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, HEAD, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("If-None-Match"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("ETag"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = (status, text).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn serve_asset(asset: &Asset, headers: &HeaderMap, head: bool) -> Response {
    let (br_ok, gz_ok) = pick_encoding(headers);
    let rep = match (&asset.brotli, &asset.gzip) {
        (Some(b), _) if br_ok => b,
        (_, Some(g)) if gz_ok => g,
        _ => &asset.identity,
    };
    if if_none_match(headers, &rep.etag) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        *r.headers_mut() = rep.not_modified.clone();
        return r;
    }
    let mut r = Response::new(if head {
        Body::empty()
    } else {
        Body::from(rep.body.clone())
    });
    *r.headers_mut() = rep.ok.clone();
    r
}

/// Serves one request.
pub async fn handle(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let started = Instant::now();
    let method = req.method();
    let path = req.uri().path();
    let tree = is_tree_path(path);
    let mut route = "unmatched";
    // Asset responses carry their complete, prebuilt headers.
    let mut complete = false;
    let mut response = if suspicious(path) {
        plain(StatusCode::BAD_REQUEST, "bad path\n")
    } else if method == Method::OPTIONS && tree {
        route = "preflight";
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NO_CONTENT;
        r
    } else if method != Method::GET && method != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        r
    } else if path == "/healthz" {
        route = "/healthz";
        let snap = state.tree.current();
        let version = snap
            .source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let body = serde_json::json!({"status": "ok", "trust_lists": version}).to_string();
        let mut r = Response::new(Body::from(body));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    } else if tree {
        let snap = state.tree.current();
        match snap.get(path) {
            Some(asset) => {
                route = "trust-lists";
                complete = true;
                serve_asset(asset, req.headers(), method == Method::HEAD)
            }
            None => plain(StatusCode::NOT_FOUND, "not found\n"),
        }
    } else {
        let key = if path == "/" { "/index.html" } else { path };
        match state.app.get(key) {
            Some(asset) => {
                route = "app";
                complete = true;
                serve_asset(asset, req.headers(), method == Method::HEAD)
            }
            None => plain(StatusCode::NOT_FOUND, "not found\n"),
        }
    };
    if !complete {
        security_headers(response.headers_mut(), &state.csp);
        if tree {
            cors(response.headers_mut());
        }
    }
    if state.access_log {
        // Never the query string, never an unknown path (it could hold anything).
        let logged = if route == "unmatched" { "-" } else { path };
        eprintln!(
            "{{\"event\":\"request\",\"method\":\"{method}\",\"route\":\"{route}\",\"path\":{},\"status\":{},\"ms\":{:.3}}}",
            serde_json::Value::from(logged),
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    response
}

fn log_event(event: &str, detail: &str) {
    eprintln!(
        "{{\"event\":{},\"detail\":{}}}",
        serde_json::Value::from(event),
        serde_json::Value::from(detail)
    );
}

/// At most this many open connections; more are closed on accept.
pub const MAX_CONNECTIONS: usize = 10_000;
/// A client must send its request headers within this time (slow-loris protection); it also
/// bounds how long an idle keep-alive connection is held.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a graceful shutdown waits for in-flight connections.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// Runs the server until SIGINT or SIGTERM, then finishes in-flight requests.
///
/// HTTP/1.1 on hyper directly (rather than `axum::serve`) for a request-header timeout, a
/// connection limit, `TCP_NODELAY`, and no protocol sniffing on every connection.
pub async fn run(state: Arc<AppState>, addr: SocketAddr) -> Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    log_event("listening", &listener.local_addr()?.to_string());
    let service = hyper_util::service::TowerToHyperService::new(router(state));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(64 * 1024);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        log_event("accept failed", &e.to_string());
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
                    continue; // over the limit: dropping the stream closes it
                };
                let _ = stream.set_nodelay(true);
                let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service.clone()));
                tokio::spawn(async move {
                    let _ = conn.await;
                    drop(permit);
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    log_event("shutting down", "finishing in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(SHUTDOWN_GRACE) => log_event("shutdown", "grace period over"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert!(is_hashed("vaxpass-app-3f5c0a1b2c3d4e5f.wasm"));
        assert!(is_hashed("app_0123456789abcdef0123.js"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("sw.js"));
        assert!(suspicious("/trust-lists/../keys"));
        assert!(suspicious("/trust-lists/%2E%2E/x"));
        assert!(suspicious("//etc/passwd"));
        assert!(!suspicious("/trust-lists/dsc.json"));
        let html = r#"<html><script type="module">import init from '/a.js'; init();</script><script src="/x.js"></script></html>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        assert!(hashes[0].starts_with("'sha256-"));
    }
}
