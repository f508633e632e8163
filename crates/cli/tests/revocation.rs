//! Revocation end to end through the `vaxpass` binary: revoke → publish → verify, deltas,
//! EU batches a partner can import, tampered revocation data, and revoking a whole signer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use hcert::{FilterManifest, RevocationHashType as HashType};

/// SHA-256 truncated to 16 bytes, computed here as the oracle for the EU hash types.
fn hash16(bytes: &[u8]) -> [u8; 16] {
    let d = sha2::Sha256::digest(bytes);
    let mut out = [0u8; 16];
    out.copy_from_slice(&d[..16]);
    out
}
use sha2::{Digest as _, Sha256};

const BIN: &str = env!("CARGO_BIN_EXE_vaxpass");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

struct Fixture {
    dir: PathBuf,
    keys: PathBuf,
    published: PathBuf,
    /// (uvci, hc1, kid) of each issued certificate.
    certs: Vec<(String, String, String)>,
}

fn fixture(name: &str) -> Fixture {
    let dir = std::env::temp_dir().join(format!("vaxpass-rev-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys");
    ok(&["keys", "init", "--dir", s(&keys)]);
    let records = dir.join("records.jsonl");
    ok(&["gen-records", "--count", "12", "--out", s(&records)]);
    let issued = dir.join("issued");
    ok(&[
        "issue",
        "--keys",
        s(&keys),
        "--input",
        s(&records),
        "--out",
        s(&issued),
    ]);
    let certs = std::fs::read_to_string(issued.join("certificates.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let f = |k: &str| v[k].as_str().unwrap().to_string();
            (f("uvci"), f("hc1"), f("kid"))
        })
        .collect::<Vec<_>>();
    assert_eq!(certs.len(), 12);
    Fixture {
        published: dir.join("published"),
        dir,
        keys,
        certs,
    }
}

impl Fixture {
    /// `vaxpass revoke --keys KEYS ARGS`, which must succeed; its output.
    fn revoke(&self, args: &[&str]) -> String {
        let mut all = vec!["revoke", "--keys", s(&self.keys)];
        all.extend_from_slice(args);
        ok(&all)
    }

    fn publish(&self) -> String {
        self.publish_with(&[])
    }

    /// `vaxpass publish --keys KEYS --out PUBLISHED ARGS`, which must succeed; its output.
    fn publish_with(&self, args: &[&str]) -> String {
        let out = self.publish_run(args);
        assert!(
            out.status.success(),
            "publish {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `vaxpass publish --keys KEYS --out PUBLISHED ARGS`, whatever its outcome.
    fn publish_run(&self, args: &[&str]) -> Output {
        let mut all = vec![
            "publish",
            "--keys",
            s(&self.keys),
            "--out",
            s(&self.published),
        ];
        all.extend_from_slice(args);
        run(&all)
    }

    fn anchor(&self) -> PathBuf {
        self.keys.join("trust-list-signer.crt.pem")
    }

    /// Verifies certificate `i` against the published tree: (exit code, stdout + stderr).
    fn verify_in(&self, tree: &Path, i: usize, extra: &[&str]) -> (i32, String) {
        let text = self.dir.join(format!("cert{i}.txt"));
        std::fs::write(&text, &self.certs[i].1).unwrap();
        let anchor = self.anchor();
        let mut args = vec![
            "verify",
            s(&text),
            "--published",
            s(tree),
            "--anchor",
            s(&anchor),
        ];
        args.extend_from_slice(extra);
        let out = run(&args);
        (
            out.status.code().unwrap(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }

    fn verify(&self, i: usize) -> (i32, String) {
        self.verify_in(&self.published, i, &[])
    }

    fn current(&self) -> PathBuf {
        std::fs::canonicalize(self.published.join("current")).unwrap()
    }

    fn manifest(&self) -> FilterManifest {
        FilterManifest::parse(
            &std::fs::read(self.current().join("revocation/filter.json")).unwrap(),
        )
        .unwrap()
    }
}

#[test]
fn revoke_publish_verify_with_deltas_and_eu_batches() {
    let f = fixture("flow");
    f.publish();
    let (code, out) = f.verify(0);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("[pass] Not revoked by its issuer"), "{out}");

    // Revoke by UVCI; twice changes nothing.
    let uvci = f.certs[0].0.clone();
    let first = f.revoke(&["--uvci", &uvci, "--reason", "fraud"]);
    assert!(first.contains("1 revoked (fraud)"), "{first}");
    let log = std::fs::read(f.keys.join("revocations.log")).unwrap();
    let again = f.revoke(&["--uvci", &uvci, "--reason", "superseded"]);
    assert!(again.contains("0 revoked"), "{again}");
    assert!(again.contains("1 already revoked"), "{again}");
    assert_eq!(std::fs::read(f.keys.join("revocations.log")).unwrap(), log);

    // A file mixing certificates.jsonl lines, HC1 text, UVCIs and a bad line: every line is
    // accounted for and the command says so with exit code 1.
    let mut lines = Vec::new();
    let issued = std::fs::read_to_string(f.dir.join("issued/certificates.jsonl")).unwrap();
    lines.push(issued.lines().nth(1).unwrap().to_string());
    lines.push(f.certs[2].1.clone());
    lines.push("not a certificate".into());
    for i in 0..300 {
        lines.push(hcert::with_check_character(&format!("URN:UVCI:01:VN:{i:032X}")).unwrap());
    }
    let file = f.dir.join("revoke.txt");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = run(&[
        "revoke",
        "--keys",
        s(&f.keys),
        "--file",
        s(&file),
        "--reason",
        "wrong-data",
    ]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("303 read: 302 revoked (wrong-data), 0 already revoked, 1 rejected"),
        "{text}"
    );
    assert!(text.contains("line 3: rejected"), "{text}");

    let listed = f.revoke(&["--list"]);
    assert_eq!(listed.lines().count(), 303);
    assert!(listed.contains(&format!("fraud\t{uvci}")), "{listed}");

    // Not yet published: still valid. Published: revoked, with the reason from the exact log.
    assert_eq!(f.verify(0).0, 0);
    let report = f.publish();
    assert!(report.contains("revocation: 303 certificates"), "{report}");
    for i in 0..3 {
        let (code, out) = f.verify(i);
        assert_eq!(code, 1, "{out}");
        assert!(out.starts_with("NOT VALID"), "{out}");
        assert!(out.contains("[REVOKED]"), "{out}");
    }
    let (_, out) = f.verify_in(&f.published, 0, &["--keys", s(&f.keys)]);
    assert!(out.contains("REVOKED (revoked: fraud)"), "{out}");
    assert!(out.contains("obtained by fraud"), "{out}");
    for i in 3..12 {
        assert_eq!(f.verify(i).0, 0, "certificate {i} is not revoked");
    }
    let base = f.manifest();
    assert_eq!(base.entries, 303);
    assert_eq!(base.slices.len(), 1);
    assert_eq!(base.slices[0].bits, 24);
    assert!(base.false_positive_rate <= 1e-7);

    // One more revocation: a delta slice; the base is carried over unchanged.
    f.revoke(&["--uvci", &f.certs[3].0, "--reason", "superseded"]);
    f.publish();
    let delta = f.manifest();
    assert_eq!(delta.entries, 304);
    assert_eq!(delta.slices.len(), 2);
    assert_eq!(delta.slices[0], base.slices[0]);
    assert_eq!((delta.slices[1].bits, delta.slices[1].entries), (32, 1));
    assert!(delta.false_positive_rate <= 1e-7);
    assert_eq!(f.verify(3).0, 1);
    assert_eq!(f.verify(4).0, 0);
    // Nothing new: the same slices.
    f.publish();
    assert_eq!(f.manifest().slices, delta.slices);
    // Deltas holding a quarter as many entries as the base: folded into a new base.
    let many = f.dir.join("many.txt");
    std::fs::write(
        &many,
        (0..100)
            .map(|i| {
                let u = hcert::with_check_character(&format!("URN:UVCI:01:VN:MANY{i:04}"));
                format!("{}\n", u.unwrap())
            })
            .collect::<String>(),
    )
    .unwrap();
    f.revoke(&["--file", s(&many), "--reason", "fraud"]);
    f.publish();
    let folded = f.manifest();
    assert_eq!((folded.entries, folded.slices.len()), (404, 1));
    assert_eq!((folded.slices[0].bits, folded.slices[0].entries), (24, 404));
    assert_eq!(f.verify(3).0, 1);

    // The partners' EU batches: every hash type, grouped per kid, each file pinned.
    let cur = f.current();
    let list: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cur.join("revocation/eu/batches.json")).unwrap())
            .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut seen = HashSet::new();
    let mut total = 0;
    for info in list["batches"].as_array().unwrap() {
        let body = std::fs::read(cur.join(info["path"].as_str().unwrap())).unwrap();
        assert_eq!(
            format!("{:x}", Sha256::digest(&body)),
            info["sha256"].as_str().unwrap()
        );
        let batch: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(batch["country"], "VN");
        let entries = batch["entries"].as_array().unwrap();
        assert!((1..=1000).contains(&entries.len()));
        total += entries.len();
        for e in entries {
            let h = e["hash"].as_str().unwrap();
            assert_eq!(h.len(), 24);
            seen.insert((
                batch["kid"].as_str().unwrap().to_string(),
                batch["hashType"].as_str().unwrap().to_string(),
                b64.decode(h).unwrap(),
            ));
        }
    }
    // UCI and COUNTRYCODEUCI for all 404, SIGNATURE for the two given as certificates.
    assert_eq!(total, 2 * 404 + 2);
    let kid = &f.certs[1].2;
    let d = hcert::decode(&f.certs[1].1).unwrap();
    let sig = hash16(&d.cose.signature()[..32]);
    assert!(seen.contains(&(kid.clone(), "SIGNATURE".into(), sig.to_vec())));
    assert!(seen.contains(&(
        kid.clone(),
        "UCI".into(),
        hash16(f.certs[1].0.as_bytes()).to_vec()
    )));
    assert!(seen.contains(&(
        "UNKNOWN_KID".into(),
        HashType::CountryCodeUci.name().into(),
        hash16(format!("VN{uvci}").as_bytes()).to_vec()
    )));

    // A replaced log (another key store's, or restored from a backup) is refused; published
    // deliberately, everything is rebuilt from it and nothing of the published state is kept.
    std::fs::remove_file(f.keys.join("revocations.log")).unwrap();
    f.revoke(&["--uvci", &f.certs[5].0, "--reason", "fraud"]);
    assert!(!f.publish_run(&[]).status.success());
    f.publish_with(&["--allow-log-rewind"]);
    let rebuilt = f.manifest();
    assert_eq!((rebuilt.entries, rebuilt.slices.len()), (1, 1));
    assert_eq!(f.verify(0).0, 0, "no longer revoked");
    assert_eq!(f.verify(5).0, 1);
    std::fs::remove_dir_all(&f.dir).unwrap();
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A way to damage a copy of a published tree.
type Damage = Box<dyn Fn(&Path)>;

#[test]
fn tampered_revocation_data_is_refused() {
    let f = fixture("tamper");
    f.publish();
    let older = f.current();
    f.revoke(&["--uvci", &f.certs[0].0, "--reason", "fraud"]);
    f.publish();
    let m = f.manifest();
    let slice = m.slices[0].path.clone();
    let cases: Vec<(&str, Damage)> = vec![
        (
            "a flipped filter byte",
            Box::new(move |t: &Path| {
                let p = t.join(&slice);
                let mut b = std::fs::read(&p).unwrap();
                let last = b.len() - 1;
                b[last] ^= 0x40;
                std::fs::write(&p, b).unwrap();
            }),
        ),
        (
            "an emptied filter manifest",
            Box::new(|t: &Path| {
                let p = t.join("revocation/filter.json");
                let text = std::fs::read_to_string(&p).unwrap();
                let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
                v["slices"] = serde_json::json!([]);
                std::fs::write(&p, v.to_string()).unwrap();
            }),
        ),
        (
            "a missing manifest",
            Box::new(|t: &Path| std::fs::remove_file(t.join("revocation/filter.json")).unwrap()),
        ),
        (
            "a broken manifest signature",
            Box::new(|t: &Path| {
                std::fs::write(t.join("revocation/filter.json.sig"), b"{}").unwrap();
            }),
        ),
        (
            "the previous publication's manifest (signed, without the revocation)",
            Box::new(move |t: &Path| {
                for f in ["revocation/filter.json", "revocation/filter.json.sig"] {
                    std::fs::copy(older.join(f), t.join(f)).unwrap();
                }
            }),
        ),
    ];
    for (what, damage) in cases {
        let tree = f.dir.join("tampered");
        let _ = std::fs::remove_dir_all(&tree);
        copy_tree(&f.current(), &tree);
        assert_eq!(f.verify_in(&tree, 0, &[]).0, 1, "undamaged copy");
        damage(&tree);
        for i in [0, 5] {
            let (code, out) = f.verify_in(&tree, i, &[]);
            assert_eq!(code, 1, "{what}: {out}");
            assert!(
                out.contains("the published lists cannot be used"),
                "{what}: {out}"
            );
            assert!(!out.contains("VALID "), "{what}: {out}");
        }
    }
    std::fs::remove_dir_all(&f.dir).unwrap();
}

#[test]
fn a_revoked_signer_leaves_the_lists_and_cannot_issue() {
    let f = fixture("signer");
    f.publish();
    let kid = f.certs[0].2.clone();
    assert_eq!(f.verify(7).0, 0);
    let out = f.revoke(&["--signer", &kid, "--reason", "key-compromise"]);
    assert!(out.contains("it is the active signer"), "{out}");
    let again = f.revoke(&["--signer", &kid, "--reason", "fraud"]);
    assert!(again.contains("already revoked"), "{again}");
    assert!(f
        .revoke(&["--list"])
        .contains(&format!("key-compromise\t{kid}")));
    // A partner list that still names the signer (an earlier dsc.json, a gateway download)
    // does not bring it back.
    let stale = f.dir.join("stale-dsc.json");
    std::fs::copy(f.current().join("trust-lists/dsc.json"), &stale).unwrap();
    let report = f.publish_with(&["--extra-trust", s(&stale)]);
    assert!(
        report.contains("left out 1 revoked document signer"),
        "{report}"
    );
    let cur = f.current();
    for list in [
        "trust-lists/verifier.json",
        "trust-lists/dsc.json",
        "trust-lists/valid-kids.json",
    ] {
        let text = std::fs::read_to_string(cur.join(list)).unwrap();
        assert!(!text.contains(&kid), "{list} still names {kid}");
    }
    let (code, out) = f.verify(7);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("CANNOT VERIFY"), "{out}");
    assert!(out.contains("SIGNER_UNKNOWN"), "{out}");
    // The issuer refuses to sign with it.
    let out = run(&[
        "issue",
        "--keys",
        s(&f.keys),
        "--input",
        s(&f.dir.join("records.jsonl")),
        "--out",
        s(&f.dir.join("issued-again")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is revoked"));
    std::fs::remove_dir_all(&f.dir).unwrap();
}

// Issue 18: no operator action may silently leave a revoked certificate VALID, and no check
// may say "passed" when it checked nothing. One scenario per finding.

/// `vaxpass ARGS`, expected to fail: its stderr.
fn fails(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        !out.status.success(),
        "{args:?} succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn rfc3339(offset_seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    hcert::UnixTime(now + offset_seconds).rfc3339()
}

/// The verdict of certificate `i` as JSON (`verify --published --json`).
fn verdict_json(f: &Fixture, tree: &Path, hc1: &str) -> serde_json::Value {
    let text = f.dir.join("verdict-input.txt");
    std::fs::write(&text, hc1).unwrap();
    let anchor = f.anchor();
    let out = run(&[
        "verify",
        s(&text),
        "--published",
        s(tree),
        "--anchor",
        s(&anchor),
        "--json",
    ]);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn check<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == id)
        .unwrap_or_else(|| panic!("no {id} check in {v}"))
}

#[test]
fn a_typed_uvci_must_carry_its_check_character_and_hc1_must_be_ours() {
    let f = fixture("typed");
    let uvci = &f.certs[0].0;
    let (body, check_char) = uvci.rsplit_once('#').unwrap();
    // Without the check character: refused with the likely intended UVCI, nothing revoked.
    let err = fails(&[
        "revoke",
        "--keys",
        s(&f.keys),
        "--uvci",
        body,
        "--reason",
        "fraud",
    ]);
    assert!(err.contains(&format!("did you mean {uvci}?")), "{err}");
    // With a wrong one: refused.
    let wrong = format!("{body}#{}", if check_char == "A" { "B" } else { "A" });
    let err = fails(&[
        "revoke",
        "--keys",
        s(&f.keys),
        "--uvci",
        &wrong,
        "--reason",
        "fraud",
    ]);
    assert!(err.contains("check character is wrong"), "{err}");
    assert!(!f.revoke(&["--list"]).contains("certificate\t"));
    // An HC1 text signed by someone else's keys (same country label): refused.
    let other = f.dir.join("other-keys");
    ok(&["keys", "init", "--dir", s(&other)]);
    let other_issued = f.dir.join("other-issued");
    ok(&[
        "issue",
        "--keys",
        s(&other),
        "--input",
        s(&f.dir.join("records.jsonl")),
        "--out",
        s(&other_issued),
    ]);
    let line = std::fs::read_to_string(other_issued.join("certificates.jsonl")).unwrap();
    let foreign: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    let err = fails(&[
        "revoke",
        "--keys",
        s(&f.keys),
        "--uvci",
        foreign["hc1"].as_str().unwrap(),
        "--reason",
        "fraud",
    ]);
    assert!(err.contains("not signed by this key store"), "{err}");
    // Ours, as text or as the UVCI exactly as printed: revoked, and it bites.
    let out = f.revoke(&["--uvci", &f.certs[1].1, "--reason", "fraud"]);
    assert!(out.contains("1 revoked"), "{out}");
    let out = f.revoke(&["--uvci", uvci, "--reason", "fraud"]);
    assert!(out.contains("1 revoked"), "{out}");
    f.publish();
    assert_eq!(f.verify(0).0, 1);
    assert_eq!(f.verify(1).0, 1);
    assert_eq!(f.verify(2).0, 0);
    std::fs::remove_dir_all(&f.dir).unwrap();
}

#[test]
fn a_restored_key_store_cannot_silently_unrevoke() {
    let f = fixture("restored");
    f.revoke(&["--uvci", &f.certs[2].0, "--reason", "fraud"]);
    f.publish();
    let backup = std::fs::read(f.keys.join("revocations.log")).unwrap();
    f.revoke(&["--uvci", &f.certs[0].0, "--reason", "fraud"]);
    f.revoke(&["--uvci", &f.certs[1].0, "--reason", "fraud"]);
    f.publish();
    assert_eq!(f.verify(0).0, 1);
    let published = f.current();

    // The key store restored from the backup: a shorter log.
    let current_log = std::fs::read(f.keys.join("revocations.log")).unwrap();
    std::fs::write(f.keys.join("revocations.log"), &backup).unwrap();
    let publish = ["publish", "--keys", s(&f.keys), "--out", s(&f.published)];
    let err = fails(&publish);
    assert!(err.contains("does not continue the published one"), "{err}");
    assert!(err.contains("--allow-log-rewind"), "{err}");
    assert_eq!(f.current(), published, "nothing was published");
    assert_eq!(f.verify(0).0, 1, "still revoked");

    // A replaced log of the same length that differs: refused too.
    let mut other = backup.clone();
    for u in [&f.certs[5].0, &f.certs[6].0] {
        other.extend_from_slice(format!("{u}\tfraud\t1800000000\t-\t-\t-\n").as_bytes());
    }
    std::fs::write(f.keys.join("revocations.log"), &other).unwrap();
    let err = fails(&publish);
    assert!(err.contains("differs"), "{err}");

    // Deliberately, with the override: the revocations missing from the log are withdrawn.
    std::fs::write(f.keys.join("revocations.log"), &backup).unwrap();
    f.publish_with(&["--allow-log-rewind"]);
    assert_eq!(f.verify(0).0, 0, "withdrawn, as the flag documents");
    assert_eq!(f.verify(2).0, 1);
    // The newer log restored: it continues the one now published, so no override is needed.
    std::fs::write(f.keys.join("revocations.log"), &current_log).unwrap();
    f.publish();
    assert_eq!(f.verify(0).0, 1);
    std::fs::remove_dir_all(&f.dir).unwrap();
}

#[test]
fn a_revoked_signer_stays_out_under_any_label_and_wrong_kids_are_refused() {
    let f = fixture("label");
    f.publish();
    let kid = f.certs[0].2.clone();
    f.revoke(&["--signer", &kid, "--reason", "key-compromise"]);
    // A partner list naming our revoked signer as "vn" and as "DE", and a certificate filed
    // under another certificate's kid.
    let dsc: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(f.current().join("trust-lists/dsc.json")).unwrap())
            .unwrap();
    let ours = dsc
        .iter()
        .find(|e| e["certificateType"] == "DSC" && e["kid"] == kid.as_str())
        .unwrap()
        .clone();
    let csca = dsc
        .iter()
        .find(|e| e["certificateType"] == "CSCA")
        .unwrap()
        .clone();
    let mut lower = ours.clone();
    lower["country"] = "vn".into();
    let mut de = ours.clone();
    de["country"] = "DE".into();
    let mut misfiled = csca.clone();
    misfiled["certificateType"] = "DSC".into();
    misfiled["kid"] = "AAAAAAAAAAA=".into();
    let partner = f.dir.join("partner.json");
    std::fs::write(
        &partner,
        serde_json::to_vec(&serde_json::json!([lower, de, misfiled])).unwrap(),
    )
    .unwrap();
    let out = f.publish_run(&["--extra-trust", s(&partner)]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refused"), "{err}");
    assert!(err.contains("left out 2 partner-list entries"), "{err}");
    let verifier = std::fs::read_to_string(f.current().join("trust-lists/verifier.json")).unwrap();
    let spki = {
        let der = base64::engine::general_purpose::STANDARD
            .decode(ours["rawData"].as_str().unwrap())
            .unwrap();
        let c = hcert::Certificate::from_der(&der).unwrap();
        hcert::VerifierEntry::from_certificate(&c, c.kid, "VN").spki
    };
    assert!(!verifier.contains(&spki), "the revoked key is back");
    assert!(!verifier.contains("AAAAAAAAAAA="));
    let (code, out) = f.verify(0);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("SIGNER_UNKNOWN"), "{out}");
    std::fs::remove_dir_all(&f.dir).unwrap();
}

#[test]
fn another_countrys_certificate_is_not_checked_for_revocation_never_passed() {
    let f = fixture("country");
    // A German issuer, published beside ours as a partner.
    let de_keys = f.dir.join("de-keys");
    ok(&["keys", "init", "--dir", s(&de_keys), "--country", "DE"]);
    let de_issued = f.dir.join("de-issued");
    ok(&[
        "issue",
        "--keys",
        s(&de_keys),
        "--input",
        s(&f.dir.join("records.jsonl")),
        "--out",
        s(&de_issued),
    ]);
    let de_published = f.dir.join("de-published");
    ok(&["publish", "--keys", s(&de_keys), "--out", s(&de_published)]);
    f.publish_with(&[
        "--extra-trust",
        s(&de_published.join("current/trust-lists/dsc.json")),
    ]);
    let line = std::fs::read_to_string(de_issued.join("certificates.jsonl")).unwrap();
    let de: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    let v = verdict_json(&f, &f.published, de["hc1"].as_str().unwrap());
    assert_eq!(v["status"], "valid", "{v}");
    let r = check(&v, "revocation");
    assert_eq!(r["outcome"], "not_checked", "{r}");
    assert_eq!(r["error"]["code"], "REVOCATION_NOT_COVERED");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no revocation data for certificates from DE"),
        "{r}"
    );
    // Ours is checked, and passes.
    let v = verdict_json(&f, &f.published, &f.certs[0].1);
    assert_eq!(check(&v, "revocation")["outcome"], "passed");
    // The text form says it plainly.
    let text = f.dir.join("de.txt");
    std::fs::write(&text, de["hc1"].as_str().unwrap()).unwrap();
    let out = ok(&[
        "verify",
        s(&text),
        "--published",
        s(&f.published),
        "--anchor",
        s(&f.anchor()),
    ]);
    assert!(
        out.contains("not checked: no revocation data for DE"),
        "{out}"
    );
    std::fs::remove_dir_all(&f.dir).unwrap();
}

#[test]
fn lists_dated_minutes_ahead_verify_and_expired_revocation_data_blocks_valid() {
    let f = fixture("clock");
    // Published by a server whose clock is five minutes ahead.
    let ahead = f.dir.join("ahead");
    ok(&[
        "publish",
        "--keys",
        s(&f.keys),
        "--out",
        s(&ahead),
        "--now",
        &rfc3339(300),
    ]);
    let v = verdict_json(&f, &ahead, &f.certs[0].1);
    assert_eq!(v["status"], "valid", "{v}");

    // Published three days ago with revocation data valid for two: the lists still load, a
    // certificate of ours cannot be valid, and the revocation line says why.
    let old = f.dir.join("old");
    ok(&[
        "publish",
        "--keys",
        s(&f.keys),
        "--out",
        s(&old),
        "--now",
        &rfc3339(-3 * 86_400),
        "--update-hours",
        "24",
    ]);
    let v = verdict_json(&f, &old, &f.certs[0].1);
    assert_eq!(v["status"], "cannot_verify", "{v}");
    assert_eq!(v["reason"]["code"], "REVOCATION_DATA_EXPIRED", "{v}");
    assert_eq!(check(&v, "revocation")["outcome"], "failed");
    assert_eq!(check(&v, "trust_list")["outcome"], "passed");
    // The revocation data's expiry is about two update intervals.
    let sig: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            std::fs::canonicalize(old.join("current"))
                .unwrap()
                .join("revocation/filter.json.sig"),
        )
        .unwrap(),
    )
    .unwrap();
    let statement: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(sig["statement"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let issued = hcert::UnixTime::parse_rfc3339(statement["issued"].as_str().unwrap()).unwrap();
    let expires = hcert::UnixTime::parse_rfc3339(statement["expires"].as_str().unwrap()).unwrap();
    assert_eq!(expires.0 - issued.0, 48 * 3600);
    std::fs::remove_dir_all(&f.dir).unwrap();
}

#[test]
fn the_publication_sequence_lives_with_the_key_store() {
    let f = fixture("sequence");
    let seq = |out: &Path| -> u64 {
        let index = std::fs::read(out.join("current/.well-known/vaxpass.json")).unwrap();
        hcert::Index::parse(&index).unwrap().sequence
    };
    f.publish();
    f.publish();
    assert_eq!(seq(&f.published), 2);
    // A new output directory continues the sequence: portals that saw 2 accept it.
    let fresh = f.dir.join("fresh-out");
    ok(&["publish", "--keys", s(&f.keys), "--out", s(&fresh)]);
    assert_eq!(seq(&fresh), 3);
    assert_eq!(
        std::fs::read_to_string(f.keys.join("publication.seq"))
            .unwrap()
            .trim(),
        "3"
    );
    // A damaged record is an error, never a restart at 1.
    std::fs::write(f.keys.join("publication.seq"), "garbage").unwrap();
    let err = fails(&["publish", "--keys", s(&f.keys), "--out", s(&fresh)]);
    assert!(err.contains("publication.seq is damaged"), "{err}");
    assert_eq!(seq(&fresh), 3);
    std::fs::remove_dir_all(&f.dir).unwrap();
}
