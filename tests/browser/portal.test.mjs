// End-to-end tests of the verifier portal in real Chromium (Debian `chromium`, npm
// `playwright-core`), against the real `vaxpass serve` on loopback.
//
// Run by `./dev test` (function browser_tests), which builds the portal with the test key
// store's trust anchor pinned and passes:
//   VAXPASS_BIN  the vaxpass CLI      WORK  scratch dir holding keys/ (the pinned anchor's store)
//   VAXPASS_TESTKIT  the test-aid binary (fake-camera frames)
//   DIST         the portal build     VAXPASS_SHARED_DIR  ../shared (conformance suite)
//   ARTIFACTS    where screenshots and the measurement report go
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const BIN = process.env.VAXPASS_BIN;
const TESTKIT = process.env.VAXPASS_TESTKIT;
const WORK = process.env.WORK;
const DIST = process.env.DIST;
const SHARED = process.env.VAXPASS_SHARED_DIR;
const ARTIFACTS = process.env.ARTIFACTS;
for (const [k, v] of Object.entries({ VAXPASS_BIN: BIN, VAXPASS_TESTKIT: TESTKIT, WORK, DIST, ARTIFACTS })) {
  if (!v) throw new Error(`${k} is not set: run the browser tests through ./dev test`);
}
const SUITE = SHARED && path.join(SHARED, 'conformance', 'dgc-testdata');
const HAVE_SUITE = SUITE && fs.existsSync(SUITE);
const RULES_DIR = SHARED && path.join(SHARED, 'reference', 'data', 'business-rules');
const VALUE_SETS_DIR = SHARED && path.join(SHARED, 'reference', 'data', 'valuesets');
const HAVE_RULES = RULES_DIR && fs.existsSync(RULES_DIR) && fs.existsSync(VALUE_SETS_DIR);
if (!HAVE_RULES) console.log(`\n========== SKIP: business rules not found under ${SHARED} (set VAXPASS_SHARED_DIR): acceptance tests skipped ==========\n`);
if (!HAVE_SUITE) {
  console.log(`!!!!!!!! SKIP: conformance suite not found at ${SUITE}; the suite upload test is skipped !!!!!!!!`);
}
fs.mkdirSync(ARTIFACTS, { recursive: true });

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const run = (...args) => execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const report = {};

let server; let base; let valid; let validPs256; let holder; let vaccineName; let suiteCases = [];
// The second issued certificate (revoked by the revocation test) and the publish options.
let second; const publishExtra = [];
const contexts = [];
// The servers the tests started (the only places any request may go).
const origins = [];
// Every request any page or service worker made, with the test that was running.
const requests = [];
let currentTest = 'setup';

function gatewayEntry(certB64, country) {
  const der = Buffer.from(certB64, 'base64');
  const kid = createHash('sha256').update(der).digest().subarray(0, 8).toString('base64');
  return { kid, country, certificateType: 'DSC', rawData: certB64 };
}

// QR images of the member states' suite with their validation clock and expected outcome.
// Every suite vector that comes with a PNG expects a valid certificate at its clock; each pick
// is cross-checked against the CLI, which the conformance harness holds to the whole suite.
// Three countries, so that three different signers and encoders are exercised.
function pickSuiteCases() {
  const picked = [];
  for (const country of fs.readdirSync(SUITE).sort()) {
    const raw = path.join(SUITE, country, '2DCode', 'raw');
    if (!fs.existsSync(raw) || picked.length >= 3) continue;
    for (const f of fs.readdirSync(raw).sort()) {
      let v;
      try { v = JSON.parse(fs.readFileSync(path.join(raw, f), 'utf8')); } catch { continue; }
      const png = path.join(SUITE, country, '2DCode', 'png', f.replace(/\.json$/, '.png'));
      const ctx = v.TESTCTX || {}; const ex = v.EXPECTEDRESULTS || {};
      if (!ctx.CERTIFICATE || !ctx.VALIDATIONCLOCK || !fs.existsSync(png)) continue;
      if (Object.values(ex).some((b) => b === false) || ex.EXPECTEDVERIFY !== true) continue;
      const at = new Date(ctx.VALIDATIONCLOCK).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const certFile = path.join(WORK, `suite-${country}-${f}.pem`);
      fs.writeFileSync(certFile, `-----BEGIN CERTIFICATE-----\n${ctx.CERTIFICATE.match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`);
      const cli = (...extra) => {
        try { return JSON.parse(run('verify', png, '--trust', certFile, '--json', ...extra)); } catch (e) { return e.stdout ? JSON.parse(e.stdout) : null; }
      };
      const then = cli('--at', at); const now = cli();
      if (then?.status !== 'valid') continue;
      picked.push({ name: `${country}/${f}`, png, at, nowCode: now?.reason?.code, entry: gatewayEntry(ctx.CERTIFICATE, country) });
      break;
    }
  }
  return picked;
}

async function newContext(extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaxpass-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 420, height: 900 }, locale: 'en-US', serviceWorkers: 'allow',
  });
  context.on('request', (r) => requests.push({ test: currentTest, url: r.url(), method: r.method(), body: r.postData() || '' }));
  context.on('weberror', (e) => console.log(`page error: ${e.error()}`));
  contexts.push({ context, dir });
  return context;
}

async function openPortal(context, query = '') {
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log(`console: ${m.text()}`); });
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('#lists-status[data-state="ready"], #lists-status[data-state="offline"]', { timeout: 30_000 });
  // The scanner worker loads right after the page: wait, so that its code download is not
  // counted against verification.
  await page.waitForSelector('html[data-scanner="ready"]', { timeout: 30_000 });
  return page;
}

// Runs `action` and asserts that it made no request at all (verification is local).
async function withoutRequests(label, action) {
  const before = requests.length;
  const result = await action();
  await new Promise((r) => setTimeout(r, 300));
  const made = requests.slice(before);
  assert.deepEqual(made.map((r) => r.url), [], `${label}: requests while verifying`);
  return result;
}

// Waits for an answer newer than the one on screen when `action` started.
async function newAnswer(page, action, timeout = 20_000) {
  const n = await page.evaluate(() => document.getElementById('answer')?.dataset.n ?? '0');
  await action();
  await page.waitForSelector(`#answer:not([data-n="${n}"])`, { timeout });
  return page.getAttribute('#answer', 'data-answer');
}

async function pasteAndVerify(page, text) {
  return newAnswer(page, async () => {
    await page.fill('#paste', text);
    await page.click('#verify');
  });
}

// `vaxpass serve` of a published tree and the portal on a free loopback port; its first log
// line names the address.
async function startServer(trustLists) {
  const srv = spawn(BIN, ['serve', '--trust-lists', trustLists, '--app', DIST, '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    srv.stderr.on('data', (d) => {
      buf += d;
      const line = buf.split('\n')[0];
      if (buf.includes('\n')) {
        try { resolve(`http://${JSON.parse(line).detail}`); } catch (e) { reject(new Error(`unexpected first log line: ${line}`)); }
      }
    });
    srv.on('exit', (c) => reject(new Error(`vaxpass serve exited with ${c}`)));
  });
  origins.push(url);
  return { srv, url };
}

// `body(page)` on a fresh browser profile opened at a second server of `tree`; the server
// stops afterwards, whatever happens.
async function onSecondServer(tree, body) {
  const { srv, url } = await startServer(tree);
  try {
    const ctx = await newContext();
    const page = ctx.pages()[0] || await ctx.newPage();
    await page.goto(`${url}/`);
    await body(page);
  } finally {
    srv.kill('SIGTERM');
  }
}

// A copy of the published tree in WORK/`name`, changed by `mutate(dir)` after signing.
function tamperedCopy(name, mutate) {
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(fs.realpathSync(path.join(WORK, 'published', 'current')), dir, { recursive: true });
  mutate(dir);
  return dir;
}

before(async () => {
  // A certificate issued by `vaxpass issue` with the test key store.
  const issued = path.join(WORK, 'issued');
  fs.rmSync(issued, { recursive: true, force: true });
  run('gen-records', '--count', '2', '--seed', '5', '--out', path.join(WORK, 'records.jsonl'));
  run('issue', '--keys', path.join(WORK, 'keys'), '--input', path.join(WORK, 'records.jsonl'), '--out', issued);
  const lines = fs.readFileSync(path.join(issued, 'certificates.jsonl'), 'utf8').split('\n');
  valid = JSON.parse(lines[0]).hc1;
  second = JSON.parse(lines[1]);
  const decoded = JSON.parse(run('decode', valid, '--json'));
  holder = decoded.payload.nam;
  // A PS256 (RSA-PSS) signer of its own, published as a partner: the portal ships no RSA code
  // and checks these signatures through WebCrypto.
  const ps256 = path.join(WORK, 'keys-ps256');
  if (!fs.existsSync(path.join(ps256, 'keystore.json'))) {
    fs.rmSync(ps256, { recursive: true, force: true });
    run('keys', 'init', '--dir', ps256, '--alg', 'PS256');
  }
  const issuedPs = path.join(WORK, 'issued-ps256');
  fs.rmSync(issuedPs, { recursive: true, force: true });
  run('issue', '--keys', ps256, '--input', path.join(WORK, 'records.jsonl'), '--out', issuedPs);
  validPs256 = JSON.parse(fs.readFileSync(path.join(issuedPs, 'certificates.jsonl'), 'utf8').split('\n')[0]).hc1;
  const psSigners = fs.readdirSync(path.join(ps256, 'signers')).filter((f) => f.endsWith('.crt.pem'));
  const psEntries = psSigners.map((f) => gatewayEntry(fs.readFileSync(path.join(ps256, 'signers', f), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'VN'));
  // Partner signers: the suite's and the PS256 one, published beside ours.
  const extra = [];
  if (HAVE_SUITE) suiteCases = pickSuiteCases();
  const gw = path.join(WORK, 'partner-gateway.json');
  fs.writeFileSync(gw, JSON.stringify([...suiteCases.map((c) => c.entry), ...psEntries]));
  extra.push('--extra-trust', gw);
  // The EU business rules (11 countries; MT's are in another layout) and the EU value sets,
  // published beside ours.
  if (HAVE_RULES) extra.push('--extra-rules', RULES_DIR, '--value-sets', VALUE_SETS_DIR);
  publishExtra.push(...extra);
  const published = path.join(WORK, 'published');
  // The key store is kept between runs (the portal pins its anchor); its revocations are not.
  for (const f of ['revocations.log', 'revoked-signers.log']) fs.rmSync(path.join(WORK, 'keys', f), { force: true });
  fs.rmSync(published, { recursive: true, force: true });
  run('publish', '--keys', path.join(WORK, 'keys'), '--out', published, ...extra);
  const sets = JSON.parse(fs.readFileSync(path.join(published, 'current', 'trust-lists', 'valuesets.json'), 'utf8'));
  vaccineName = sets.valuesets['vaccines-covid-19-names'][decoded.payload.v[0].mp].en;
  // The real server on loopback, on a free port.
  ({ srv: server, url: base } = await startServer(published));
});

after(async () => {
  for (const { context, dir } of contexts) {
    await context.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
  server?.kill('SIGTERM');
  fs.writeFileSync(path.join(ARTIFACTS, 'report.json'), JSON.stringify(report, null, 2));
  console.log(`portal measurements: ${JSON.stringify(report)}`);
});

let main; let page;

test('1. a pasted certificate issued with the demo keys is VALID, with name and vaccine', { timeout: 180_000 }, async () => {
  currentTest = 'paste-valid';
  main = await newContext();
  page = await openPortal(main);
  const answer = await withoutRequests('paste', () => pasteAndVerify(page, valid));
  assert.equal(answer, 'valid');
  const fields = await page.innerText('#fields');
  assert.ok(fields.includes(`${holder.fn} ${holder.gn}`), `name shown: ${fields}`);
  assert.ok(fields.includes(`${holder.fnt}<<${holder.gnt}`), 'transliterated name shown');
  assert.ok(fields.includes(vaccineName), `vaccine ${vaccineName} shown: ${fields}`);
  assert.equal(await page.locator('#checks li[data-state="passed"]').count(), HAVE_RULES ? 10 : 9);
  // Its codes are in the published EU value sets.
  if (HAVE_RULES) assert.equal(await page.getAttribute('#checks li[data-check="value_sets"]', 'data-state'), 'passed');
  assert.ok((await page.innerText('#checks')).includes('Not revoked by its issuer'));
  // PS256: verified through WebCrypto (the portal has no RSA arithmetic of its own).
  await page.click('#scan-next');
  await page.click('#camera-stop');
  assert.equal(await withoutRequests('paste PS256', () => pasteAndVerify(page, validPs256)), 'valid');
});

test('2. one character changed → NOT VALID, the signature does not match', { timeout: 180_000 }, async () => {
  currentTest = 'tampered';
  await page.click('#scan-next');
  await page.click('#camera-stop');
  const i = valid.length - 40;
  const tampered = valid.slice(0, i) + (valid[i] === '1' ? '2' : '1') + valid.slice(i + 1);
  const answer = await withoutRequests('tampered', () => pasteAndVerify(page, tampered));
  assert.equal(answer, 'not-valid');
  assert.equal(await page.getAttribute('#reason', 'data-code'), 'SIGNATURE_INVALID');
  assert.match(await page.innerText('#reason'), /signature does not match/);
});

// The EU business rules: the second certificate's last dose is 2022-06-24 (gen-records seed 5).
test('acceptance: DE accepts after 14 days and names VR-DE-0003 before; no rules → CANNOT ASSESS; the traveller view; remembered', { skip: !HAVE_RULES, timeout: 180_000 }, async () => {
  currentTest = 'acceptance';
  const lastDose = JSON.parse(run('decode', second.hc1, '--json')).payload.v[0].dt;
  assert.equal(lastDose, '2022-06-24');
  const again = async (date) => {
    if (await page.isVisible('#scan-next')) { await page.click('#scan-next'); await page.click('#camera-stop'); }
    await page.fill('#accept-date', date);
    await page.dispatchEvent('#accept-date', 'change');
    const answer = await withoutRequests(`acceptance ${date}`, () => pasteAndVerify(page, second.hc1));
    assert.equal(answer, 'valid');
    await page.waitForSelector('#acceptance:not([data-status="PENDING"])');
    return page.getAttribute('#acceptance', 'data-status');
  };
  await page.click('#lang-en');
  if (await page.isVisible('#scan-next')) { await page.click('#scan-next'); await page.click('#camera-stop'); }
  // The options come from the worker once the lists are in: every country code, those with
  // rules marked (the EU's 11 and Viet Nam's own).
  await page.waitForSelector('#destination option[value="DE"]', { state: 'attached' });
  assert.equal(await page.locator('#destination option[data-rules="true"]').count(), 12);
  assert.ok(await page.locator('#destination option').count() > 200);
  await page.selectOption('#destination', 'DE');
  assert.equal(await again('2022-07-24'), 'ACCEPTED');
  assert.equal(await page.getAttribute('#acceptance li[data-rule="VR-DE-0003"]', 'data-outcome'), 'PASSED');
  // Authenticity and acceptance are shown apart.
  assert.equal(await page.getAttribute('#answer', 'data-answer'), 'valid');
  // Five days after the last dose: VR-DE-0003 is not met, named with its words in English…
  assert.equal(await again('2022-06-29'), 'NOT_ACCEPTED');
  const rule = '#acceptance li[data-rule="VR-DE-0003"]';
  assert.equal(await page.getAttribute(rule, 'data-outcome'), 'FAIL');
  assert.match(await page.innerText(rule), /VR-DE-0003[\s\S]*not met[\s\S]*14 days/);
  assert.equal(await page.getAttribute('#answer', 'data-answer'), 'valid');
  // …and in Vietnamese (DE publishes no Vietnamese text: its English words, marked as such).
  await page.click('#lang-vi');
  await page.waitForSelector('#acceptance h2:has-text("Quy tắc nhập cảnh")');
  assert.match(await page.innerText(rule), /VR-DE-0003[\s\S]*không đạt[\s\S]*14 days[\s\S]*bằng tiếng Anh/);
  await page.click('#lang-en');
  // A country without published rules can never be accepted.
  await page.click('#scan-next'); await page.click('#camera-stop');
  await page.selectOption('#destination', 'JP');
  assert.equal(await again('2022-07-24'), 'CANNOT_ASSESS');
  assert.equal(await page.getAttribute('#acceptance', 'data-reason'), 'RULES_NONE_FOR_COUNTRY');
  assert.match(await page.innerText('#acceptance'), /no rules published: cannot assess/);
  // The traveller view: every country with rules, with until when.
  await page.fill('#travel-date', '2022-07-24');
  await page.dispatchEvent('#travel-date', 'change');
  await withoutRequests('traveller view', async () => {
    await page.click('#where-accepted');
    await page.waitForSelector('#travel-list li');
  });
  assert.equal(await page.locator('#travel-list li').count(), 12);
  const de = '#travel-list li[data-country="DE"]';
  assert.equal(await page.getAttribute(de, 'data-status'), 'ACCEPTED');
  assert.ok(Number(await page.getAttribute(de, 'data-until')) > Date.parse('2022-07-24') / 1000);
  assert.match(await page.innerText(de), /accepted (at least )?until/);
  report.traveller_outcomes = await page.$$eval('#travel-list li', (l) => l.map((e) => `${e.dataset.country}:${e.dataset.status}`));
  // Remembered on the device: a hotel sets it once.
  await page.reload();
  await page.waitForSelector('#destination option[value="JP"]', { state: 'attached' });
  assert.equal(await page.inputValue('#destination'), 'JP');
  await page.selectOption('#destination', '');
  await page.reload();
  await page.waitForSelector('#destination option[value="JP"]', { state: 'attached' });
  assert.equal(await page.inputValue('#destination'), '');
});

test('acceptance: a rules file changed after signing is refused, and nothing verifies as valid', { skip: !HAVE_RULES, timeout: 180_000 }, async () => {
  currentTest = 'rules-tampered';
  const tampered = tamperedCopy('published-rules-tampered', (dir) => {
    const file = path.join(dir, 'rules', 'rules.json');
    const rules = JSON.parse(fs.readFileSync(file, 'utf8'));
    const r = rules.rules.find((x) => x.Identifier === 'VR-DE-0003');
    r.Logic = true; // a rule that always passes
    fs.writeFileSync(file, JSON.stringify(rules));
    for (const ext of ['.gz', '.br']) fs.rmSync(file + ext, { force: true });
  });
  await onSecondServer(tampered, async (t) => {
    await t.waitForSelector('#lists-status[data-state="failed"]', { timeout: 30_000 });
    assert.equal(await t.getAttribute('#lists-status', 'data-code'), 'TRUST_LIST_DIGEST_MISMATCH');
    assert.equal(await pasteAndVerify(t, second.hc1), 'cannot-verify');
  });
});

test('3. a QR image from the member states\' suite, uploaded with ?at=, gets the suite\'s outcome', { skip: !HAVE_SUITE, timeout: 180_000 }, async () => {
  currentTest = 'suite-upload';
  assert.equal(suiteCases.length, 3, `found suite cases: ${suiteCases.map((c) => c.name)}`);
  const upload = (p, c) => withoutRequests(c.name, () => newAnswer(p, () => p.setInputFiles('#file', c.png)));
  for (const c of suiteCases) {
    const p = await openPortal(main, `?at=${encodeURIComponent(c.at)}`);
    assert.match(await p.innerText('#audit'), /Audit mode/);
    assert.equal(await upload(p, c), 'valid', `${c.name} at ${c.at}: ${await p.innerText('#answer')}`);
    // The verdict itself says it is an audit, not a check for today.
    assert.equal(await p.getAttribute('#answer', 'data-audit'), 'true');
    assert.match(await p.innerText('#audit-verdict'), /^AUDIT as of/);
    // A partner's certificate: revocation not checked (no data for its country), never "passed".
    assert.equal(await p.getAttribute('#checks li[data-check="revocation"]', 'data-state'), 'not_covered');
  }
  // The same image today: what the CLI says now (these 2021 certificates have expired).
  const c = suiteCases[0];
  const p = await openPortal(main);
  assert.equal(await upload(p, c), 'not-valid', c.name);
  assert.equal(await p.getAttribute('#reason', 'data-code'), c.nowCode);
  page = await openPortal(main);
});

test('7. switching Vietnamese ↔ English changes every visible string (screenshots kept)', { timeout: 180_000 }, async () => {
  currentTest = 'languages';
  await pasteAndVerify(page, valid);
  // Visible text of the interface, leaving out data (field values) and the language names.
  const uiTexts = () => page.evaluate(() => {
    const out = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement; const t = n.textContent.trim();
      if (!t || !el || el.closest('dd, .langs, noscript, [hidden]')) continue;
      if (el.offsetParent === null && getComputedStyle(el).position !== 'fixed') continue;
      out.push(t);
    }
    return out;
  });
  await page.click('#lang-en');
  const en = await uiTexts();
  await page.screenshot({ path: path.join(ARTIFACTS, 'result-en.png'), fullPage: true });
  await page.click('#lang-vi');
  const vi = await uiTexts();
  await page.screenshot({ path: path.join(ARTIFACTS, 'result-vi.png'), fullPage: true });
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  assert.ok(en.length >= 20, `enough strings checked: ${en.length}`);
  const unchanged = en.filter((t) => vi.includes(t) && !/^[✓✗–·\s]+$/.test(t));
  assert.deepEqual(unchanged, [], 'strings left in English after switching');
  assert.ok(vi.includes('HỢP LỆ'));
  await page.click('#lang-en');
});

test('5. after one visit the portal loads and verifies offline', { timeout: 180_000 }, async () => {
  currentTest = 'offline';
  // The service worker controls the page once it is activated; then cut the network.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
  await page.waitForSelector('#lists-status[data-state="ready"]');
  await main.setOffline(true);
  try {
    await page.reload();
    await page.waitForSelector('#lists-status[data-state="offline"]', { timeout: 30_000 });
    await page.waitForSelector('html[data-scanner="ready"]', { timeout: 30_000 });
    const answer = await withoutRequests('offline', () => pasteAndVerify(page, valid));
    assert.equal(answer, 'valid');
    if (HAVE_RULES) {
      // The rules and their engine work offline too.
      await page.click('#scan-next'); await page.click('#camera-stop');
      await page.waitForSelector('#destination option[value="DE"]', { state: 'attached' });
      await page.selectOption('#destination', 'DE');
      await page.fill('#accept-date', '2022-07-24');
      await page.dispatchEvent('#accept-date', 'change');
      assert.equal(await withoutRequests('offline acceptance', () => pasteAndVerify(page, second.hc1)), 'valid');
      await page.waitForSelector('#acceptance[data-status="ACCEPTED"]');
      await page.selectOption('#destination', '');
    }
  } finally {
    await main.setOffline(false);
  }
});

test('a page opened at another address cannot replace the offline start page', { timeout: 180_000 }, async () => {
  currentTest = 'sw-start-page';
  // Online: the icon opened as a page (a navigation), then back to the portal.
  await page.goto(`${base}/icon.svg`);
  await page.goto(`${base}/manifest.webmanifest`);
  await main.setOffline(true);
  try {
    await page.goto(`${base}/`);
    await page.waitForSelector('#lists-status[data-state="offline"]', { timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.contentType), 'text/html');
    const cached = await page.evaluate(async () => (await caches.open('vaxpass-shell-v1')).keys().then((ks) => ks.map((k) => new URL(k.url).pathname)));
    assert.ok(cached.includes('/'), JSON.stringify(cached));
    await page.waitForSelector('html[data-scanner="ready"]', { timeout: 30_000 });
    assert.equal(await pasteAndVerify(page, valid), 'valid');
  } finally {
    await main.setOffline(false);
  }
});

test('4. fake camera: the certificate is scanned and verified after only starting the camera', { timeout: 180_000 }, async () => {
  currentTest = 'camera';
  const y4m = path.join(WORK, 'camera.y4m');
  fs.writeFileSync(path.join(WORK, 'valid.txt'), valid);
  execFileSync(TESTKIT, ['y4m', path.join(WORK, 'valid.txt'), y4m, '3']);
  const cam = await newContext(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`]);
  const p = await openPortal(cam);
  const before = requests.length;
  await p.click('#camera-start');
  await p.waitForSelector('#answer', { timeout: 30_000 });
  assert.equal(await p.getAttribute('#answer', 'data-answer'), 'valid');
  assert.ok((await p.innerText('#fields')).includes(`${holder.fn} ${holder.gn}`));
  assert.deepEqual(requests.slice(before).map((r) => r.url), [], 'requests while scanning');
});

test('an expired trust list is said plainly and nothing verifies as valid', { timeout: 180_000 }, async () => {
  currentTest = 'expired-list';
  // The same keys, published ten days ago with a week of validity, on a second server.
  const stale = path.join(WORK, 'published-stale');
  fs.rmSync(stale, { recursive: true, force: true });
  const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  run('publish', '--keys', path.join(WORK, 'keys'), '--out', stale, '--now', tenDaysAgo, '--valid-days', '7');
  await onSecondServer(stale, async (p) => {
    await p.waitForSelector('#lists-status[data-state="expired"]', { timeout: 30_000 });
    assert.match(await p.innerText('#lists-status'), /expired on/);
    assert.equal(await p.getAttribute('#lists-status', 'data-code'), 'TRUST_LIST_EXPIRED');
    assert.equal(await pasteAndVerify(p, valid), 'cannot-verify');
    await p.click('#lang-vi');
    assert.match(await p.innerText('#lists-status'), /hết hạn/);
    await p.click('#lang-en');
  });
});

test('lists past their planned update say so, and expired revocation data blocks VALID', { timeout: 180_000 }, async () => {
  currentTest = 'stale-lists';
  // Published three days ago: the lists (seven days) still work, the planned update (a day)
  // is past, and the revocation data (two update intervals) has expired.
  const old = path.join(WORK, 'published-old');
  fs.rmSync(old, { recursive: true, force: true });
  const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  run('publish', '--keys', path.join(WORK, 'keys'), '--out', old, '--now', threeDaysAgo, '--update-hours', '24');
  await onSecondServer(old, async (p) => {
    await p.waitForSelector('#lists-status[data-state="ready"]', { timeout: 30_000 });
    assert.equal(await p.getAttribute('#lists-status', 'data-stale'), 'true');
    assert.match(await p.innerText('#lists-stale'), /past their planned update/);
    assert.match(await p.innerText('#revocation-expired'), /revocation data expired/);
    await p.waitForSelector('html[data-scanner="ready"]', { timeout: 30_000 });
    assert.equal(await pasteAndVerify(p, valid), 'cannot-verify');
    assert.equal(await p.getAttribute('#reason', 'data-code'), 'REVOCATION_DATA_EXPIRED');
    await p.click('#lang-vi');
    assert.match(await p.innerText('#revocation-expired'), /Dữ liệu thu hồi đã hết hạn/);
    await p.click('#lang-en');
  });
});

test('8. revoke → publish → the portal shows REVOKED after its refresh, also offline; tampered revocation data is refused', { timeout: 240_000 }, async () => {
  currentTest = 'revocation';
  const keys = path.join(WORK, 'keys');
  const published = path.join(WORK, 'published');
  const p = await openPortal(main);
  assert.equal(await p.getAttribute('#lists-status', 'data-revoked'), '0');
  assert.equal(await pasteAndVerify(p, second.hc1), 'valid');
  const sequence = Number(await p.getAttribute('#lists-status', 'data-sequence'));

  run('revoke', '--keys', keys, '--uvci', second.uvci, '--reason', 'fraud');
  run('publish', '--keys', keys, '--out', published, ...publishExtra);
  // The sequence is kept with the key store (other tests published too): read the new one.
  const next = JSON.parse(fs.readFileSync(path.join(published, 'current', '.well-known', 'vaxpass.json'), 'utf8')).sequence;
  assert.ok(next > sequence, `sequence ${next} after ${sequence}`);
  // The server picks up the new version within a second; the portal refreshes on load.
  await new Promise((r) => setTimeout(r, 1500));
  await p.reload();
  await p.waitForSelector(`#lists-status[data-state="ready"][data-sequence="${next}"]`, { timeout: 30_000 });
  // The offline copy was written whole, then switched to: exactly one saved copy remains.
  const copies = await p.evaluate(async () => ({
    names: (await caches.keys()).filter((k) => k.startsWith('vaxpass-lists-')),
    current: localStorage.getItem('vaxpass.lists.copy'),
  }));
  assert.deepEqual(copies.names, [copies.current], JSON.stringify(copies));
  assert.match(copies.current, new RegExp(`^vaxpass-lists-${next}-\\d+$`));
  assert.equal(await p.getAttribute('#lists-status', 'data-revoked'), '1');
  assert.match(await p.innerText('#revocation-status'), /Revocation list: 1 revoked certificates, updated \d+ minutes ago/);
  await p.waitForSelector('html[data-scanner="ready"]', { timeout: 30_000 });
  const answer = await withoutRequests('revoked', () => pasteAndVerify(p, second.hc1));
  assert.equal(answer, 'revoked');
  assert.equal(await p.getAttribute('#reason', 'data-code'), 'REVOKED');
  assert.match(await p.innerText('#answer'), /REVOKED/);
  assert.match(await p.innerText('#reason'), /revoked by its issuer/);
  assert.equal(await p.locator('#checks li[data-state="failed"]').count(), 1);
  await p.click('#lang-vi');
  assert.match(await p.innerText('#answer'), /ĐÃ BỊ THU HỒI/);
  assert.match(await p.innerText('#reason'), /thu hồi/);
  assert.match(await p.innerText('#revocation-status'), /Danh sách thu hồi: 1 chứng nhận bị thu hồi/);
  await p.click('#lang-en');
  // The other certificate is untouched.
  assert.equal(await pasteAndVerify(p, valid), 'valid');

  // Offline, from the saved lists: still revoked.
  await main.setOffline(true);
  try {
    await p.reload();
    await p.waitForSelector('#lists-status[data-state="offline"]', { timeout: 30_000 });
    assert.equal(await p.getAttribute('#lists-status', 'data-revoked'), '1');
    await p.waitForSelector('html[data-scanner="ready"]', { timeout: 30_000 });
    assert.equal(await withoutRequests('revoked offline', () => pasteAndVerify(p, second.hc1)), 'revoked');
    assert.equal(await pasteAndVerify(p, valid), 'valid');
  } finally {
    await main.setOffline(false);
  }

  // The same tree with one byte of the revocation filter changed, on a second server: the
  // portal refuses the lists and verifies nothing as valid.
  const tampered = tamperedCopy('published-tampered', (dir) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'revocation', 'filter.json'), 'utf8'));
    const slice = path.join(dir, manifest.slices[0].path);
    const bytes = fs.readFileSync(slice); bytes[bytes.length - 1] ^= 0x5a; fs.writeFileSync(slice, bytes);
  });
  await onSecondServer(tampered, async (t) => {
    await t.waitForSelector('#lists-status[data-state="failed"]', { timeout: 30_000 });
    assert.equal(await t.getAttribute('#lists-status', 'data-code'), 'TRUST_LIST_DIGEST_MISMATCH');
    assert.equal(await pasteAndVerify(t, valid), 'cannot-verify');
    assert.equal(await pasteAndVerify(t, second.hc1), 'cannot-verify');
  });
  page = p;
});

// Certificate texts for the degraded-frame set: ours and the longest of the suite (dense
// codes, version 20+), each drawn at one pixel per module with one of the four ECC levels.
function degradedCodes() {
  const texts = [valid];
  if (HAVE_SUITE) {
    const all = [];
    for (const country of fs.readdirSync(SUITE)) {
      const raw = path.join(SUITE, country, '2DCode', 'raw');
      if (!fs.existsSync(raw)) continue;
      for (const f of fs.readdirSync(raw)) {
        try {
          const v = JSON.parse(fs.readFileSync(path.join(raw, f), 'utf8'));
          if (typeof v.PREFIX === 'string' && v.PREFIX.startsWith('HC1:')) all.push(v.PREFIX);
        } catch { /* not a vector */ }
      }
    }
    all.sort((x, y) => y.length - x.length);
    texts.push(...all.filter((t, i) => all.indexOf(t) === i).filter((_, i) => i % 7 === 0).slice(0, 5));
  }
  return texts.map((t, i) => {
    const ecc = ['Q', 'L', 'M', 'Q', 'H', 'L'][i % 6];
    const txt = path.join(WORK, `degraded-${i}.txt`); const png = path.join(WORK, `degraded-${i}.png`);
    fs.writeFileSync(txt, t);
    run('qr', txt, '--out', png, '--scale', '1', '--ecc', ecc);
    return { src: `data:image/png;base64,${fs.readFileSync(png).toString('base64')}`, ecc, chars: t.length };
  });
}

test('measurements: size, frame decoding, verification, degraded frames', { timeout: 180_000 }, async () => {
  currentTest = 'measure';
  // Shipped wasm + js, raw and gzip: the first load (what index.html names) and the scanner
  // worker (loaded when the camera or a picture is first used). Measured on the release build
  // (RELEASE_DIST: no measurement hooks) when there is one.
  const shipped = process.env.RELEASE_DIST || DIST;
  const index = fs.readFileSync(path.join(shipped, 'index.html'), 'utf8');
  const size = { first: [0, 0], scanner: [0, 0] };
  for (const f of fs.readdirSync(shipped)) {
    if (!/\.(wasm|js)$/.test(f) || f === 'sw.js') continue;
    const b = fs.readFileSync(path.join(shipped, f));
    const part = f.startsWith('vaxpass-scanner') ? 'scanner' : 'first';
    if (part === 'first') assert.ok(index.includes(f), `${f} is loaded by index.html`);
    size[part][0] += b.length; size[part][1] += zlib.gzipSync(b, { level: 9 }).length;
  }
  report.first_load_wasm_js_bytes = size.first[0];
  report.first_load_wasm_js_gzip_bytes = size.first[1];
  report.scanner_wasm_js_bytes = size.scanner[0];
  report.scanner_wasm_js_gzip_bytes = size.scanner[1];
  report.size_measured_on = process.env.RELEASE_DIST ? 'release build' : 'test build (with measurement hooks)';
  // The first load, measured: 249,799 B once every signature went to WebCrypto (issue 11 asks
  // for no growth past 257,425 B); 280,075 B with issue 12 on the page: the value-set check in
  // every verdict (the EU value sets parsed, each code and date checked, the new reasons in
  // both languages: 19.3 KB) and the destination, date and traveller controls (10.5 KB). The
  // rules engine and its markup are in the scanner worker, not here. Room is left for the
  // pinned test anchor, which differs per machine. Getting back under issue 11's figure means
  // moving verification off the page (issue 15).
  const FIRST_LOAD_LIMIT = 280_400;
  if (process.env.RELEASE_DIST) assert.ok(size.first[1] <= FIRST_LOAD_LIMIT, `first load ${size.first[1]} B gzip`);
  const codes = degradedCodes();
  const m = await page.evaluate(async ({ codes, hc1, rulesCert }) => {
    const b = window.wasmBindings;
    const load = (src) => new Promise((res, rej) => { const i = new Image(); i.onload = () => res(i); i.onerror = rej; i.src = src; });
    const canvas = document.createElement('canvas'); canvas.width = 640; canvas.height = 480;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    // A 640×480 frame: the code (1 px per module in `img`, quiet zone included) drawn at
    // `px` pixels per module, then spoilt.
    const frame = (img, { px = 4, angle = 0, blur = 0, noise = 0, lo = 0, hi = 255, glare = 0, edge = false }) => {
      ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.filter = 'none'; ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, 640, 480);
      const w = img.width * px;
      const cx = edge ? w / 2 - 4 * px : 320; const cy = edge ? w / 2 - 4 * px : 240; // edge: quiet zone cut off
      ctx.translate(cx, cy); ctx.rotate(angle * Math.PI / 180);
      ctx.imageSmoothingEnabled = angle !== 0;
      if (blur) ctx.filter = `blur(${blur * px}px)`;
      ctx.drawImage(img, -w / 2, -w / 2, w, w);
      ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.filter = 'none';
      if (glare) { const g = ctx.createRadialGradient(280, 200, 0, 280, 200, 640 * glare); g.addColorStop(0, 'rgba(255,255,255,0.8)'); g.addColorStop(1, 'rgba(255,255,255,0)'); ctx.fillStyle = g; ctx.fillRect(0, 0, 640, 480); }
      const d = ctx.getImageData(0, 0, 640, 480).data;
      const l = new Uint8Array(640 * 480);
      let seed = 12345; const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
      for (let i = 0; i < l.length; i++) {
        let v = (77 * d[4 * i] + 150 * d[4 * i + 1] + 29 * d[4 * i + 2]) >> 8;
        v = lo + (v * (hi - lo)) / 255;
        if (noise) v += (rnd() * 2 - 1) * noise;
        l[i] = Math.max(0, Math.min(255, Math.round(v)));
      }
      return l;
    };
    const rgbaOf = (l) => { const o = new Uint8Array(l.length * 4); for (let i = 0; i < l.length; i++) { o[4 * i] = o[4 * i + 1] = o[4 * i + 2] = l[i]; o[4 * i + 3] = 255; } return o; };
    const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
    const results = { frames: 0, read: 0, failures: [], versions: [] };
    let timedFrame = null;
    for (const [ci, c] of codes.entries()) {
      const img = await load(c.src);
      const modules = img.width - 8;
      results.versions.push(`${(modules - 17) / 4}${c.ecc}`);
      const fit = Math.floor(470 / img.width); // largest px per module that fits
      const px = Math.min(4, fit);
      const variants = [
        ['3 px modules', { px: 3 }], ['4 px modules', { px: 4 }], ['5 px modules', { px: 5 }],
        ['rotate 7°', { px, angle: 7 }], ['rotate -12°', { px: Math.min(px, Math.floor(470 / (img.width * 1.19))), angle: -12 }],
        ['blur 0.3 module', { px, blur: 0.3 }], ['blur 0.45 module', { px, blur: 0.45 }],
        ['noise ±40', { px, noise: 40 }], ['noise ±70', { px, noise: 70 }],
        ['contrast 90–150', { px, lo: 90, hi: 150 }], ['contrast 60–110', { px, lo: 60, hi: 110 }],
        ['glare', { px, glare: 0.35 }], ['code at the edge', { px, edge: true }],
      ];
      for (const [name, opts] of variants) {
        if (opts.px * img.width > 480 || opts.px < 3) continue; // does not fit this frame
        const l = frame(img, opts);
        if (ci === 0 && name === '4 px modules') timedFrame = l;
        const { text } = await b.vaxpass_scan('frame2', rgbaOf(l), 640, 480, 0);
        results.frames++;
        if (text && text.startsWith('HC1:')) results.read++; else results.failures.push(`${results.versions[ci]} ${name}`);
      }
    }
    // Timing: a 640×480 frame with a code, and one without, as the camera loop handles them
    // (RGBA → grey included), and verification against the loaded trust list.
    const timeFrames = async (rgba) => {
      const inWorker = []; const roundTrip = []; let found = true;
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        const r = await b.vaxpass_scan('frame', rgba, 640, 480, i);
        roundTrip.push(performance.now() - t0); inWorker.push(r.ms);
        found = found && (i % 2 === 1 || !!r.text);
      }
      return { ms: median(inWorker), roundTrip: median(roundTrip), found };
    };
    const withCode = await timeFrames(rgbaOf(timedFrame));
    const empty = await timeFrames(new Uint8Array(640 * 480 * 4).fill(200));
    const [verifyMs, valid] = await b.vaxpass_bench_verify(hc1, 100);
    const [revocationCheckUs, revocationLookupUs] = await b.vaxpass_bench_revocation(hc1, 100000);
    // The rules engine in the scanner worker (WebAssembly): one destination, and the traveller
    // view over every country with rules, each with until when.
    let acceptance = null;
    if (rulesCert) {
      const at = Date.parse('2022-07-24T12:00:00Z') / 1000;
      await b.vaxpass_bench_acceptance(rulesCert, 'DE', at, 3, 1); // parses the rules once
      acceptance = { de: await b.vaxpass_bench_acceptance(rulesCert, 'DE', at, 50, 100), traveller: await b.vaxpass_bench_acceptance(rulesCert, '', at, 15, 5) };
    }
    return { acceptance, revocationCheckUs, revocationLookupUs, results, frameMs: withCode.ms, frameRoundTrip: withCode.roundTrip, found: withCode.found, emptyMs: empty.ms, verifyMs, valid };
  }, { codes, hc1: valid, rulesCert: HAVE_RULES ? second.hc1 : null });
  report.frame_decode_median_ms = m.frameMs;
  report.frame_round_trip_median_ms = m.frameRoundTrip;
  report.empty_frame_median_ms = m.emptyMs;
  report.verify_median_ms = m.verifyMs;
  if (m.acceptance) {
    [report.acceptance_de_worker_median_ms, report.acceptance_de_worker_max_ms, report.acceptance_de_round_trip_median_ms] = m.acceptance.de;
    [report.traveller_worker_median_ms, report.traveller_worker_max_ms, report.traveller_round_trip_median_ms] = m.acceptance.traveller;
    for (const r of [m.acceptance.de, m.acceptance.traveller]) assert.ok(r.length === 3 && r.every(Number.isFinite), JSON.stringify(m.acceptance));
  }
  report.revocation_check_us = m.revocationCheckUs;
  report.revocation_filter_lookup_us = m.revocationLookupUs;
  report.degraded_codes = m.results.versions;
  report.degraded_frames = m.results.frames;
  report.degraded_read = m.results.read;
  report.degraded_failures = m.results.failures;
  assert.ok(m.found, 'the timed frame holds a readable code');
  assert.ok(m.valid, 'the timed verification is valid');
  assert.ok(m.results.frames >= 60, `frames: ${m.results.frames}`);
  assert.ok(m.results.read / m.results.frames >= 0.95, `degraded frames read: ${m.results.read}/${m.results.frames} ${m.results.failures}`);
});

test('6. no request ever carried certificate data', () => {
  currentTest = 'privacy';
  const uvci = JSON.parse(run('decode', valid, '--json')).payload.v[0].ci;
  const needles = [valid.slice(4, 40), encodeURIComponent(valid.slice(4, 40)), uvci, encodeURIComponent(uvci), holder.fnt, holder.gnt];
  assert.ok(requests.length > 10, `requests were recorded (${requests.length})`);
  for (const r of requests) {
    for (const n of needles) {
      assert.ok(!r.url.includes(n) && !r.body.includes(n), `${r.test}: ${r.method} ${r.url} carries certificate data`);
    }
    assert.equal(r.method, 'GET', `${r.test}: ${r.method} ${r.url}`);
    assert.ok(origins.some((o) => r.url.startsWith(`${o}/`)) || r.url.startsWith('data:'), `${r.test}: request off the portal's origin: ${r.url}`);
  }
});
