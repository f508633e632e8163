//! `vaxpass issue`: records in, signed certificates out, streaming and in parallel, with
//! every record accounted for and a crash at any moment recoverable with `--resume`.
//!
//! Threads: one reader (parses records in order and spots duplicate ids), N workers (clean,
//! sign, encode, render QR, self-check), and the writer (this thread) which puts results back
//! in input order and appends them to `certificates.jsonl` / `rejects.jsonl`.
//!
//! Crash safety: the writer periodically flushes and fsyncs both files and then atomically
//! replaces `state.json` with the input position and the files' lengths at that moment.
//! `--resume` truncates the files back to those lengths (dropping torn lines and anything
//! after the checkpoint), rebuilds the duplicate-id set from the input before that position,
//! and continues from there. Records before the checkpoint are never redone, records after it
//! are redone exactly once. Cleaning is deterministic and `iat` is fixed for the whole run,
//! so the resumed output equals an uninterrupted run's (the same records, UVCIs, iat, exp and
//! payloads; ECDSA signatures are randomised and differ).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, IsTerminal as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use hcert::CborValue as Value;
use hcert::{Date, Issuer, TrustStore, UnixTime};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use vaxpass_keystore::KeyStore;
use vaxpass_qrgen as qrgen;

use crate::clean::{self, Clean, Reason};
use crate::records::{file_sha256, Entry, Format, Item, Position, RecordReader};
use crate::verified::{Gate, VerifiedList};
use crate::write;

/// QR images to write per certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QrOutput {
    /// None.
    None,
    /// 1-bit PNG.
    Png,
    /// SVG.
    Svg,
}

/// What `issue` does.
#[derive(Debug, Clone)]
pub struct Options {
    /// Key store directory.
    pub keys: PathBuf,
    /// Input records (CSV or JSON Lines).
    pub input: PathBuf,
    /// Output directory.
    pub out: PathBuf,
    /// QR images.
    pub qr: QrOutput,
    /// Worker threads.
    pub threads: usize,
    /// Continue an interrupted run.
    pub resume: bool,
    /// Issue time (default: now). Fixed for the whole run, resumes included.
    pub issued_at: Option<UnixTime>,
    /// Verify every certificate with `hcert` before writing it (default: one in 1000).
    pub verify_all: bool,
    /// Show a progress line (only honoured on a terminal).
    pub progress: bool,
    /// Pixels per module in PNG images.
    pub png_scale: usize,
    /// zlib level of the HC1 payload: 0 (stored blocks, the default for batches: certificate
    /// payloads do not compress) to 9.
    pub zlib_level: u32,
    /// How often progress is made durable (fsync of the outputs and the state file).
    pub checkpoint_every: Duration,
    /// Issue only the records a `vaxpass reconcile` run into this directory verified; every
    /// other record is rejected (`NOT_VERIFIED`, `CHANGED_SINCE_RECONCILED`).
    pub only_verified: Option<PathBuf>,
}

pub use crate::write::{DISEASE, ISSUER_NAME, SCHEMA_VERSION};
/// Records per batch handed to a worker.
const BATCH: usize = 256;
/// How often the writer makes its progress durable, by default.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(1500);
/// Self-check one certificate in this many (per worker; the first always).
const SELF_CHECK_EVERY: u64 = 1000;
/// Room for one certificate line (an ES256 line is about 600 bytes), to size batch buffers.
const LINE_CAPACITY: usize = 640;

/// The durable record of a run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct State {
    /// Format version of this file.
    pub version: u32,
    /// Input file.
    pub input: PathBuf,
    /// SHA-256 of the whole input (a resume refuses a changed input).
    pub input_sha256: String,
    /// Input size in bytes.
    pub input_size: u64,
    /// Signer kid (Base64).
    pub kid: String,
    /// Issue time of every certificate of the run.
    pub issued_at: i64,
    /// QR output.
    pub qr: QrOutput,
    /// zlib level of the HC1 payload.
    pub zlib_level: u32,
    /// Where the next unwritten record starts.
    pub position: Position,
    /// Durable length of certificates.jsonl.
    pub certificates_len: u64,
    /// Durable length of rejects.jsonl.
    pub rejects_len: u64,
    /// Records issued so far.
    pub issued: u64,
    /// Records rejected so far.
    pub rejected: u64,
    /// Rejections per reason code so far.
    pub reasons: BTreeMap<String, u64>,
    /// Seconds spent in earlier attempts.
    pub seconds_before: f64,
    /// Whether the run finished.
    pub complete: bool,
    /// SHA-256 of the `--only-verified` list the run started with (a resume refuses another).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_verified_sha256: Option<String>,
}

/// The summary written at the end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// Input records read.
    pub records: u64,
    /// Certificates issued.
    pub issued: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Rejections per reason code (a record may have several).
    pub reasons: BTreeMap<String, u64>,
    /// Signer kid.
    pub kid: String,
    /// Issue time.
    pub issued_at: String,
    /// Wall time over all attempts, seconds.
    pub seconds: f64,
    /// Records per second.
    pub records_per_second: f64,
    /// Certificates per second.
    pub certificates_per_second: f64,
    /// Peak resident memory of the last attempt, bytes (Linux).
    pub peak_rss_bytes: Option<u64>,
    /// Worker threads.
    pub threads: usize,
    /// QR output.
    pub qr: QrOutput,
    /// Whether this run was resumed at least once.
    pub resumed: bool,
}

/// One line of `certificates.jsonl` (docs/records.md).
#[derive(Serialize)]
pub struct CertLine<'a> {
    /// The record's id.
    pub record_id: &'a str,
    /// The certificate's UVCI.
    pub uvci: &'a str,
    /// The certificate, `HC1:` text.
    pub hc1: &'a str,
    /// The signer's kid, Base64.
    pub kid: &'a str,
    /// Issued at, RFC 3339.
    pub iat: &'a str,
    /// Expires at, RFC 3339.
    pub exp: &'a str,
    /// The QR image, relative to the output directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr: Option<&'a str>,
}

impl CertLine<'_> {
    /// The JSON line, newline included: the bytes serde_json writes for this struct, written
    /// by hand (see [`crate::write`]).
    pub fn to_line(&self) -> Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(160 + self.hc1.len() + self.record_id.len());
        self.write_into(&mut bytes);
        Ok(bytes)
    }

    /// Appends the JSON line, newline included, to `out`.
    pub fn write_into(&self, out: &mut Vec<u8>) {
        write::line_start(out, self.record_id, self.uvci);
        write::json_str_body(out, self.hc1);
        write::line_end(out, self.kid, self.iat, self.exp, self.qr);
    }
}

/// One reject line.
#[derive(Serialize)]
struct RejectLine<'a> {
    record_id: Option<&'a str>,
    line: u64,
    reasons: Vec<&'static str>,
    message: String,
}

/// A worker's result for one record: its serialized line.
enum Outcome {
    /// The certificate line: this many bytes of the batch's `certs`, after the lines of the
    /// records before it.
    Issued(usize),
    Rejected(Vec<u8>, Vec<Reason>),
}

struct Job {
    entry: Entry,
    duplicate: bool,
    /// What `--only-verified`'s list says (always `Verified` without one).
    gate: Gate,
}

struct Batch {
    seq: u64,
    jobs: Vec<Job>,
}

struct Done {
    seq: u64,
    /// (position after the record, outcome) in input order.
    results: Vec<(Position, Outcome)>,
    /// The certificate lines of the batch, one after the other: one buffer per batch (handed
    /// back to the workers once written) instead of one allocation per certificate.
    certs: Vec<u8>,
}

fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        // Make the rename itself durable.
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// A file-system-safe name for a record's QR image, with a 2-hex-digit shard directory.
pub fn qr_path(record_id: &str, ext: &str) -> String {
    let digest = Sha256::digest(record_id.as_bytes());
    let safe: String = record_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    let name = if safe == record_id && !safe.is_empty() {
        safe
    } else {
        format!("{safe}-{}", base16ct::lower::encode_string(&digest[..4]))
    };
    format!("qr/{:02x}/{name}.{ext}", digest[0])
}

/// The UVCI of a record's certificate: `URN:UVCI:01:VN:` + 32 hex characters derived from
/// the record, the dose and a secret, + `#` + the Luhn mod N check character. The same record
/// and dose always give the same UVCI; without the secret nobody can derive it.
pub fn uvci(secret: &[u8], country: &str, c: &Clean) -> String {
    let mut out = String::with_capacity(64);
    write::uvci_into(secret, country, c, &c.dt.to_string(), &mut out);
    out
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// The DCC payload of a cleaned record (schema 1.3.0, one vaccination entry).
pub fn payload(c: &Clean, uvci: &str, country: &str) -> Value {
    let mut nam = vec![
        (text("fn"), text(&c.family)),
        (text("fnt"), text(&c.family_t)),
    ];
    if !c.given.is_empty() {
        nam.push((text("gn"), text(&c.given)));
        nam.push((text("gnt"), text(&c.given_t)));
    }
    Value::Map(vec![
        (text("ver"), text(SCHEMA_VERSION)),
        (text("nam"), Value::Map(nam)),
        (text("dob"), text(&c.dob)),
        (
            text("v"),
            Value::Array(vec![Value::Map(vec![
                (text("tg"), text(DISEASE)),
                (text("vp"), text(c.vaccine.vp)),
                (text("mp"), text(c.vaccine.mp)),
                (text("ma"), text(c.vaccine.ma)),
                (text("dn"), Value::Integer(c.dn.into())),
                (text("sd"), Value::Integer(c.sd.into())),
                (text("dt"), text(&c.dt.to_string())),
                (text("co"), text(country)),
                (text("is"), text(ISSUER_NAME)),
                (text("ci"), text(uvci)),
            ])]),
        ),
    ])
}

/// Expiry: 12 calendar months after issue (Decision 5772/QĐ-BYT), never beyond the signer.
pub fn expiry(iat: UnixTime, signer_not_after: UnixTime) -> UnixTime {
    let d = iat.date();
    let secs = iat.0.rem_euclid(86_400);
    let later = d.add_months(12).midnight_utc().0 + secs;
    UnixTime(later).min(signer_not_after)
}

struct Worker {
    issuer: Issuer,
    /// Per-certificate buffers, reused: the latest dose's date as text, the UVCI and the
    /// payload's CBOR.
    dt_text: String,
    uvci: String,
    dcc: Vec<u8>,
    png_deflater: qrgen::PngDeflater,
    secret: Arc<Vec<u8>>,
    country: String,
    kid: String,
    today: Date,
    iat: UnixTime,
    exp: UnixTime,
    iat_text: String,
    exp_text: String,
    qr: QrOutput,
    png_scale: usize,
    out: PathBuf,
    trust: Arc<TrustStore>,
    verify_all: bool,
    issued: u64,
}

impl Worker {
    fn reject(entry: &Entry, record_id: Option<&str>, reasons: Vec<Reason>) -> Outcome {
        let message = reasons
            .iter()
            .map(|r| r.message())
            .collect::<Vec<_>>()
            .join("; ");
        let line = RejectLine {
            record_id,
            line: entry.line,
            reasons: reasons.iter().map(|r| r.code()).collect(),
            message,
        };
        let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
        bytes.push(b'\n');
        Outcome::Rejected(bytes, reasons)
    }

    /// Cleans and issues one record, appending its certificate line to `certs`.
    fn process(&mut self, job: &Job, certs: &mut Vec<u8>) -> Result<Outcome> {
        let entry = &job.entry;
        let record = match &entry.item {
            Item::Malformed { record_id, .. } => {
                return Ok(Worker::reject(
                    entry,
                    record_id.as_deref(),
                    vec![Reason::MalformedRecord],
                ))
            }
            Item::Record(r) => r,
        };
        let id = record.record_id.trim();
        let id_opt = (!id.is_empty()).then_some(id);
        if job.duplicate {
            return Ok(Worker::reject(
                entry,
                id_opt,
                vec![Reason::DuplicateRecordId],
            ));
        }
        match job.gate {
            Gate::Verified => {}
            Gate::NotVerified => {
                return Ok(Worker::reject(entry, id_opt, vec![Reason::NotVerified]))
            }
            Gate::Changed => {
                return Ok(Worker::reject(
                    entry,
                    id_opt,
                    vec![Reason::ChangedSinceReconciled],
                ))
            }
        }
        let c = match clean::clean(record, self.today) {
            Ok(c) => c,
            Err(reasons) => return Ok(Worker::reject(entry, id_opt, reasons)),
        };
        self.dt_text.clear();
        write::push_date(&mut self.dt_text, c.dt);
        write::uvci_into(
            &self.secret,
            &self.country,
            &c,
            &self.dt_text,
            &mut self.uvci,
        );
        self.dcc.clear();
        write::payload_into(&c, &self.dt_text, &self.uvci, &self.country, &mut self.dcc);
        let check = self.verify_all || (self.issued + 1) % SELF_CHECK_EVERY == 1;
        // The line is written in place: its start, the HC1 text straight from the issuer,
        // then the rest once the QR image (named in it) is written.
        let start = certs.len();
        write::line_start(certs, &c.record_id, &self.uvci);
        let hc1_start = certs.len();
        self.issuer
            .issue_encoded_into(&self.country, self.iat, self.exp, &self.dcc, certs)
            .map_err(|e| anyhow::anyhow!("signing failed: {e}"))?;
        self.issued += 1;
        let qr_rel = if check || self.qr != QrOutput::None {
            let hc1 = std::str::from_utf8(&certs[hc1_start..])?;
            if check {
                self.self_check(hc1, payload(&c, &self.uvci, &self.country))?;
            }
            self.write_qr(&c.record_id, hc1)?
        } else {
            None
        };
        write::line_end(
            certs,
            &self.kid,
            &self.iat_text,
            &self.exp_text,
            qr_rel.as_deref(),
        );
        Ok(Outcome::Issued(certs.len() - start))
    }

    /// Writes the QR image of `hc1`, if asked for; returns its path relative to the output.
    fn write_qr(&mut self, record_id: &str, hc1: &str) -> Result<Option<String>> {
        let kind = self.qr;
        if kind == QrOutput::None {
            return Ok(None);
        }
        let code = qrgen::encode(hc1, qrgen::Ecc::Quartile)
            .map_err(|e| anyhow::anyhow!("QR encoding failed for {record_id}: {e:?}"))?;
        let (ext, bytes) = match kind {
            QrOutput::Png => (
                "png",
                qrgen::png(&code, self.png_scale, &mut self.png_deflater)
                    .map_err(|e| anyhow::anyhow!("PNG encoding failed for {record_id}: {e:?}"))?,
            ),
            _ => ("svg", qrgen::svg(&code).into_bytes()),
        };
        let rel = qr_path(record_id, ext);
        let path = self.out.join(&rel);
        // Written in place: the certificate line that names it is committed only after
        // this write returns, and a record after the last checkpoint is redone (and
        // its image rewritten) on resume, so a crash cannot leave a listed image torn.
        fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
        Ok(Some(rel))
    }

    /// The certificate verifies with `hcert` against the signer at the issue time and carries
    /// exactly the payload built. A failure stops the run: nothing unverifiable is written.
    fn self_check(&self, hc1: &str, dcc: Value) -> Result<()> {
        let verdict = hcert::verify(hc1, &self.trust, self.iat);
        if !verdict.is_valid() {
            bail!(
                "self-check failed, stopping: a freshly signed certificate does not verify ({})",
                verdict.reason().map(|e| e.to_string()).unwrap_or_default()
            );
        }
        let expected = hcert::cbor_to_json(dcc).map_err(|e| anyhow::anyhow!(e))?;
        if verdict.decoded.map(|d| d.dcc.json) != Some(expected) {
            bail!("self-check failed, stopping: the signed payload differs from the record");
        }
        Ok(())
    }
}

/// Registers a record id; true when it was already seen. Ids are kept as 128-bit digests
/// (16 bytes per record instead of the id itself).
fn seen_before(seen: &mut HashSet<u128>, entry: &Entry) -> bool {
    match &entry.item {
        Item::Record(r) if !r.record_id.trim().is_empty() => {
            let d = Sha256::digest(r.record_id.trim().as_bytes());
            let mut k = [0u8; 16];
            k.copy_from_slice(&d[..16]);
            !seen.insert(u128::from_be_bytes(k))
        }
        _ => false,
    }
}

fn peak_rss() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn open_append(path: &Path, len: u64) -> Result<File> {
    let mut f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    f.set_len(len)?;
    f.seek(std::io::SeekFrom::Start(len))?;
    Ok(f)
}

struct Progress {
    enabled: bool,
    last: Instant,
    start: Instant,
    total_bytes: u64,
    base_records: u64,
}

impl Progress {
    fn show(&mut self, records: u64, byte: u64, force: bool) {
        if !self.enabled || (!force && self.last.elapsed() < Duration::from_millis(250)) {
            return;
        }
        self.last = Instant::now();
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        let rate = (records - self.base_records) as f64 / secs;
        let frac = if self.total_bytes == 0 {
            1.0
        } else {
            byte as f64 / self.total_bytes as f64
        };
        let eta = if frac > 0.0 && frac < 1.0 {
            secs * (1.0 - frac) / frac
        } else {
            0.0
        };
        let width = 30;
        let filled = ((frac * width as f64) as usize).min(width);
        eprint!(
            "\r[{}{}] {:5.1}%  {} records  {:.0}/s  ETA {}m{:02}s ",
            "#".repeat(filled),
            " ".repeat(width - filled),
            frac * 100.0,
            records,
            rate,
            (eta / 60.0) as u64,
            (eta % 60.0) as u64
        );
        let _ = std::io::stderr().flush();
    }
}

/// Runs (or resumes) an issuing job.
pub fn run(opts: &Options) -> Result<Summary> {
    let started = Instant::now();
    let store = KeyStore::open(&opts.keys)?;
    let state_path = opts.out.join("state.json");
    let certs_path = opts.out.join("certificates.jsonl");
    let rejects_path = opts.out.join("rejects.jsonl");
    let summary_path = opts.out.join("summary.json");
    let (input_sha256, input_size) =
        file_sha256(&opts.input).with_context(|| format!("reading {}", opts.input.display()))?;
    // The reconciliation run's list, checked against this input before anything is written.
    let (mut verified, verified_sha256) = match &opts.only_verified {
        Some(dir) => (
            Some(VerifiedList::open(dir, &input_sha256)?),
            Some(file_sha256(&dir.join("verified.jsonl"))?.0),
        ),
        None => (None, None),
    };

    let mut state = if opts.resume {
        let s: State =
            serde_json::from_slice(&fs::read(&state_path).with_context(|| {
                format!("--resume: no run to resume in {}", opts.out.display())
            })?)
            .context("state.json is damaged")?;
        if s.input_sha256 != input_sha256 {
            bail!(
                "--resume: the input file changed since the run started; refusing to mix outputs"
            );
        }
        if s.only_verified_sha256 != verified_sha256 {
            bail!(
                "--resume: the run started {}; resume it with the same --only-verified list",
                match &s.only_verified_sha256 {
                    Some(_) => "with another --only-verified list (or with one)",
                    None => "without --only-verified",
                }
            );
        }
        if s.complete {
            let summary: Summary = serde_json::from_slice(&fs::read(&summary_path)?)?;
            return Ok(summary);
        }
        s
    } else {
        if opts.out.exists() && fs::read_dir(&opts.out)?.next().is_some() {
            bail!(
                "{} is not empty: use --resume to continue a run, or choose an empty directory",
                opts.out.display()
            );
        }
        fs::create_dir_all(&opts.out)?;
        let signer = store.signer(None)?;
        let now = opts.issued_at.unwrap_or_else(now);
        State {
            version: 1,
            input: fs::canonicalize(&opts.input)?,
            input_sha256,
            input_size,
            kid: signer.kid(),
            issued_at: now.0,
            qr: opts.qr,
            zlib_level: opts.zlib_level.min(9),
            position: RecordReader::open(&opts.input, Format::from_path(&opts.input))?.position(),
            certificates_len: 0,
            rejects_len: 0,
            issued: 0,
            rejected: 0,
            reasons: BTreeMap::new(),
            seconds_before: 0.0,
            complete: false,
            only_verified_sha256: verified_sha256.clone(),
        }
    };
    let resumed = opts.resume;
    let signer = store.signer(Some(&state.kid))?;
    if let Some(r) = vaxpass_keystore::revoked_signers(&opts.keys)?
        .into_iter()
        .find(|r| r.kid == state.kid)
    {
        bail!(
            "document signer {} is revoked ({}): activate another signer (`vaxpass keys activate`)",
            r.kid,
            r.reason.code()
        );
    }
    let iat = UnixTime(state.issued_at);
    let cert = &signer.certificate;
    if iat < cert.not_before || iat >= cert.not_after {
        bail!(
            "document signer {} is not valid at the issue time {} (valid {} to {})",
            signer.kid(),
            iat.rfc3339(),
            cert.not_before.rfc3339(),
            cert.not_after.rfc3339()
        );
    }
    let exp = expiry(iat, cert.not_after);
    if opts.qr != QrOutput::None {
        for shard in 0..=255u8 {
            fs::create_dir_all(opts.out.join(format!("qr/{shard:02x}")))?;
        }
    }
    write_atomic(&state_path, &serde_json::to_vec_pretty(&state)?)?;

    // Outputs, cut back to the last durable checkpoint.
    let certs_file = open_append(&certs_path, state.certificates_len)?;
    let rejects_file = open_append(&rejects_path, state.rejects_len)?;
    let mut certs = BufWriter::with_capacity(1 << 20, certs_file);
    let mut rejects = BufWriter::with_capacity(1 << 16, rejects_file);

    // Duplicate ids before the checkpoint: read them again from the input.
    let format = Format::from_path(&opts.input);
    let mut seen: HashSet<u128> = HashSet::new();
    if state.position.index > 0 {
        let mut r = RecordReader::open(&opts.input, format)?;
        while r.position().index < state.position.index {
            match r.next_entry() {
                Some(entry) => {
                    seen_before(&mut seen, &entry?);
                }
                None => bail!("--resume: the input ends before the checkpoint"),
            }
        }
    }
    let mut reader = RecordReader::open(&opts.input, format)?;
    reader.seek(state.position)?;

    let mut trust = TrustStore::new();
    trust.add(cert.clone(), Some(store.manifest.country.clone()));
    let trust = Arc::new(trust);
    let secret = Arc::new(store.uvci_secret()?);
    let threads = opts.threads.max(1);
    let stop = Arc::new(AtomicBool::new(false));

    let (job_tx, job_rx): (SyncSender<Batch>, Receiver<Batch>) = sync_channel(threads * 4);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = sync_channel::<Result<Done>>(threads * 4);
    // Line buffers go back to the workers once written: a batch's lines (160 KB) then land in
    // memory already mapped and cached rather than in a fresh allocation every batch.
    let spare_lines: Arc<Mutex<Vec<Vec<u8>>>> = Arc::new(Mutex::new(Vec::new()));

    let result = std::thread::scope(|scope| -> Result<()> {
        // Reader.
        let reader_stop = Arc::clone(&stop);
        let reader_handle = scope.spawn(move || -> Result<()> {
            let mut seq = 0;
            let mut jobs = Vec::with_capacity(BATCH);
            while let Some(entry) = reader.next_entry() {
                if reader_stop.load(Ordering::Relaxed) {
                    return Ok(());
                }
                let entry = entry?;
                let duplicate = seen_before(&mut seen, &entry);
                let gate = match verified.as_mut() {
                    Some(list) => {
                        let record = match &entry.item {
                            Item::Record(r) => Some(r),
                            Item::Malformed { .. } => None,
                        };
                        list.gate(entry.index, record)?
                    }
                    None => Gate::Verified,
                };
                jobs.push(Job {
                    entry,
                    duplicate,
                    gate,
                });
                if jobs.len() == BATCH {
                    let batch = Batch {
                        seq,
                        jobs: std::mem::replace(&mut jobs, Vec::with_capacity(BATCH)),
                    };
                    seq += 1;
                    if job_tx.send(batch).is_err() {
                        return Ok(());
                    }
                }
            }
            if !jobs.is_empty() {
                let _ = job_tx.send(Batch { seq, jobs });
            }
            Ok(())
        });
        // Workers.
        for _ in 0..threads {
            let rx = Arc::clone(&job_rx);
            let tx = done_tx.clone();
            let spare = Arc::clone(&spare_lines);
            let mut worker = Worker {
                issuer: Issuer::with_zlib_level(signer.signing_key()?, cert.kid, state.zlib_level),
                dt_text: String::with_capacity(16),
                uvci: String::with_capacity(64),
                dcc: Vec::with_capacity(512),
                png_deflater: qrgen::PngDeflater::new(1),
                secret: Arc::clone(&secret),
                country: store.manifest.country.clone(),
                kid: signer.kid(),
                today: iat.date(),
                iat,
                exp,
                iat_text: iat.rfc3339(),
                exp_text: exp.rfc3339(),
                qr: state.qr,
                png_scale: opts.png_scale.max(1),
                out: opts.out.clone(),
                trust: Arc::clone(&trust),
                verify_all: opts.verify_all,
                issued: 0,
            };
            let worker_stop = Arc::clone(&stop);
            scope.spawn(move || loop {
                let batch = match rx.lock() {
                    Ok(guard) => guard.recv(),
                    Err(_) => return,
                };
                let Ok(batch) = batch else { return };
                if worker_stop.load(Ordering::Relaxed) {
                    return;
                }
                let mut results = Vec::with_capacity(batch.jobs.len());
                let mut certs = spare
                    .lock()
                    .ok()
                    .and_then(|mut s| s.pop())
                    .unwrap_or_else(|| Vec::with_capacity(batch.jobs.len() * LINE_CAPACITY));
                let mut failure = None;
                for job in &batch.jobs {
                    let next = job.entry.next;
                    match worker.process(job, &mut certs) {
                        Ok(o) => results.push((next, o)),
                        Err(e) => {
                            failure = Some(e);
                            break;
                        }
                    }
                }
                let msg = match failure {
                    Some(e) => Err(e),
                    None => Ok(Done {
                        seq: batch.seq,
                        results,
                        certs,
                    }),
                };
                if tx.send(msg).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);

        // Writer: in input order, with periodic durable checkpoints.
        let mut pending: HashMap<u64, Done> = HashMap::new();
        let mut next_seq = 0u64;
        let mut last_checkpoint = Instant::now();
        let mut progress = Progress {
            enabled: opts.progress && std::io::stderr().is_terminal(),
            last: Instant::now(),
            start: Instant::now(),
            total_bytes: state.input_size,
            base_records: state.issued + state.rejected,
        };
        let mut outcome: Result<()> = Ok(());
        for msg in done_rx.iter() {
            let done = match msg {
                Ok(d) => d,
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    outcome = Err(e);
                    break;
                }
            };
            pending.insert(done.seq, done);
            while let Some(done) = pending.remove(&next_seq) {
                next_seq += 1;
                let mut issued_len = 0;
                for (next, o) in done.results {
                    match o {
                        Outcome::Issued(len) => {
                            issued_len += len;
                            state.issued += 1;
                        }
                        Outcome::Rejected(line, reasons) => {
                            rejects.write_all(&line)?;
                            state.rejects_len += line.len() as u64;
                            state.rejected += 1;
                            for r in reasons {
                                *state.reasons.entry(r.code().to_string()).or_default() += 1;
                            }
                        }
                    }
                    state.position = next;
                }
                // The batch's lines in one write; checkpoints come between batches, so the
                // state never names half a batch.
                let mut lines = done.certs;
                if issued_len != lines.len() {
                    bail!("internal error: certificate lines and results disagree");
                }
                certs.write_all(&lines)?;
                state.certificates_len += lines.len() as u64;
                lines.clear();
                if let Ok(mut spare) = spare_lines.lock() {
                    spare.push(lines);
                }
            }
            if last_checkpoint.elapsed() >= opts.checkpoint_every {
                checkpoint(&mut certs, &mut rejects, &state, &state_path)?;
                last_checkpoint = Instant::now();
            }
            progress.show(state.issued + state.rejected, state.position.byte, false);
        }
        stop.store(true, Ordering::Relaxed);
        drop(done_rx);
        match reader_handle.join() {
            Ok(r) => r?,
            Err(_) => bail!("the reader thread panicked"),
        }
        outcome?;
        if !pending.is_empty() {
            bail!("internal error: results left unwritten");
        }
        progress.show(state.issued + state.rejected, state.position.byte, true);
        if progress.enabled {
            eprintln!();
        }
        Ok(())
    });
    // Whatever happened, make what was written durable before reporting.
    checkpoint(&mut certs, &mut rejects, &state, &state_path)?;
    result?;

    let seconds = state.seconds_before + started.elapsed().as_secs_f64();
    let records = state.issued + state.rejected;
    let summary = Summary {
        records,
        issued: state.issued,
        rejected: state.rejected,
        reasons: state.reasons.clone(),
        kid: state.kid.clone(),
        issued_at: iat.rfc3339(),
        seconds,
        records_per_second: records as f64 / seconds.max(1e-9),
        certificates_per_second: state.issued as f64 / seconds.max(1e-9),
        peak_rss_bytes: peak_rss(),
        threads,
        qr: state.qr,
        resumed,
    };
    write_atomic(&summary_path, &serde_json::to_vec_pretty(&summary)?)?;
    state.complete = true;
    state.seconds_before = seconds;
    write_atomic(&state_path, &serde_json::to_vec_pretty(&state)?)?;
    Ok(summary)
}

fn checkpoint(
    certs: &mut BufWriter<File>,
    rejects: &mut BufWriter<File>,
    state: &State,
    path: &Path,
) -> Result<()> {
    certs.flush()?;
    rejects.flush()?;
    certs.get_ref().sync_data()?;
    rejects.get_ref().sync_data()?;
    write_atomic(path, &serde_json::to_vec_pretty(state)?)
}

fn now() -> UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    UnixTime(i64::try_from(secs).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_twelve_calendar_months_capped_by_the_signer() {
        let iat = UnixTime::parse_rfc3339("2022-02-28T10:00:00Z").unwrap();
        let far = UnixTime(i64::MAX);
        assert_eq!(expiry(iat, far).rfc3339(), "2023-02-28T10:00:00Z");
        let leap = UnixTime::parse_rfc3339("2024-02-29T00:00:00Z").unwrap();
        assert_eq!(expiry(leap, far).rfc3339(), "2025-02-28T00:00:00Z");
        let cap = UnixTime::parse_rfc3339("2022-12-01T00:00:00Z").unwrap();
        assert_eq!(expiry(iat, cap), cap);
    }

    #[test]
    fn qr_paths_are_safe_and_distinct() {
        assert!(qr_path("R-000123", "png").ends_with("/R-000123.png"));
        assert!(qr_path("R-000123", "png").starts_with("qr/"));
        let a = qr_path("../../etc/passwd", "png");
        assert!(!a.contains(".."), "{a}");
        assert_ne!(qr_path("a/b", "png"), qr_path("a_b", "png"));
        assert_ne!(qr_path("Đ", "svg"), qr_path("_", "svg"));
    }
}
