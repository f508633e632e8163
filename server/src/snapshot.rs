//! A published tree or the portal build, read into memory once: every file with its gzip and
//! brotli representations, strong ETags and prebuilt headers, so that serving a request is a
//! lookup and a copy and never touches the file system.
//!
//! What is read is guarded (`docs/static-api.md`): symbolic links are followed only when they
//! stay inside the served directory, dot-files are skipped except `.well-known/`, and a
//! directory holding anything that looks like a key store or a private key is refused, so a
//! wrong `--app` or `--trust-lists` cannot publish secrets.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use bytes::Bytes;
use sha2::{Digest as _, Sha256};

/// gzip and brotli encodings of a body the publisher did not precompress (the portal's own
/// files), at their best levels for small bodies: done once, at load.
fn precompress(data: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
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
    /// Content-named or content-hashed files: a year, immutable.
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
/// built once at load time.
#[derive(Debug, Clone)]
struct Representation {
    body: Bytes,
    /// Strong ETag of this representation (RFC 9110 §8.8.3.3).
    etag: String,
    /// Headers of a `200`, including the security headers.
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

    /// The response to a GET or HEAD with these request headers: the best encoding the
    /// client accepts, or `304` when it holds that representation already.
    pub(crate) fn respond(&self, request: &HeaderMap, head: bool) -> Response {
        let (br_ok, gz_ok) = pick_encoding(request);
        let rep = match (&self.brotli, &self.gzip) {
            (Some(b), _) if br_ok => b,
            (_, Some(g)) if gz_ok => g,
            _ => &self.identity,
        };
        if if_none_match(request, &rep.etag) {
            let mut r = Response::new(axum::body::Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            *r.headers_mut() = rep.not_modified.clone();
            return r;
        }
        let mut r = Response::new(if head {
            axum::body::Body::empty()
        } else {
            axum::body::Body::from(rep.body.clone())
        });
        *r.headers_mut() = rep.ok.clone();
        r
    }
}

/// Accepted encodings: (brotli, gzip).
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
        _ => "application/octet-stream",
    }
}

/// Whether a file name carries a content hash (`app-3f5c0a1b2c3d4e5f.wasm`).
pub(crate) fn is_hashed(name: &str) -> bool {
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
pub(crate) fn tree_policy(rel: &str) -> CachePolicy {
    if is_content_named(rel) {
        CachePolicy::Immutable
    } else {
        CachePolicy::List
    }
}

/// Names that belong to a key store or hold private keys: a served directory holding one is
/// refused.
fn looks_secret(name: &str, body: &[u8]) -> bool {
    const NAMES: [&str; 5] = [
        "keystore.json",
        "uvci.secret",
        "revocations.log",
        "revoked-signers.log",
        "publication.seq",
    ];
    NAMES.contains(&name)
        || name.ends_with(".key.pem")
        || name.ends_with(".key")
        || holds_pem_private_key(body)
}

/// Whether `body` holds a PEM private key: a line `-----BEGIN … PRIVATE KEY-----`.
fn holds_pem_private_key(body: &[u8]) -> bool {
    body.split(|&b| b == b'\n').any(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        line.starts_with(b"-----BEGIN ") && line.ends_with(b"PRIVATE KEY-----")
    })
}

/// Every servable file below `dir`: `(URL path, file)`. Dot-files are skipped (only a top-level
/// `.well-known` is served); symbolic links are followed only when they resolve inside `root`.
fn walk(root: &Path, dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && !(prefix.is_empty() && name == ".well-known") {
            continue;
        }
        let mut path = entry.path();
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            match std::fs::canonicalize(&path) {
                Ok(target) if target.starts_with(root) => path = target,
                _ => {
                    crate::access_log::event(
                        "skipped a link out of the served directory",
                        &format!("{prefix}/{name}"),
                    );
                    continue;
                }
            }
        }
        let rel = format!("{prefix}/{name}");
        if path.is_dir() {
            walk(root, &path, &rel, out)?;
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
        let root =
            std::fs::canonicalize(dir).with_context(|| format!("opening {}", dir.display()))?;
        let mut paths = Vec::new();
        walk(&root, &root, "", &mut paths)?;
        let mut raw: HashMap<String, Vec<u8>> = HashMap::new();
        for (rel, path) in paths {
            let body =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let name = rel.rsplit('/').next().unwrap_or("");
            if looks_secret(name, &body) {
                bail!(
                    "{} holds {rel}, which looks like a key store or a private key: refusing to serve it",
                    dir.display()
                );
            }
            raw.insert(rel, body);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_and_secrets() {
        assert!(is_hashed("vaxpass-app-3f5c0a1b2c3d4e5f.wasm"));
        assert!(is_hashed("app_0123456789abcdef0123.js"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("sw.js"));
        assert!(looks_secret("keystore.json", b"{}"));
        assert!(looks_secret("dsc.key.pem", b""));
        assert!(looks_secret("notes.txt", b"-----BEGIN PRIVATE KEY-----\n"));
        assert!(looks_secret("x.pem", b"-----BEGIN EC PRIVATE KEY-----\n"));
        assert!(!looks_secret(
            "trust-anchor.pem",
            b"-----BEGIN CERTIFICATE-----\n"
        ));
        assert!(
            !looks_secret("app.wasm", b"\0asm.expected -----BEGIN PRIVATE KEY-----."),
            "a program that mentions the PEM label is not a key"
        );
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("vaxpass-snapshot-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("served/sub")).unwrap();
        dir
    }

    #[test]
    fn a_directory_with_a_key_store_is_refused() {
        let dir = scratch("keys");
        let served = dir.join("served");
        std::fs::write(served.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(served.join("sub/keystore.json"), "{}").unwrap();
        let err = Snapshot::load(&served, tree_policy, &HeaderMap::new()).unwrap_err();
        assert!(format!("{err:#}").contains("/sub/keystore.json"), "{err:#}");
        std::fs::remove_file(served.join("sub/keystore.json")).unwrap();
        std::fs::write(
            served.join("sub/notes.txt"),
            "x\n-----BEGIN EC PRIVATE KEY-----\nMHc=\n",
        )
        .unwrap();
        assert!(Snapshot::load(&served, tree_policy, &HeaderMap::new()).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_directory_and_dot_files_are_not_served() {
        let dir = scratch("links");
        let served = dir.join("served");
        std::fs::write(dir.join("outside.txt"), "not for the web").unwrap();
        std::fs::write(served.join("sub/inside.txt"), "for the web").unwrap();
        std::os::unix::fs::symlink(dir.join("outside.txt"), served.join("escape.txt")).unwrap();
        std::os::unix::fs::symlink(served.join("sub/inside.txt"), served.join("alias.txt"))
            .unwrap();
        std::fs::create_dir_all(served.join(".git")).unwrap();
        std::fs::write(served.join(".git/config"), "[core]").unwrap();
        std::fs::write(served.join("sub/.env"), "TOKEN=1").unwrap();
        std::fs::create_dir_all(served.join(".well-known")).unwrap();
        std::fs::write(served.join(".well-known/vaxpass.json"), "{}").unwrap();
        let snap = Snapshot::load(&served, tree_policy, &HeaderMap::new()).unwrap();
        let mut paths: Vec<&str> = snap.files.keys().map(String::as_str).collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            ["/.well-known/vaxpass.json", "/alias.txt", "/sub/inside.txt"]
        );
        assert_eq!(
            snap.get("/alias.txt").unwrap().body().as_ref(),
            b"for the web"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
