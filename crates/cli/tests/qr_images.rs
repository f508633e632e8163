//! Reading QR codes from real images: the member states' QR renders damaged the way cameras
//! spoil them, and the public Vietnamese sample (a JPEG).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use base64::Engine as _;
use vaxpass_picture as picture;
use vaxpass_testkit::degrade::{self, Degradation};

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("VAXPASS_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n========== SKIP: shared data not found at {} ==========\n",
            dir.display()
        );
        None
    }
}

/// (PNG bytes, the text it holds) for every `stride`-th suite file with a QR image.
fn samples(shared: &std::path::Path, stride: usize) -> Vec<(Vec<u8>, String)> {
    let dir = shared.join("conformance/dgc-testdata");
    let files = vaxpass::conformance::test_files(&dir).unwrap();
    files
        .iter()
        .filter_map(|f| {
            let t: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(f).ok()?).ok()?;
            let png = base64::engine::general_purpose::STANDARD
                .decode(t.get("2DCODE")?.as_str()?)
                .ok()?;
            let prefix = t.get("PREFIX")?.as_str()?.to_string();
            // Only images that hold their PREFIX (a few suite files disagree on purpose).
            (picture::read_qr(&png).ok()?.first()? == &prefix).then_some((png, prefix))
        })
        .step_by(stride)
        .collect()
}

#[test]
fn degraded_real_codes_are_still_read() {
    let Some(shared) = shared() else { return };
    let samples = samples(&shared, 25);
    assert!(samples.len() >= 15, "only {} samples", samples.len());
    let mut total = 0;
    let mut read = 0;
    let mut misses = Vec::new();
    for (i, (png, text)) in samples.iter().enumerate() {
        let grey = image::load_from_memory(png).unwrap().into_luma8();
        let module = degrade::module_size(&grey);
        assert!(
            module > 1.5,
            "sample {i}: module size {module} not measured"
        );
        if i == 0 {
            println!(
                "sample 0: {}x{}, {module:.2} px modules",
                grey.width(),
                grey.height()
            );
        }
        for d in degrade::STANDARD {
            let frame = degrade::apply(&grey, d, i as u64);
            let mut bytes = Vec::new();
            frame
                .write_to(
                    &mut std::io::Cursor::new(&mut bytes),
                    image::ImageFormat::Png,
                )
                .unwrap();
            total += 1;
            match picture::read_qr(&bytes) {
                Ok(texts) if texts.first() == Some(text) => read += 1,
                Ok(_) => panic!("sample {i} with {} read as different text", d.label()),
                Err(e) => misses.push(format!("sample {i}: {} ({})", d.label(), e.code())),
            }
        }
    }
    let share = read as f64 / total as f64;
    println!(
        "read {read}/{total} degraded frames ({:.1}%); missed: {misses:?}",
        share * 100.0
    );
    assert!(share >= 0.95, "read only {read}/{total}: {misses:?}");
}

/// Codes cut at the frame edge are read thanks to the padded second pass.
#[test]
fn codes_touching_the_edge() {
    let Some(shared) = shared() else { return };
    for (png, text) in samples(&shared, 60) {
        let grey = image::load_from_memory(&png).unwrap().into_luma8();
        let frame = degrade::apply(&grey, Degradation::EdgeCrop, 0);
        let luma = frame.as_raw();
        let found = hcert::decode_qr(
            hcert::LumaImage {
                width: frame.width(),
                height: frame.height(),
                pixels: luma,
            },
            hcert::QrStrategy::FastFirst,
        )
        .unwrap();
        assert_eq!(found[0], text);
    }
}

/// The only public Vietnamese sample: a JPEG (named .png upstream), PS256, EC level L.
#[test]
fn vietnamese_sample_jpeg() {
    let Some(shared) = shared() else { return };
    let bytes = std::fs::read(shared.join("reference/data/samples/VN/VAC_VN.jpg")).unwrap();
    let text = picture::read_qr(&bytes).unwrap().remove(0);
    assert!(text.starts_with("HC1:"));
    let d = hcert::decode(&text).unwrap();
    assert_eq!(d.cose.algorithm().unwrap(), hcert::Algorithm::Ps256);
    assert_eq!(
        base64::engine::general_purpose::STANDARD.encode(d.cose.kid().unwrap()),
        "8w2kZxb3iC0="
    );
    assert_eq!(d.claims.iss.as_deref(), Some("VN"));
    assert_eq!(d.claims.iat, Some(hcert::UnixTime(1_649_950_687)));
    assert_eq!(d.dcc.nam().transliterated(), "NGUYEN<<BAO<DUY");
    assert_eq!(d.dcc.ver(), Some("1.3.0"));
    assert_eq!(
        hcert::validate_schema(&d.dcc.json).map(|v| v.id()),
        Ok("1.3.0")
    );
}
