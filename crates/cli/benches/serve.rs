//! `vaxpass serve` against nginx serving the same published files, on loopback, in one run:
//! requests/s and p99 latency for the verifier trust list, cold and revalidated with
//! `If-None-Match`, with both access logs off, then with both on (each writing to a file).
//! Needs `wrk` and `nginx` (Debian packages).
//!
//! Bars (issue 11): logs off, ≥ 1.0× nginx; our log on, ≥ 0.8× nginx with its log on.
//!
//! Run with `cargo bench -p vaxpass --bench serve`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn run(args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new(env!("CARGO_BIN_EXE_vaxpass"))
        .args(args)
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn wait_for(port: u16) {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn etag(port: u16, path: &str) -> anyhow::Result<String> {
    let out = Command::new("curl")
        .args(["-sSI", &format!("http://127.0.0.1:{port}{path}")])
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("etag:")
                .then(|| l[5..].trim().to_string())
        })
        .ok_or_else(|| anyhow::anyhow!("no ETag from port {port}"))
}

/// (requests/s, p99 latency) from wrk.
fn wrk(port: u16, path: &str, header: Option<&str>) -> anyhow::Result<(f64, String)> {
    let url = format!("http://127.0.0.1:{port}{path}");
    let mut args = vec!["-t2", "-c64", "-d8s", "--latency"];
    if let Some(h) = header {
        args.extend(["-H", h]);
    }
    args.push(&url);
    let out = Command::new("wrk").args(&args).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("wrk output: {text}"))?;
    let p99 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%").map(|v| v.trim().to_string()))
        .unwrap_or_default();
    let non_2xx = text.lines().any(|l| l.contains("Non-2xx"));
    anyhow::ensure!(!non_2xx || header.is_some(), "errors in wrk run: {text}");
    Ok((rps, p99))
}

/// Stops a child with SIGTERM (nginx then stops its workers too) and reaps it.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let stopped = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

fn nginx(root: &Path, dir: &Path, port: u16, log: bool) -> anyhow::Result<Kill> {
    let conf = dir.join("nginx.conf");
    let access_log = if log {
        format!("access_log {}/nginx-access.log", dir.display())
    } else {
        "access_log off".to_string()
    };
    std::fs::write(
        &conf,
        format!(
            "daemon off;\nworker_processes auto;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  {access_log};\n  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 100000;\n\
               types {{ application/json json sig; }}\n\
               client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;\n\
               uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;\n\
               server {{\n    listen 127.0.0.1:{port};\n    root {root};\n    etag on;\n\
                 add_header Cache-Control \"public, max-age=300, must-revalidate\";\n\
                 add_header Access-Control-Allow-Origin \"*\";\n  }}\n}}\n",
            dir = dir.display(),
            root = root.display(),
            access_log = access_log,
        ),
    )?;
    std::fs::create_dir_all(dir.join("tmp"))?;
    let child = Command::new("nginx")
        .args([
            "-c",
            conf.to_str().unwrap_or_default(),
            "-p",
            dir.to_str().unwrap_or_default(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    wait_for(port);
    Ok(Kill(child))
}

fn main() -> anyhow::Result<()> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-serve");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let keys = dir.join("keys");
    let published = dir.join("published");
    let app = dir.join("app");
    std::fs::create_dir_all(&app)?;
    std::fs::write(
        app.join("index.html"),
        "<!doctype html><title>VaxPass</title>",
    )?;
    let s = |p: &Path| p.to_str().unwrap_or_default().to_string();
    run(&["keys", "init", "--dir", &s(&keys)])?;
    for _ in 0..3 {
        run(&["keys", "add-signer", "--dir", &s(&keys)])?;
    }
    run(&["publish", "--keys", &s(&keys), "--out", &s(&published)])?;
    let root = std::fs::canonicalize(published.join("current"))?;
    let path = "/trust-lists/verifier.json";

    let mut report = Vec::new();
    for log in [false, true] {
        let ours_port = free_port()?;
        let mut ours = Command::new(env!("CARGO_BIN_EXE_vaxpass"));
        ours.args(["serve", "--trust-lists", &s(&published), "--app", &s(&app)])
            .args(["--addr", &format!("127.0.0.1:{ours_port}")])
            .stdout(Stdio::null());
        if log {
            ours.stderr(std::fs::File::create(dir.join("vaxpass-access.log"))?);
        } else {
            ours.arg("--no-access-log").stderr(Stdio::null());
        }
        let ours = Kill(ours.spawn()?);
        wait_for(ours_port);
        let nginx_port = free_port()?;
        let nginx = nginx(&root, &dir, nginx_port, log)?;
        let mut rows = Vec::new();
        for (name, port) in [("vaxpass serve", ours_port), ("nginx", nginx_port)] {
            let cold = wrk(port, path, None)?;
            let tag = etag(port, path)?;
            let warm = wrk(port, path, Some(&format!("If-None-Match: {tag}")))?;
            rows.push((name, cold, warm));
        }
        drop((ours, nginx));
        let logs = if log {
            "both access logs on (files)"
        } else {
            "both access logs off"
        };
        println!("\n== {path} on loopback, wrk -t2 -c64 -d8s, {logs} ==");
        for (name, cold, warm) in &rows {
            println!(
                "{name:<14} cold {:>9.0} req/s (p99 {:>8})   If-None-Match {:>9.0} req/s (p99 {:>8})",
                cold.0, cold.1, warm.0, warm.1
            );
        }
        if let [(_, oc, ow), (_, nc, nw)] = rows.as_slice() {
            let bar = if log { 0.8 } else { 1.0 };
            let line = format!(
                "ratio to nginx, {logs}: cold {:.2}, If-None-Match {:.2} (bar ≥ {bar})",
                oc.0 / nc.0,
                ow.0 / nw.0
            );
            println!("{line}");
            report.push(line);
        }
    }
    if log_lines(&dir.join("vaxpass-access.log"))? == 0 {
        anyhow::bail!("the access log stayed empty: the logging run measured nothing");
    }
    println!();
    for line in report {
        println!("{line}");
    }
    Ok(())
}

/// Request lines in an access log.
fn log_lines(path: &Path) -> anyhow::Result<usize> {
    Ok(std::fs::read_to_string(path)?
        .lines()
        .filter(|l| l.contains("\"event\":\"request\""))
        .count())
}
