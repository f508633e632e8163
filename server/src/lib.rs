//! `vaxpass-server`: the static API. It serves a published trust-list tree (`vaxpass publish
//! --out`) and the verifier portal's build from memory, over HTTP/1.1 with axum.
//!
//! - [`snapshot`](Snapshot): a directory read once, with gzip and brotli representations,
//!   strong ETags and prebuilt headers; reading it refuses key stores and private keys.
//! - [`Tree`]: the published tree, swapped for the new version when `current` moves.
//! - routes: published files with CORS, `/healthz`, the portal; security headers and the CSP
//!   on every response.
//! - the access log: buffered JSON lines off the request path, without personal data.
//! - [`run`]: the accept loop with timeouts, a connection limit and graceful shutdown.
//!
//! Only `GET` and `HEAD` exist; no endpoint accepts a body, so no certificate can be sent
//! here. The server depends on `hcert` only: it cannot reach a key store.

mod access_log;
mod headers;
mod listen;
mod routes;
mod snapshot;
mod state;
mod tree;

pub use listen::{
    run, serve, Limits, HEADER_TIMEOUT, MAX_CONNECTIONS, MAX_PER_IP, SHUTDOWN_GRACE, STALL_TIMEOUT,
};
pub use routes::router;
pub use snapshot::{Asset, CachePolicy, Snapshot};
pub use state::AppState;
pub use tree::Tree;
