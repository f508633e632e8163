//! Sign → verify round trips (property tests), across algorithms, key factories and
//! verification backends: a certificate made by any backend verifies with every backend.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::OnceLock;

use hcert::{self as crypto, Algorithm};
use hcert::{Status, UnixTime};
use proptest::prelude::*;
use support::*;

/// Keys are expensive (RSA); make one signer per (factory, algorithm) for the whole run.
fn signers() -> &'static Vec<(&'static dyn crypto::KeyFactory, Signer)> {
    static SIGNERS: OnceLock<Vec<(&'static dyn crypto::KeyFactory, Signer)>> = OnceLock::new();
    SIGNERS.get_or_init(|| {
        let mut v = Vec::new();
        for f in crypto::key_factories() {
            for alg in [Algorithm::Es256, Algorithm::Ps256] {
                v.push((f, Signer::new(f, alg, &[])));
            }
        }
        v
    })
}

fn name() -> impl Strategy<Value = String> {
    // Vietnamese letters, spaces, hyphens, and the odd astral character.
    proptest::string::string_regex("[A-Za-zĐđĂăÂâÊêÔôƠơƯưÀ-ỹ' -]{1,40}|😀{1,3}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn issued_certificates_verify_and_decode_to_the_same_payload(
        family in name(),
        given in name(),
        dn in 1u64..10,
        which in 0usize..4,
        days in 1i64..400,
    ) {
        let (factory, signer) = &signers()[which % signers().len()];
        let payload = vaccination(&family, &given, dn);
        let iat = UnixTime(T0.0 + DAY);
        let hc1 = issue(&mut signer.issuer(*factory), &payload, iat, days);
        for backend in crypto::backends() {
            let v = hcert::verify(&hc1, &signer.trust(backend), UnixTime(iat.0 + days * DAY / 2));
            prop_assert_eq!(v.status(), Status::Valid, "{} by {:?}: {:?}", backend.name(), signer.alg, v.reason());
            prop_assert_eq!(&v.decoded.as_ref().unwrap().dcc.json, &payload);
        }
    }

    #[test]
    fn any_change_to_the_signed_message_breaks_the_signature(
        which in 0usize..4,
        position in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let (factory, signer) = &signers()[which % signers().len()];
        let mut issuer = signer.issuer(*factory);
        let hc1 = issue(&mut issuer, &vaccination("Lê", "Thị Hoa", 1), UnixTime(T0.0 + DAY), 30);
        let d = hcert::decode(&hc1).unwrap();
        // Alter one byte of the signed payload and re-encode the message with the old signature.
        let mut payload = d.cose.payload().to_vec();
        let i = position.index(payload.len());
        payload[i] ^= flip;
        let message = hcert::CborValue::Tag(18, Box::new(hcert::CborValue::Array(vec![
            hcert::CborValue::Bytes(d.cose.protected_bytes().to_vec()),
            hcert::CborValue::Map(vec![]),
            hcert::CborValue::Bytes(payload),
            hcert::CborValue::Bytes(d.cose.signature().to_vec()),
        ])));
        let mut forged = Vec::new();
        ciborium::ser::into_writer(&message, &mut forged).unwrap();
        let forged = issuer.encode(&forged);
        for backend in crypto::backends() {
            let v = hcert::verify(&forged, &signer.trust(backend), UnixTime(T0.0 + 2 * DAY));
            prop_assert_ne!(v.status(), Status::Valid);
        }
    }
}
