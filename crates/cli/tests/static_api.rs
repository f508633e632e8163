//! The static API: `vaxpass publish` and `vaxpass serve` — router tests without sockets, the
//! real server on loopback, every list's signature, tampering, atomic republish under load,
//! and a partner checking the list with openssl and jq only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hcert::UnixTime;
use hcert::{self, Index, TrustAnchor, VerifierList};
use sha2::{Digest as _, Sha256};
use tower::ServiceExt as _;
use vaxpass_server as serve;

mod common;
use common::{ok, s, BIN};

struct Fixture {
    dir: PathBuf,
    keys: PathBuf,
    published: PathBuf,
    app: PathBuf,
}

fn fixture(name: &str) -> Fixture {
    let dir = std::env::temp_dir().join(format!("vaxpass-api-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys");
    ok(&["keys", "init", "--dir", s(&keys)]);
    let published = dir.join("published");
    ok(&["publish", "--keys", s(&keys), "--out", s(&published)]);
    let app = dir.join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("index.html"),
        "<!doctype html><script type=\"module\">import init from '/app-0123456789abcdef.js'; init();</script>",
    )
    .unwrap();
    std::fs::write(
        app.join("app-0123456789abcdef.js"),
        "export default function init() {}".repeat(20),
    )
    .unwrap();
    std::fs::write(
        app.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    Fixture {
        dir,
        keys,
        published,
        app,
    }
}

fn state(f: &Fixture) -> Arc<serve::AppState> {
    Arc::new(serve::AppState::load(&f.published, &f.app, false).unwrap())
}

async fn get(state: &Arc<serve::AppState>, req: Request<Body>) -> axum::response::Response {
    serve::router(Arc::clone(state)).oneshot(req).await.unwrap()
}

fn header<'a>(r: &'a axum::response::Response, name: &str) -> &'a str {
    r.headers().get(name).map_or("", |v| v.to_str().unwrap())
}

#[tokio::test]
async fn router_headers_caching_and_refusals() {
    let f = fixture("router");
    let st = state(&f);
    let r = get(
        &st,
        Request::get("/trust-lists/dsc.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-type"), "application/json");
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=300, must-revalidate"
    );
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    assert_eq!(header(&r, "referrer-policy"), "no-referrer");
    assert_eq!(header(&r, "x-frame-options"), "DENY");
    let csp = header(&r, "content-security-policy");
    assert!(
        csp.contains("connect-src 'self'")
            && csp.contains("'wasm-unsafe-eval'")
            && csp.contains("frame-ancestors 'none'")
    );
    assert!(
        csp.contains("'sha256-"),
        "the inline module script is allowed by hash: {csp}"
    );
    let etag = header(&r, "etag").to_string();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong ETag {etag}"
    );

    // Revalidation: 304 for the same representation, 200 for another.
    let r = get(
        &st,
        Request::get("/trust-lists/dsc.json")
            .header("if-none-match", &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&r, "etag"), etag);
    let br = get(
        &st,
        Request::get("/trust-lists/dsc.json")
            .header("accept-encoding", "gzip, br")
            .header("if-none-match", &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(br.status(), StatusCode::OK);
    assert_eq!(header(&br, "content-encoding"), "br");
    assert_ne!(header(&br, "etag"), etag);
    let gz = get(
        &st,
        Request::get("/trust-lists/dsc.json")
            .header("accept-encoding", "gzip;q=1, br;q=0")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    assert_eq!(header(&gz, "vary"), "Accept-Encoding");

    // CORS preflight, HEAD, health.
    let r = get(
        &st,
        Request::builder()
            .method("OPTIONS")
            .uri("/trust-lists/dsc.json")
            .header("origin", "https://verifier.example")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "if-none-match")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(r.status().is_success(), "{}", r.status());
    assert!(header(&r, "access-control-allow-methods").contains("GET"));
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
    assert!(
        header(&r, "access-control-allow-headers").contains("if-none-match"),
        "{:?}",
        r.headers()
    );
    assert_eq!(header(&r, "access-control-max-age"), "86400");
    assert_eq!(
        header(&r, "x-content-type-options"),
        "nosniff",
        "security headers on every response"
    );
    let r = get(
        &st,
        Request::head("/.well-known/vaxpass.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-length").parse::<usize>().unwrap() > 100);
    let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
    assert!(body.is_empty(), "HEAD has no body");
    let r = get(&st, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status(), StatusCode::OK);

    // App caching: hashed assets are immutable, the rest revalidates.
    let r = get(
        &st,
        Request::get("/app-0123456789abcdef.js")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        "",
        "no CORS on the app"
    );
    for p in ["/", "/sw.js"] {
        let r = get(&st, Request::get(p).body(Body::empty()).unwrap()).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, "cache-control"), "no-cache", "{p}");
    }

    // Refusals: other methods, traversal, unknown paths.
    for m in ["POST", "PUT", "DELETE", "PATCH"] {
        let r = get(
            &st,
            Request::builder()
                .method(m)
                .uri("/trust-lists/dsc.json")
                .body(Body::from("HC1:xyz"))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{m}");
        assert_eq!(header(&r, "allow").replace(' ', ""), "GET,HEAD");
        assert_eq!(header(&r, "x-frame-options"), "DENY", "{m}");
        let r = get(
            &st,
            Request::builder()
                .method(m)
                .uri("/")
                .body(Body::from("HC1:xyz"))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{m} /");
        assert_eq!(header(&r, "allow").replace(' ', ""), "GET,HEAD");
    }
    for p in [
        "/trust-lists/../keys/csca.key.pem",
        "/trust-lists/..%2f..%2fkeys",
        "/trust-lists/%2e%2e/%2e%2e/etc/passwd",
        "//etc/passwd",
        "/trust-lists/..\\x",
    ] {
        let r = get(&st, Request::get(p).body(Body::empty()).unwrap()).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{p}");
    }
    for p in [
        "/keys/csca.key.pem",
        "/trust-lists/nope.json",
        "/v000001/trust-anchor.pem",
        "/HC1:6BFOXN",
    ] {
        let r = get(&st, Request::get(p).body(Body::empty()).unwrap()).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{p}");
    }
    std::fs::remove_dir_all(&f.dir).ok();
}

/// A running `vaxpass serve` on a free loopback port.
struct Server {
    child: Child,
    addr: String,
    /// The server's log lines so far.
    log: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(f: &Fixture) -> Server {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--trust-lists",
            s(&f.published),
            "--app",
            s(&f.app),
            "--addr",
            "127.0.0.1:0",
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["event"], "listening");
    let addr = first["detail"].as_str().unwrap().to_string();
    assert!(addr.starts_with("127.0.0.1:"), "loopback only: {addr}");
    // Keep draining the log so the server never blocks on a full pipe.
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    Server { child, addr, log }
}

#[test]
fn the_access_log_names_served_files_and_nothing_personal() {
    let f = fixture("log");
    let server = start(&f);
    let (status, _, _) = http_get(
        &server.addr,
        "/trust-lists/dsc.json?holder=NGUYEN",
        &[("X-Forwarded-For", "203.0.113.9")],
    );
    assert_eq!(status, 200);
    let (status, _, _) = http_get(&server.addr, "/HC1:6BFOXN%25TSMAHN", &[]);
    assert_eq!(status, 404);
    let (status, _, _) = http_get(&server.addr, "/trust-lists/HC1:NCFOXN", &[]);
    assert_eq!(status, 404);
    // A CORS preflight is answered for any path under a published prefix: still not logged.
    let (status, _, _) = http(
        &server.addr,
        "OPTIONS",
        "/trust-lists/HC1:NCFOXNPREFLIGHT",
        &[
            ("Origin", "https://airline.example"),
            ("Access-Control-Request-Method", "GET"),
        ],
    );
    assert!((200..300).contains(&status), "preflight: {status}");
    let requests = || -> Vec<serde_json::Value> {
        server
            .log
            .lock()
            .unwrap()
            .iter()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["event"] == "request")
            .collect()
    };
    // The writer flushes as soon as it has nothing more to write.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while requests().len() < 4 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let lines = requests();
    assert_eq!(lines.len(), 4, "one line per request: {lines:?}");
    assert_eq!(lines[0]["path"], "/trust-lists/dsc.json");
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(lines[0]["method"], "GET");
    assert!(
        lines[0]["time"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{lines:?}"
    );
    for unknown in &lines[1..] {
        assert_eq!(
            unknown["path"], "-",
            "unknown paths are not logged: {unknown}"
        );
    }
    assert_eq!(lines[1]["status"], 404);
    assert_eq!(lines[3]["method"], "OPTIONS");
    let all = server.log.lock().unwrap().join("\n");
    for private in ["HC1", "NGUYEN", "holder", "203.0.113.9"] {
        assert!(!all.contains(private), "{private} in the log:\n{all}");
    }
    drop(server);
    std::fs::remove_dir_all(&f.dir).ok();
}

/// A minimal HTTP/1.1 GET: (status, headers, body).
fn http_get(
    addr: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, BTreeMap<String, String>, Vec<u8>) {
    http(addr, "GET", path, headers)
}

/// A minimal HTTP/1.1 request without a body: (status, headers, body).
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, BTreeMap<String, String>, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let hs = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, hs, body)
}

fn now() -> UnixTime {
    UnixTime(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    )
}

#[test]
fn every_published_list_verifies_and_tampering_is_refused() {
    let f = fixture("lists");
    let server = start(&f);
    let (status, _, anchor_pem) = http_get(&server.addr, "/trust-anchor.pem", &[]);
    assert_eq!(status, 200);
    // The anchor served is the key store's trust-list signer, never a document signer.
    assert_eq!(
        anchor_pem,
        std::fs::read(f.keys.join("trust-list-signer.crt.pem")).unwrap()
    );
    let anchor = TrustAnchor::from_pem(
        std::str::from_utf8(&anchor_pem).unwrap(),
        hcert::default_backend(),
    )
    .unwrap();
    let at = now();
    let fetch = |p: &str| http_get(&server.addr, &format!("/{p}"), &[]).2;
    let index_bytes = fetch(".well-known/vaxpass.json");
    let st = hcert::verify_file(
        ".well-known/vaxpass.json",
        &index_bytes,
        &fetch(".well-known/vaxpass.json.sig"),
        &anchor,
        at,
    )
    .unwrap();
    let index = Index::parse(&index_bytes).unwrap();
    assert_eq!(index.sequence, st.sequence);
    assert!(index.files.len() >= 6);
    assert!(index.files.iter().any(|e| e.path == "rules/rules.json"));
    assert!(index.files.iter().any(|e| e.path == "rules/valuesets.json"));
    for e in &index.files {
        let body = fetch(&e.path);
        assert_eq!(
            format!("{:x}", Sha256::digest(&body)),
            e.sha256,
            "{}",
            e.path
        );
        assert_eq!(body.len() as u64, e.size);
        if let Some(sig) = &e.signature {
            let stmt = hcert::verify_file(&e.path, &body, &fetch(sig), &anchor, at).unwrap();
            assert_eq!(stmt.sequence, index.sequence);
        }
    }
    // The verifier list loads into a trust store that expires with the list.
    let list_bytes = fetch("trust-lists/verifier.json");
    let list_st = hcert::verify_file(
        "trust-lists/verifier.json",
        &list_bytes,
        &fetch("trust-lists/verifier.json.sig"),
        &anchor,
        at,
    )
    .unwrap();
    let store = VerifierList::parse(&list_bytes)
        .unwrap()
        .into_trust_store(hcert::default_backend(), &list_st)
        .unwrap();
    assert_eq!(store.len(), 1);
    assert_eq!(store.signers()[0].country.as_deref(), Some("VN"));
    assert_eq!(store.expires, list_st.expires_at());
    // Tampered, truncated, swapped and expired lists are refused with their own codes.
    let sig = fetch("trust-lists/verifier.json.sig");
    let mut tampered = list_bytes.clone();
    let i = tampered.len() / 2;
    tampered[i] ^= 0x20;
    let code = |r: hcert::Result<hcert::Statement>| r.unwrap_err().code();
    assert_eq!(
        code(hcert::verify_file(
            "trust-lists/verifier.json",
            &tampered,
            &sig,
            &anchor,
            at
        )),
        "TRUST_LIST_DIGEST_MISMATCH"
    );
    assert_eq!(
        code(hcert::verify_file(
            "trust-lists/verifier.json",
            &list_bytes[..list_bytes.len() - 7],
            &sig,
            &anchor,
            at
        )),
        "TRUST_LIST_DIGEST_MISMATCH"
    );
    let dsc = fetch("trust-lists/dsc.json");
    assert_eq!(
        code(hcert::verify_file(
            "trust-lists/verifier.json",
            &dsc,
            &fetch("trust-lists/dsc.json.sig"),
            &anchor,
            at
        )),
        "TRUST_LIST_WRONG_FILE"
    );
    assert_eq!(
        code(hcert::verify_file(
            "trust-lists/verifier.json",
            &list_bytes,
            &sig,
            &anchor,
            UnixTime(at.0 + 8 * 86_400)
        )),
        "TRUST_LIST_EXPIRED"
    );
    let mut forged: serde_json::Value = serde_json::from_slice(&sig).unwrap();
    forged["signature"] =
        serde_json::from_slice::<serde_json::Value>(&fetch("trust-lists/dsc.json.sig")).unwrap()
            ["signature"]
            .clone();
    assert_eq!(
        code(hcert::verify_file(
            "trust-lists/verifier.json",
            &list_bytes,
            &serde_json::to_vec(&forged).unwrap(),
            &anchor,
            at
        )),
        "TRUST_LIST_SIGNATURE_INVALID"
    );

    // 304 over the wire, CORS and security headers.
    let (_, h, _) = http_get(&server.addr, "/trust-lists/dsc.json", &[]);
    let etag = h["etag"].clone();
    let (status, h2, body) = http_get(
        &server.addr,
        "/trust-lists/dsc.json",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(status, 304);
    assert!(body.is_empty());
    assert_eq!(h2["etag"], etag);
    assert_eq!(h["access-control-allow-origin"], "*");
    assert_eq!(h["referrer-policy"], "no-referrer");
    let (status, _, _) = http_get(&server.addr, "/trust-lists/%2e%2e/keys", &[]);
    assert_eq!(status, 400);

    // Nothing private is ever published.
    for entry in walk(&f.published) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).to_string();
        assert!(!text.contains("PRIVATE KEY"), "{}", entry.display());
    }
    std::fs::remove_dir_all(&f.dir).ok();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(walk(&p));
        } else if p.is_file() {
            out.push(p);
        }
    }
    out
}

/// Clients downloading while the tree is republished only ever get complete files of a
/// published version, never an error.
#[test]
fn atomic_republish_while_clients_download() {
    let f = fixture("republish");
    let server = Arc::new(start(&f));
    let stop = Arc::new(AtomicBool::new(false));
    let seen: Arc<std::sync::Mutex<Vec<(String, String)>>> = Arc::default();
    let requests = Arc::new(AtomicUsize::new(0));
    let paths = [
        ".well-known/vaxpass.json",
        "trust-lists/dsc.json",
        "trust-lists/verifier.json",
        "trust-lists/valid-kids.json",
        "trust-lists/valuesets.json.sig",
    ];
    let clients: Vec<_> = (0..4)
        .map(|i| {
            let (server, stop, seen, requests) = (
                Arc::clone(&server),
                Arc::clone(&stop),
                Arc::clone(&seen),
                Arc::clone(&requests),
            );
            std::thread::spawn(move || {
                let mut n = i;
                while !stop.load(Ordering::Relaxed) {
                    let p = paths[n % paths.len()];
                    n += 1;
                    let (status, _, body) = http_get(
                        &server.addr,
                        &format!("/{p}"),
                        &[("Accept-Encoding", "identity")],
                    );
                    assert_eq!(status, 200, "{p} during republish");
                    seen.lock()
                        .unwrap()
                        .push((p.to_string(), format!("{:x}", Sha256::digest(&body))));
                    requests.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for _ in 0..3 {
        std::thread::sleep(std::time::Duration::from_millis(700));
        ok(&["publish", "--keys", s(&f.keys), "--out", s(&f.published)]);
    }
    std::thread::sleep(std::time::Duration::from_millis(1500));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    // Every body matches that path in one of the published versions' indexes (a signature
    // file is matched through the version's own copy).
    let mut known: BTreeSet<(String, String)> = BTreeSet::new();
    for v in std::fs::read_dir(&f.published).unwrap() {
        let dir = v.unwrap().path();
        if dir.file_name().unwrap().to_string_lossy().starts_with('v') {
            for p in paths {
                let body = std::fs::read(dir.join(p)).unwrap();
                known.insert((p.to_string(), format!("{:x}", Sha256::digest(&body))));
            }
        }
    }
    let seen = seen.lock().unwrap();
    assert!(seen.len() > 50, "only {} downloads", seen.len());
    let versions: BTreeSet<&String> = seen
        .iter()
        .filter(|(p, _)| p == paths[0])
        .map(|(_, h)| h)
        .collect();
    assert!(versions.len() >= 2, "clients saw the republish");
    for item in seen.iter() {
        assert!(
            known.contains(item),
            "{item:?} is not a file of any published version"
        );
    }
    let (_, _, health) = http_get(&server.addr, "/healthz", &[]);
    assert!(String::from_utf8_lossy(&health).contains("v000004"));
    std::fs::remove_dir_all(&f.dir).ok();
}

/// Partners' gateway lists join the verifier list under their country.
#[test]
fn partner_lists_join_the_verifier_list() {
    let f = fixture("partner");
    // A partner's gateway export: one of the EU test suite's signer certificates.
    let der =
        hcert::pem_certificates(&std::fs::read_to_string(f.keys.join("csca.crt.pem")).unwrap())
            .unwrap()
            .remove(0);
    let partner_cert = hcert::Certificate::from_der(&der).unwrap();
    let list = serde_json::json!([{
        "kid": partner_cert.kid_base64(), "country": "DE", "certificateType": "DSC",
        "thumbprint": partner_cert.thumbprint(), "signature": "", "timestamp": "2026-01-01T00:00:00Z",
        "rawData": base64_std(&der),
    }, {"kid": "AAAAAAAAAAA=", "country": "DE", "certificateType": "CSCA", "rawData": base64_std(&der)}]);
    let file = f.dir.join("de.json");
    std::fs::write(&file, list.to_string()).unwrap();
    let out = f.dir.join("published2");
    ok(&[
        "publish",
        "--keys",
        s(&f.keys),
        "--out",
        s(&out),
        "--extra-trust",
        s(&file),
    ]);
    let v =
        VerifierList::parse(&std::fs::read(out.join("current/trust-lists/verifier.json")).unwrap())
            .unwrap();
    let countries: Vec<&str> = v.signers.iter().map(|e| e.country.as_str()).collect();
    assert_eq!(countries, ["DE", "VN"]);
    std::fs::remove_dir_all(&f.dir).ok();
}

fn base64_std(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// docs/static-api.md, followed with curl, jq and openssl only.
#[test]
fn a_partner_checks_the_list_with_openssl_and_jq() {
    let tools = ["bash", "curl", "jq", "openssl", "sha256sum", "base64"];
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| {
            Command::new("sh")
                .args(["-c", &format!("command -v {t}")])
                .output()
                .map_or(true, |o| !o.status.success())
        })
        .collect();
    if !missing.is_empty() {
        if std::env::var_os("CI").is_some() {
            panic!("missing tools in CI: {missing:?}");
        }
        eprintln!("\n========== SKIP: partner tools missing: {missing:?} ==========\n");
        return;
    }
    let f = fixture("openssl");
    let server = start(&f);
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/partner/verify_trust_list.sh");
    let pinned = f.keys.join("trust-list-signer.crt.pem");
    let out = Command::new("bash")
        .arg(script)
        .arg(format!("http://{}", server.addr))
        .arg(&pinned)
        .arg(f.dir.join("partner"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("verified trust-lists/dsc.json"));
    assert!(text.contains("1 document signers verified"));
    std::fs::remove_dir_all(&f.dir).ok();
}

/// A client that never finishes its request headers is cut off after the header timeout
/// while other clients are served; SIGTERM stops the server cleanly.
#[test]
fn slow_clients_time_out_and_sigterm_stops_gracefully() {
    let f = fixture("slow");
    let mut server = start(&f);
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.write_all(b"GET /trust-lists/dsc.json HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    slow.set_read_timeout(Some(
        serve::HEADER_TIMEOUT + std::time::Duration::from_secs(10),
    ))
    .unwrap();
    let started = std::time::Instant::now();
    let (status, _, _) = http_get(&server.addr, "/healthz", &[]);
    assert_eq!(status, 200, "others are served meanwhile");
    let mut rest = Vec::new();
    let read = slow.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(
        read.is_ok(),
        "the server closed the slow connection: {read:?}"
    );
    assert!(
        waited >= serve::HEADER_TIMEOUT - std::time::Duration::from_millis(500),
        "closed only after the timeout, not at once: {waited:?}"
    );
    assert!(
        !String::from_utf8_lossy(&rest).contains("200 OK"),
        "no response to an unfinished request"
    );

    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(st) = server.child.try_wait().unwrap() {
            break st;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "graceful exit: {status:?}");
    std::fs::remove_dir_all(&f.dir).ok();
}

#[test]
fn serve_refuses_trees_holding_keys() {
    let f = fixture("keys-under-app");
    // The key store itself inside the directory given as --app (a wrong path, a deploy
    // script gone wrong): refused before anything is served.
    let site = f.dir.join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::copy(f.app.join("index.html"), site.join("index.html")).unwrap();
    ok(&["keys", "init", "--dir", s(&site.join("backup-keys"))]);
    let serve = |app: &Path| {
        Command::new(BIN)
            .args([
                "serve",
                "--trust-lists",
                s(&f.published),
                "--app",
                s(app),
                "--addr",
                "127.0.0.1:0",
            ])
            .output()
            .unwrap()
    };
    let out = serve(&site);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("key"), "{err}");
    // A lone private key file, under any name.
    let other = f.dir.join("other-site");
    std::fs::create_dir_all(other.join("assets")).unwrap();
    std::fs::copy(f.app.join("index.html"), other.join("index.html")).unwrap();
    let pem = std::fs::read(f.keys.join("trust-list-signer.key.pem")).unwrap();
    std::fs::write(other.join("assets/logo.txt"), pem).unwrap();
    let out = serve(&other);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("private key"));
    std::fs::remove_dir_all(&f.dir).ok();
}

/// Slow clients: one address cannot hold every connection, a client that never finishes its
/// request headers is cut off, and new clients are served meanwhile.
#[test]
fn slow_clients_cannot_take_the_server() {
    use std::time::{Duration, Instant};
    let f = fixture("slow-limits");
    let state = state(&f);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let limits = serve::Limits {
        max_connections: 100,
        per_ip: 4,
        header_timeout: Duration::from_secs(1),
        stall_timeout: Duration::from_secs(2),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(serve::serve(listener, state, limits, async {
        let _ = stopped.await;
    }));
    // Four slow clients that send half a request line and stop.
    let slow: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut c = TcpStream::connect(&addr).unwrap();
            c.write_all(b"GET /trust-lists/dsc.json HTTP/1.1\r\nHo")
                .unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    // A fifth connection from the same address is closed at once.
    let mut fifth = TcpStream::connect(&addr).unwrap();
    fifth
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = fifth.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut buf = [0u8; 64];
    let n = fifth.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "over the per-address limit: closed without an answer");
    // The slow ones are cut off after the header timeout...
    let started = Instant::now();
    for mut c in slow {
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut rest = Vec::new();
        let _ = c.read_to_end(&mut rest);
        assert!(
            rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
            "{}",
            String::from_utf8_lossy(&rest)
        );
    }
    assert!(started.elapsed() < Duration::from_secs(4));
    // ...and a new client is served.
    let (status, _, _) = http_get(&addr, "/trust-lists/dsc.json", &[]);
    assert_eq!(status, 200);
    let _ = stop.send(());
    runtime.block_on(server).unwrap().unwrap();
    std::fs::remove_dir_all(&f.dir).ok();
}
