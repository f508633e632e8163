//! Access and event logs, as JSON lines on standard error.
//!
//! A request costs the server one clone of its method and URI and one `try_send` into a
//! bounded channel; a writer thread formats the lines into a 64 KiB buffer, flushes it
//! whenever the channel runs dry and then lets lines gather for 10 ms (so an idle server's log
//! is current, a busy one writes in large blocks, and requests never wait to wake the writer). When the writer falls behind by [`QUEUE`] lines, lines are dropped and
//! counted rather than slowing requests down; the count is logged.
//!
//! What is logged: time, method, status, duration, and the path only when a known file or
//! endpoint answered (2xx or 304). Never the query string, never an unknown path (it could
//! hold anything, a pasted certificate included), never the client address.

use std::future::Future;
use std::io::Write as _;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use axum::http::{Method, Request, Response, Uri};
use tower::{Layer, Service};

/// Lines the writer may fall behind before lines are dropped.
pub(crate) const QUEUE: usize = 64 * 1024;

/// Writes an event line (start, reload, shutdown) at once.
pub(crate) fn event(event: &str, detail: &str) {
    let line = format!(
        "{{\"time\":\"{}\",\"event\":{},\"detail\":{}}}\n",
        now_rfc3339(SystemTime::now()),
        serde_json::Value::from(event),
        serde_json::Value::from(detail)
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
}

fn now_rfc3339(at: SystemTime) -> String {
    let d = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    let secs = hcert::UnixTime(i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let rfc = secs.rfc3339();
    // "…:SSZ" → "…:SS.mmmZ"
    match rfc.strip_suffix('Z') {
        Some(stem) => format!("{stem}.{:03}Z", d.subsec_millis()),
        None => rfc,
    }
}

enum Line {
    Request {
        at: SystemTime,
        method: Method,
        uri: Uri,
        status: u16,
        micros: u64,
    },
    Flush(std::sync::mpsc::Sender<()>),
}

/// The access log: cheap to clone, one writer thread behind it.
#[derive(Clone)]
pub(crate) struct AccessLog {
    tx: SyncSender<Line>,
    dropped: Arc<AtomicU64>,
}

impl AccessLog {
    /// Starts the writer thread.
    pub(crate) fn start() -> std::io::Result<AccessLog> {
        let (tx, rx) = std::sync::mpsc::sync_channel(QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&dropped);
        std::thread::Builder::new()
            .name("access-log".into())
            .spawn(move || write_lines(&rx, &counter))?;
        Ok(AccessLog { tx, dropped })
    }

    fn record(&self, line: Line) {
        match self.tx.try_send(line) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Disconnected(_)) => {}
        }
    }

    /// Waits (at most a second) until every line recorded so far is written.
    pub(crate) fn flush(&self) {
        let (ack, done) = std::sync::mpsc::channel();
        if self.tx.send(Line::Flush(ack)).is_ok() {
            let _ = done.recv_timeout(Duration::from_secs(1));
        }
    }
}

/// How long the writer lets lines gather after writing a batch. Senders only wake the
/// writer when it waits idle, so under load requests never pay for a wake-up.
const GATHER: Duration = Duration::from_millis(10);

fn write_lines(rx: &Receiver<Line>, dropped: &AtomicU64) {
    // Not `stderr().lock()`: events are written to stderr from other threads meanwhile.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stderr());
    let mut clock = Clock::default();
    let mut acks = Vec::new();
    loop {
        let first = match rx.try_recv() {
            Ok(line) => line,
            Err(TryRecvError::Empty) => match rx.recv() {
                Ok(line) => line,
                Err(_) => break,
            },
            Err(TryRecvError::Disconnected) => break,
        };
        let mut next = Some(first);
        while let Some(line) = next {
            match line {
                Line::Request {
                    at,
                    method,
                    uri,
                    status,
                    micros,
                } => {
                    // A file was served only by GET or HEAD: a CORS preflight (OPTIONS) is
                    // answered for any path under a published prefix, known or not.
                    let served = matches!(method, Method::GET | Method::HEAD)
                        && ((200..300).contains(&status) || status == 304);
                    let _ = write_request(
                        &mut out,
                        clock.stamp(at),
                        method.as_str(),
                        if served { uri.path() } else { "-" },
                        status,
                        micros,
                    );
                }
                Line::Flush(ack) => acks.push(ack),
            }
            next = rx.try_recv().ok();
        }
        let lost = dropped.swap(0, Ordering::Relaxed);
        if lost > 0 {
            let _ = writeln!(
                out,
                "{{\"time\":\"{}\",\"event\":\"access log behind, lines dropped\",\"detail\":{lost}}}",
                now_rfc3339(SystemTime::now())
            );
        }
        let _ = out.flush();
        for ack in acks.drain(..) {
            let _ = ack.send(());
        }
        std::thread::sleep(GATHER);
    }
    let _ = out.flush();
}

/// RFC 3339 times with milliseconds, formatting the date and time once per second.
#[derive(Default)]
struct Clock {
    second: u64,
    /// `2026-11-30T21:00:00.` for `second`.
    prefix: String,
    stamp: String,
}

impl Clock {
    fn stamp(&mut self, at: SystemTime) -> &str {
        let d = at
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        if d.as_secs() != self.second || self.prefix.is_empty() {
            self.second = d.as_secs();
            let rfc = hcert::UnixTime(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)).rfc3339();
            self.prefix = format!("{}.", rfc.trim_end_matches('Z'));
        }
        self.stamp.clear();
        self.stamp.push_str(&self.prefix);
        let ms = d.subsec_millis();
        for digit in [ms / 100, ms / 10 % 10, ms % 10] {
            self.stamp
                .push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
        }
        self.stamp.push('Z');
        &self.stamp
    }
}

/// One request line. The path is escaped as a JSON string by hand: this runs for every
/// request, and `serde_json` would allocate.
fn write_request(
    out: &mut impl std::io::Write,
    time: &str,
    method: &str,
    path: &str,
    status: u16,
    micros: u64,
) -> std::io::Result<()> {
    write!(
        out,
        "{{\"time\":\"{time}\",\"event\":\"request\",\"method\":"
    )?;
    write_json_str(out, method)?;
    out.write_all(b",\"path\":")?;
    write_json_str(out, path)?;
    writeln!(
        out,
        ",\"status\":{status},\"ms\":{}.{:03}}}",
        micros / 1000,
        micros % 1000
    )
}

fn write_json_str(out: &mut impl std::io::Write, s: &str) -> std::io::Result<()> {
    out.write_all(b"\"")?;
    let mut rest = s;
    while let Some(i) = rest.find(|c: char| c == '"' || c == '\\' || c.is_control()) {
        out.write_all(&rest.as_bytes()[..i])?;
        let c = rest[i..].chars().next().unwrap_or(' ');
        match c {
            '"' => out.write_all(b"\\\"")?,
            '\\' => out.write_all(b"\\\\")?,
            c => write!(out, "\\u{:04x}", u32::from(c))?,
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.write_all(rest.as_bytes())?;
    out.write_all(b"\"")
}

/// Tower layer that records every request in an [`AccessLog`].
#[derive(Clone)]
pub(crate) struct AccessLogLayer(pub AccessLog);

impl<S> Layer<S> for AccessLogLayer {
    type Service = AccessLogService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AccessLogService {
            inner,
            log: self.0.clone(),
        }
    }
}

/// See [`AccessLogLayer`].
#[derive(Clone)]
pub(crate) struct AccessLogService<S> {
    inner: S,
    log: AccessLog,
}

impl<S, B, R> Service<Request<B>> for AccessLogService<S>
where
    S: Service<Request<B>, Response = Response<R>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Logged<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let request = (req.method().clone(), req.uri().clone(), Instant::now());
        Logged {
            inner: self.inner.call(req),
            request: Some(request),
            log: self.log.clone(),
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`AccessLogService`].
    pub(crate) struct Logged<F> {
        #[pin]
        inner: F,
        request: Option<(Method, Uri, Instant)>,
        log: AccessLog,
    }
}

impl<F, R, E> Future for Logged<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let out = std::task::ready!(this.inner.poll(cx));
        if let (Ok(response), Some((method, uri, started))) = (&out, this.request.take()) {
            this.log.record(Line::Request {
                at: SystemTime::now(),
                method,
                uri,
                status: response.status().as_u16(),
                micros: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            });
        }
        Poll::Ready(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_carry_milliseconds() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_millis(1_764_530_000_123);
        assert_eq!(now_rfc3339(at), "2025-11-30T19:13:20.123Z");
        let mut clock = Clock::default();
        assert_eq!(clock.stamp(at), "2025-11-30T19:13:20.123Z");
        let later = at + Duration::from_millis(1_880);
        assert_eq!(clock.stamp(later), "2025-11-30T19:13:22.003Z");
    }

    #[test]
    fn request_lines_are_json() {
        let mut out = Vec::new();
        write_request(&mut out, "T", "GET", "/a\"b\\c\u{1}é", 200, 1_234).unwrap();
        let line = String::from_utf8(out).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["path"], "/a\"b\\c\u{1}é");
        assert_eq!(v["ms"], 1.234);
        assert_eq!(v["status"], 200);
        assert!(line.ends_with('\n'));
    }
}
