//! Revocation end to end through the `vaxpass` binary: revoke → publish → verify, deltas,
//! EU batches a partner can import, tampered revocation data, and revoking a whole signer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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
        ok(&[
            "publish",
            "--keys",
            s(&self.keys),
            "--out",
            s(&self.published),
        ])
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
        lines.push(format!("URN:UVCI:01:VN:{i:032X}#A"));
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
            .map(|i| format!("URN:UVCI:01:VN:MANY{i:04}#B\n"))
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

    // A replaced log (another key store's, or restored from a backup): everything is rebuilt
    // from it, nothing of the published state is trusted.
    std::fs::remove_file(f.keys.join("revocations.log")).unwrap();
    f.revoke(&["--uvci", &f.certs[5].0, "--reason", "fraud"]);
    f.publish();
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
    let report = ok(&[
        "publish",
        "--keys",
        s(&f.keys),
        "--out",
        s(&f.published),
        "--extra-trust",
        s(&stale),
    ]);
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
