//! Untrusted input never panics and always fails with an error of the right stage.
#![allow(clippy::unwrap_used)]

mod support;

use hcert::CborValue as Value;
use hcert::{Stage, Status, UnixTime};
use proptest::prelude::*;

fn zlib(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn encode(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).unwrap();
    out
}

fn hc1(bytes: &[u8]) -> String {
    format!("HC1:{}", base45::encode(bytes))
}

fn arb_cbor() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|i| Value::Integer(i.into())),
        proptest::collection::vec(any::<u8>(), 0..70).prop_map(Value::Bytes),
        ".{0,8}".prop_map(Value::Text),
        Just(Value::Null),
        any::<f64>().prop_map(Value::Float),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((inner.clone(), inner.clone()), 0..5).prop_map(Value::Map),
            (
                prop_oneof![Just(18u64), Just(61), Just(0), any::<u64>()],
                inner
            )
                .prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
        ]
    })
}

/// A COSE_Sign1-shaped value with arbitrary headers and an arbitrary CBOR payload, to reach
/// the CWT and payload layers.
fn arb_sign1() -> impl Strategy<Value = Value> {
    (
        arb_cbor(),
        arb_cbor(),
        arb_cbor(),
        proptest::collection::vec(any::<u8>(), 0..80),
    )
        .prop_map(|(protected, unprotected, payload, sig)| {
            let unprotected = match unprotected {
                Value::Map(m) => Value::Map(m),
                other => Value::Map(vec![(Value::Integer(4.into()), other)]),
            };
            Value::Tag(
                18,
                Box::new(Value::Array(vec![
                    Value::Bytes(encode(&protected)),
                    unprotected,
                    Value::Bytes(encode(&payload)),
                    Value::Bytes(sig),
                ])),
            )
        })
}

fn not_valid(text: &str) -> Result<(), TestCaseError> {
    let v = hcert::verify(text, &hcert::TrustStore::new(), UnixTime(1_650_000_000));
    prop_assert_ne!(v.status(), Status::Valid);
    prop_assert!(v.reason().is_some(), "every rejection carries a reason");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(s in ".{0,300}") {
        match hcert::decode(&s) {
            Ok(_) => prop_assert!(false, "random text decoded"),
            Err(e) => prop_assert!(matches!(e.stage(), Stage::Input | Stage::Prefix | Stage::Base45 | Stage::Decompress | Stage::Decode)),
        }
        not_valid(&s)?;
    }

    #[test]
    fn arbitrary_bytes_behind_a_valid_prefix(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        let e = hcert::decode(&hc1(&data)).unwrap_err();
        prop_assert!(matches!(e.stage(), Stage::Decompress | Stage::Decode), "{e}");
    }

    #[test]
    fn arbitrary_compressed_bytes(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        let e = hcert::decode(&hc1(&zlib(&data))).unwrap_err();
        prop_assert_eq!(e.stage(), Stage::Decode, "{}", e);
    }

    #[test]
    fn arbitrary_cbor_structures(v in arb_sign1()) {
        let text = hc1(&zlib(&encode(&v)));
        if let Err(e) = hcert::decode(&text) {
            prop_assert_eq!(e.stage(), Stage::Decode, "{}", e);
        }
        not_valid(&text)?;
    }
}

/// Every prefix of a real certificate is rejected, and so is every single-character
/// substitution within the Base45 text.
#[test]
fn truncations_and_substitutions_of_a_real_certificate() {
    use support::*;
    let f = hcert::default_key_factory();
    let signer = Signer::new(f, hcert::Algorithm::Es256, &[]);
    let trust = signer.trust(hcert::default_backend());
    let hc1 = issue(
        &mut signer.issuer(f),
        &vaccination("Đặng", "Văn Đức", 1),
        T0,
        30,
    );
    let at = UnixTime(T0.0 + DAY);
    assert!(hcert::verify(&hc1, &trust, at).is_valid());
    for n in 0..hc1.len() {
        assert!(
            !hcert::verify(&hc1[..n], &trust, at).is_valid(),
            "prefix {n}"
        );
    }
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    for (i, c) in hc1.bytes().enumerate().skip(4).step_by(7) {
        let replacement = alphabet[(alphabet.iter().position(|&a| a == c).unwrap() + 1) % 45];
        let mut changed = hc1.clone().into_bytes();
        changed[i] = replacement;
        let changed = String::from_utf8(changed).unwrap();
        let v = hcert::verify(&changed, &trust, at);
        assert!(!v.is_valid(), "substitution at {i}");
        assert!(v.reason().is_some());
    }
}
