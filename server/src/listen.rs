//! The accept loop: HTTP/1.1 on hyper directly (rather than `axum::serve`) for a request-header
//! timeout, a stall timeout on every read and write (slow readers), connection limits in all
//! and per IP address, `TCP_NODELAY`, no protocol sniffing on every connection, and a
//! graceful shutdown on SIGINT or SIGTERM.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result};
use hyper_util::rt::{TokioIo, TokioTimer};

use crate::access_log::event;
use crate::routes::router;
use crate::state::AppState;

/// At most this many open connections; more are closed on accept.
pub const MAX_CONNECTIONS: usize = 10_000;
/// At most this many open connections from one IP address: one client cannot take the
/// server's connections from everyone else.
pub const MAX_PER_IP: usize = 64;
/// A client must send its request headers within this time (slow-loris protection).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection that makes no progress reading or writing for this long is closed: a client
/// that stops reading its response (a slow reader) or idles between keep-alive requests.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a graceful shutdown waits for in-flight connections.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
/// The largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;

/// The connection limits (defaults: the constants above; tests use smaller ones).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Open connections in all.
    pub max_connections: usize,
    /// Open connections per client IP address.
    pub per_ip: usize,
    /// Time to send the request headers.
    pub header_timeout: Duration,
    /// Time without progress in either direction.
    pub stall_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: MAX_CONNECTIONS,
            per_ip: MAX_PER_IP,
            header_timeout: HEADER_TIMEOUT,
            stall_timeout: STALL_TIMEOUT,
        }
    }
}

/// Open connections per IP address; an entry is removed with its last connection.
#[derive(Default)]
struct PerIp(Mutex<HashMap<IpAddr, usize>>);

/// One counted connection; uncounted when dropped.
struct IpSlot {
    table: Arc<PerIp>,
    ip: IpAddr,
}

impl PerIp {
    fn take(table: &Arc<PerIp>, ip: IpAddr, max: usize) -> Option<IpSlot> {
        let mut map = table
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(IpSlot {
            table: Arc::clone(table),
            ip,
        })
    }
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        let mut map = self
            .table
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

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

/// Runs the server on `addr` until SIGINT or SIGTERM, then finishes in-flight requests (for
/// at most [`SHUTDOWN_GRACE`]) and writes out the access log.
pub async fn run(state: Arc<AppState>, addr: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    serve(listener, state, Limits::default(), shutdown_signal()).await
}

/// Serves on a bound listener with `limits` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<()> {
    event("listening", &listener.local_addr()?.to_string());
    let service = hyper_util::service::TowerToHyperService::new(router(Arc::clone(&state)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let per_ip = Arc::new(PerIp::default());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        event("accept failed", &e.to_string());
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // Over a limit: dropping the stream closes it at once.
                let Some(slot) = PerIp::take(&per_ip, peer.ip(), limits.per_ip) else {
                    continue;
                };
                let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
                stream.set_read_timeout(Some(limits.stall_timeout));
                stream.set_write_timeout(Some(limits.stall_timeout));
                let io = TokioIo::new(Box::pin(stream));
                let conn = graceful.watch(http.serve_connection(io, service.clone()));
                tokio::spawn(async move {
                    let _ = conn.await;
                    drop(permit);
                    drop(slot);
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
