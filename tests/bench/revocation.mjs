// Revocation at national scale (run by `./dev bench-revocation [SIZES]`): for each size
// (default 1,000,000 and 20,000,000 generated revocations) it measures
//   - `vaxpass revoke --file` and `vaxpass publish` (wall time, peak memory), against the
//     reference `sort -u` of the same input in the same run,
//   - what the portal downloads (filter slices), and the delta after 10,000 more revocations,
//   - in Chromium: loading the lists, the revocation check per certificate and per bare
//     filter lookup, against a JavaScript `Set.has` of 1,000,000 strings in the same page,
//     and the portal's memory for the filter.
// Environment: VAXPASS_BIN (release build), KEYS (a key store whose trust anchor DIST pins),
// DIST (the portal build), WORK (scratch), SIZES (comma-separated), REPORT (JSON output).
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const { VAXPASS_BIN: BIN, KEYS, DIST, WORK } = process.env;
for (const [k, v] of Object.entries({ VAXPASS_BIN: BIN, KEYS, DIST, WORK })) {
  if (!v) throw new Error(`${k} is not set: run through ./dev bench-revocation`);
}
const SIZES = (process.env.SIZES || '1000000,20000000').split(',').map(Number);
const REPORT = process.env.REPORT || path.join(WORK, 'report.json');
const DELTA = 10_000;

// Runs a command, returning wall seconds and peak resident memory (GNU time).
function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  return { seconds, peak_rss_bytes: Number(lines[lines.length - 1]) * 1024, stdout: r.stdout };
}

// The Luhn mod N check character of a UVCI (code points A–Z 0–9 / :), as `vaxpass issue`
// writes it and `vaxpass revoke` requires it for our own country's UVCIs.
const CODE_POINTS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:';
function checkCharacter(body) {
  const n = CODE_POINTS.length;
  let factor = 2; let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    const addend = factor * CODE_POINTS.indexOf(body[i]);
    factor = factor === 2 ? 1 : 2;
    sum += Math.floor(addend / n) + (addend % n);
  }
  return CODE_POINTS[(n - (sum % n)) % n];
}

// N distinct UVCI-shaped lines (deterministic xorshift), written in large chunks.
function writeUvcis(file, n, seed) {
  const fd = fs.openSync(file, 'w');
  let x = seed >>> 0 || 1;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const hex = (v) => v.toString(16).toUpperCase().padStart(8, '0');
  let chunk = [];
  for (let i = 0; i < n; i++) {
    // The counter keeps every line distinct; the random part spreads the hashes like real UVCIs.
    const body = `URN:UVCI:01:VN:${hex(i)}${hex(next())}${hex(next())}${hex(seed)}`;
    chunk.push(`${body}#${checkCharacter(body)}`);
    if (chunk.length === 100_000) { fs.writeSync(fd, chunk.join('\n') + '\n'); chunk = []; }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
}

const dirSize = (d) => fs.readdirSync(d, { withFileTypes: true })
  .reduce((s, e) => s + (e.isDirectory() ? dirSize(path.join(d, e.name)) : fs.statSync(path.join(d, e.name)).size), 0);

async function startServer(trustLists) {
  const t0 = Date.now();
  const srv = spawn(BIN, ['serve', '--trust-lists', trustLists, '--app', DIST, '--addr', '127.0.0.1:0', '--no-access-log'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    srv.stderr.on('data', (d) => { buf += d; if (buf.includes('\n')) resolve(`http://${JSON.parse(buf.split('\n')[0]).detail}`); });
    srv.on('exit', (c) => reject(new Error(`serve exited with ${c}`)));
  });
  return { srv, url, startSeconds: (Date.now() - t0) / 1000 };
}

async function browserMeasure(url, validHc1, revokedHc1) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaxpass-bench-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    // Every list the portal downloaded (everything but the app itself).
    const lists = new Set();
    page.on('requestfinished', (r) => { if (/\/(revocation|trust-lists|\.well-known)\//.test(r.url())) lists.add(new URL(r.url()).pathname); });
    const t0 = Date.now();
    await page.goto(`${url}/`);
    await page.waitForSelector('#lists-status[data-state="ready"]', { timeout: 600_000 });
    const listsSeconds = (Date.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    const downloaded = [...lists].sort();
    const m = await page.evaluate(async ({ validHc1, revokedHc1 }) => {
      const b = window.wasmBindings;
      const [checkUs, lookupUs, revoked, falsePositives, filterBytes, entries, wasmBytes] = await b.vaxpass_bench_revocation(validHc1, 1_000_000);
      const [revokedCheckUs, , revokedSeen] = await b.vaxpass_bench_revocation(revokedHc1, 100_000);
      // Reference: a JavaScript Set of 1,000,000 32-hex-digit strings, 1,000,000 lookups.
      const hex = () => Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
      const keys = Array.from({ length: 1_000_000 }, () => hex() + hex() + hex() + hex());
      const set = new Set(keys);
      const probes = Array.from({ length: 1_000_000 }, (_, i) => (i % 2 ? keys[i] : hex() + hex() + hex() + hex()));
      const t = performance.now();
      let hits = 0;
      for (const p of probes) if (set.has(p)) hits++;
      const setUs = (performance.now() - t) * 1000 / probes.length;
      return { checkUs, lookupUs, revoked, falsePositives, filterBytes, entries, wasmBytes, revokedCheckUs, revokedSeen, setUs, hits };
    }, { validHc1, revokedHc1 });
    return { listsSeconds, downloaded, ...m };
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const report = { machine: `${os.cpus().length} × ${os.cpus()[0].model}`, chromium: execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim(), sizes: {} };
for (const n of SIZES) {
  const dir = path.join(WORK, String(n));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const keys = path.join(dir, 'keys');
  fs.cpSync(KEYS, keys, { recursive: true });
  for (const f of ['revocations.log', 'revoked-signers.log']) fs.rmSync(path.join(keys, f), { force: true });
  // Two real certificates: one stays valid, one is revoked with the generated ones.
  execFileSync(BIN, ['gen-records', '--count', '2', '--seed', '11', '--out', path.join(dir, 'records.jsonl')]);
  execFileSync(BIN, ['issue', '--keys', keys, '--input', path.join(dir, 'records.jsonl'), '--out', path.join(dir, 'issued')], { stdio: 'ignore' });
  const [valid, victim] = fs.readFileSync(path.join(dir, 'issued', 'certificates.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const input = path.join(dir, 'revoke.txt');
  writeUvcis(input, n - 1, 7);
  fs.appendFileSync(input, `${victim.uvci}\n`);
  const r = { revocations: n };
  console.log(`\n== ${n.toLocaleString('en')} revocations`);
  r.reference_sort_u = timed('sort', ['-u', input, '-o', path.join(dir, 'sorted.txt')], { env: { ...process.env, LC_ALL: 'C' } });
  fs.rmSync(path.join(dir, 'sorted.txt'));
  r.revoke_file = timed(BIN, ['revoke', '--keys', keys, '--file', input, '--reason', 'superseded']);
  r.revoke_file.ratio_to_sort_u = r.revoke_file.seconds / r.reference_sort_u.seconds;
  r.revocation_log_bytes = fs.statSync(path.join(keys, 'revocations.log')).size;
  const published = path.join(dir, 'published');
  r.publish = timed(BIN, ['publish', '--keys', keys, '--out', published]);
  r.publish.ratio_to_sort_u = r.publish.seconds / r.reference_sort_u.seconds;
  const cur = fs.realpathSync(path.join(published, 'current'));
  const manifest = JSON.parse(fs.readFileSync(path.join(cur, 'revocation', 'filter.json'), 'utf8'));
  r.filter_bytes = manifest.slices.reduce((s, x) => s + x.size, 0);
  r.filter_bytes_per_revocation = r.filter_bytes / n;
  r.filter_false_positive_rate = manifest.falsePositiveRate;
  r.eu_batches = JSON.parse(fs.readFileSync(path.join(cur, 'revocation', 'eu', 'batches.json'), 'utf8')).batches.length;
  r.eu_batch_bytes = dirSize(path.join(cur, 'revocation', 'eu'));
  // A day of new revocations: only a delta slice is new.
  const deltaInput = path.join(dir, 'delta.txt');
  writeUvcis(deltaInput, DELTA, 99);
  r.revoke_delta = timed(BIN, ['revoke', '--keys', keys, '--file', deltaInput, '--reason', 'fraud']);
  r.publish_delta = timed(BIN, ['publish', '--keys', keys, '--out', published]);
  const after = JSON.parse(fs.readFileSync(path.join(fs.realpathSync(path.join(published, 'current')), 'revocation', 'filter.json'), 'utf8'));
  const fresh = after.slices.filter((s) => !manifest.slices.some((o) => o.sha256 === s.sha256));
  r.delta_slices = fresh.map((s) => ({ bits: s.bits, entries: s.entries, bytes: s.size }));
  r.delta_bytes = fresh.reduce((s, x) => s + x.size, 0);
  r.delta_false_positive_rate = after.falsePositiveRate;
  for (const k of ['revoke_file', 'publish', 'revoke_delta', 'publish_delta', 'reference_sort_u']) delete r[k].stdout;
  // The portal.
  const { srv, url, startSeconds } = await startServer(published);
  r.serve_start_seconds = startSeconds;
  try {
    const b = await browserMeasure(url, valid.hc1, victim.hc1);
    if (b.revoked !== 0 || b.revokedSeen !== 1) throw new Error(`wrong answers: valid revoked=${b.revoked}, victim revoked=${b.revokedSeen}`);
    r.portal = {
      lists_load_seconds: b.listsSeconds,
      // What it fetched, sized from the published files (uncompressed).
      lists_downloaded: b.downloaded.length,
      lists_downloaded_bytes: b.downloaded.reduce((s, p) => s + fs.statSync(path.join(fs.realpathSync(path.join(published, 'current')), p)).size, 0),
      revocation_check_us: b.checkUs,
      revoked_check_us: b.revokedCheckUs,
      filter_lookup_us: b.lookupUs,
      js_set_lookup_us_reference: b.setUs,
      check_ratio_to_js_set: b.checkUs / b.setUs,
      random_lookups: 1_000_000,
      false_positives: b.falsePositives,
      filter_memory_bytes: b.filterBytes,
      wasm_memory_bytes: b.wasmBytes,
      entries: b.entries,
    };
  } finally {
    srv.kill('SIGTERM');
  }
  console.log(JSON.stringify(r, null, 2));
  report.sizes[n] = r;
  fs.rmSync(input, { force: true });
}
fs.writeFileSync(REPORT, JSON.stringify(report, null, 2));
console.log(`\nreport: ${REPORT}`);
