//! The accept loop: HTTP/1.1 on hyper directly (rather than `axum::serve`) for a request-header
//! timeout, a connection limit, `TCP_NODELAY`, no protocol sniffing on every connection, and a
//! graceful shutdown on SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use hyper_util::rt::{TokioIo, TokioTimer};

use crate::access_log::event;
use crate::routes::router;
use crate::state::AppState;

/// At most this many open connections; more are closed on accept.
pub const MAX_CONNECTIONS: usize = 10_000;
/// A client must send its request headers within this time (slow-loris protection); it also
/// bounds how long an idle keep-alive connection is held.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a graceful shutdown waits for in-flight connections.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
/// The largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            let _ = ctrl_c.await;
            return;
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// Runs the server until SIGINT or SIGTERM, then finishes in-flight requests (for at most
/// [`SHUTDOWN_GRACE`]) and writes out the access log.
pub async fn run(state: Arc<AppState>, addr: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    event("listening", &listener.local_addr()?.to_string());
    let service = hyper_util::service::TowerToHyperService::new(router(Arc::clone(&state)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEAD);
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
                        event("accept failed", &e.to_string());
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
    event("shutting down", "finishing in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(SHUTDOWN_GRACE) => event("shutdown", "grace period over"),
    }
    state.flush_log();
    Ok(())
}
