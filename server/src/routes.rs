//! The routes: published files (with CORS, for partners' verifiers on other origins), the
//! health check, and the portal. Every handler is a map lookup; the security headers of
//! file responses are prebuilt, and a tower-http layer adds them to the rest.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::access_log::AccessLogLayer;
use crate::headers::security_headers;
use crate::snapshot::Asset;
use crate::state::AppState;

/// The router.
pub fn router(state: Arc<AppState>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([header::IF_NONE_MATCH])
        .expose_headers([header::ETAG])
        .max_age(Duration::from_secs(86_400))
        // The origin does not change the answer (`*`); the bodies vary by encoding only.
        .vary([] as [HeaderName; 0]);
    let published = Router::new()
        .route("/trust-anchor.pem", get(published_file))
        .route("/trust-lists/{*path}", get(published_file))
        .route("/revocation/{*path}", get(published_file))
        .route("/rules/{*path}", get(published_file))
        .route("/valuesets/{*path}", get(published_file))
        .route("/.well-known/{*path}", get(published_file))
        .layer(cors);
    let mut router = Router::new()
        .merge(published)
        .route("/healthz", get(healthz))
        .fallback(portal_file)
        .with_state(Arc::clone(&state));
    for (name, value) in security_headers(state.csp.clone()) {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    if let Some(log) = &state.access_log {
        router = router.layer(AccessLogLayer(log.clone()));
    }
    router
}

/// Paths that could climb out of or confuse a file tree. Lookups are in memory, so nothing
/// could escape anyway; these get a `400` so that probes stand out.
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

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = (status, text).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn serve(asset: Option<&Asset>, req: &Request) -> Response {
    match asset {
        Some(asset) => asset.respond(req.headers(), req.method() == Method::HEAD),
        None => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

async fn published_file(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let path = req.uri().path();
    if suspicious(path) {
        return plain(StatusCode::BAD_REQUEST, "bad path\n");
    }
    serve(state.tree.current().get(path), &req)
}

async fn portal_file(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let path = req.uri().path();
    if suspicious(path) {
        return plain(StatusCode::BAD_REQUEST, "bad path\n");
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET,HEAD"));
        return r;
    }
    let key = if path == "/" { "/index.html" } else { path };
    serve(state.app.get(key), &req)
}

async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let body = serde_json::json!({"status": "ok", "trust_lists": state.tree.version()});
    let mut r = body.to_string().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_are_suspicious_and_files_are_not() {
        for p in [
            "/trust-lists/../keys",
            "/trust-lists/%2E%2E/x",
            "//etc/passwd",
            "/a\\b",
            "/x%00",
        ] {
            assert!(suspicious(p), "{p}");
        }
        for p in ["/trust-lists/dsc.json", "/.well-known/vaxpass.json", "/"] {
            assert!(!suspicious(p), "{p}");
        }
    }
}
