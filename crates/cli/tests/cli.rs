//! The `vaxpass` binary as users run it: inputs (text, file, image, stdin), JSON output and
//! exit codes (0 valid/decoded, 1 invalid, 2 usage or I/O).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use hcert::UnixTime;

const BIN: &str = env!("CARGO_BIN_EXE_vaxpass");
const T0: i64 = 1_640_995_200;

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// A signer certificate (PEM) and a fresh certificate it signed.
fn fixture(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let (pem, mut issuer) =
        vaxpass_testkit::signer::test_signer(dir, "CLI test DSC", 9, UnixTime(T0)).unwrap();
    let payload = serde_json::json!({
        "ver": "1.3.0", "nam": {"fn": "Phạm", "fnt": "PHAM", "gn": "Minh Chính", "gnt": "MINH<CHINH"},
        "dob": "1958-12-10",
        "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
               "dn": 3, "sd": 3, "dt": "2021-12-01", "co": "VN", "is": "Ministry of Health of Viet Nam",
               "ci": "URN:UVCI:01:VN:CLI0TEST"}]
    });
    let hc1 = issuer
        .issue(
            "VN",
            UnixTime(T0 + 86_400),
            UnixTime(T0 + 366 * 86_400),
            &payload,
        )
        .unwrap();
    (pem, hc1)
}

fn tmp() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "vaxpass-cli-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn verify_exit_codes_and_json() {
    let dir = tmp();
    let (pem, hc1) = fixture(&dir);
    let pem = pem.to_str().unwrap();
    let at = "2022-06-01T00:00:00Z";
    let ok = run(&["verify", &hc1, "--trust", pem, "--at", at], None);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let out = String::from_utf8(ok.stdout).unwrap();
    assert!(out.starts_with("VALID"), "{out}");
    assert!(out.contains("Phạm Minh Chính"));

    let json = run(
        &["verify", "-", "--trust", pem, "--at", at, "--json"],
        Some(&hc1),
    );
    assert_eq!(json.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["status"], "valid");
    // Eight checks, and the codes said not checked: no value sets were given.
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 9);
    let codes = checks.iter().find(|c| c["check"] == "value_sets").unwrap();
    assert_eq!(codes["outcome"], "not_checked", "{codes}");
    assert_eq!(v["certificate"]["payload"]["nam"]["gnt"], "MINH<CHINH");

    // Expired: exit 1 with the reason.
    let late = run(
        &[
            "verify",
            &hc1,
            "--trust",
            pem,
            "--at",
            "2023-06-01T00:00:00Z",
            "--json",
        ],
        None,
    );
    assert_eq!(late.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&late.stdout).unwrap();
    assert_eq!(v["reason"]["code"], "EXPIRED");

    // One character changed in the Base45 text.
    let mut tampered = hc1.clone().into_bytes();
    let i = tampered.len() / 2;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let bad = run(
        &[
            "verify",
            std::str::from_utf8(&tampered).unwrap(),
            "--trust",
            pem,
            "--at",
            at,
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(1));

    // Usage and I/O errors: exit 2.
    assert_eq!(
        run(&["verify", &hc1, "--trust", "/nonexistent.pem"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["verify", &hc1, "--trust", pem, "--at", "yesterday"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["verify", &hc1], None).status.code(), Some(2));
    assert_eq!(
        run(&["verify", "no/such/file.png", "--trust", pem], None)
            .status
            .code(),
        Some(2)
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn decode_from_text_file_and_image() {
    let dir = tmp();
    let (_, hc1) = fixture(&dir);
    let file = dir.join("cert.txt");
    std::fs::write(&file, format!("{hc1}\n")).unwrap();
    let out = run(&["decode", file.to_str().unwrap(), "--json"], None);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["cose"]["alg"], "ES256");
    assert_eq!(v["claims"]["iss"], "VN");
    assert_eq!(v["payload"]["v"][0]["dn"], 3);

    // A QR image of it (rendered with a real QR encoder).
    let code =
        qrcode::QrCode::with_error_correction_level(hc1.as_bytes(), qrcode::EcLevel::Q).unwrap();
    let img = code
        .render::<image::Luma<u8>>()
        .module_dimensions(3, 3)
        .build();
    let png = dir.join("cert.png");
    img.save(&png).unwrap();
    let out = run(&["decode", png.to_str().unwrap()], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("URN:UVCI:01:VN:CLI0TEST"));

    // Not a certificate: exit 1 with code and message.
    let out = run(&["decode", "HC1:not base45"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("BASE45_INVALID_CHAR"));
    // A garbage image: exit 1, clear error.
    let junk = dir.join("junk.png");
    std::fs::write(&junk, b"\x89PNG\r\n\x1a\nthis is not a png").unwrap();
    let out = run(&["decode", junk.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("IMAGE_UNREADABLE"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn qr_draws_images_that_read_back() {
    let dir = tmp();
    let (_, hc1) = fixture(&dir);
    for (ext, ecc) in [("png", "Q"), ("png", "L"), ("svg", "H")] {
        let out = dir.join(format!("code-{ecc}.{ext}"));
        let o = run(
            &["qr", &hc1, "--out", out.to_str().unwrap(), "--ecc", ecc],
            None,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        if ext == "png" {
            // The image reads back as the same text.
            let o = run(&["decode", out.to_str().unwrap(), "--json"], None);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        } else {
            let svg = std::fs::read_to_string(&out).unwrap();
            assert!(
                svg.starts_with("<svg") || svg.starts_with("<?xml"),
                "{svg:.40}"
            );
        }
    }
    // An out-of-range scale, an unknown level, and text no QR code holds: usage errors.
    let png = dir.join("x.png");
    let o = run(
        &["qr", &hc1, "--out", png.to_str().unwrap(), "--scale", "65"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &["qr", &hc1, "--out", png.to_str().unwrap(), "--ecc", "X"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let long = format!("HC1:{}", "A".repeat(5000));
    let o = run(
        &["qr", &long, "--out", dir.join("x.png").to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
}
