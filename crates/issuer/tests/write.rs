//! The hand-written writers of `vaxpass_issuer::write` against their reference forms: the
//! UVCI as `format!` and hex strings wrote it, the payload as ciborium encodes
//! `batch::payload`, the jsonl line as serde_json writes `CertLine`, dates as `Display`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hcert::Date;
use proptest::prelude::*;
use sha2::{Digest as _, Sha256};
use vaxpass_issuer::batch::{self, CertLine};
use vaxpass_issuer::clean::{push_date, Clean};
use vaxpass_issuer::vaccines;
use vaxpass_issuer::write::{json_str_body, line_end, line_start, payload_into, uvci_into};

/// Text with what JSON escaping and CBOR lengths care about: quotes, backslashes, every
/// control character, DEL, Vietnamese letters (precomposed and decomposed), U+2028, and
/// strings long enough for 1- and 2-byte CBOR length heads.
fn text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '"', '\\', '/', '\u{0}', '\u{8}', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', '\u{7f}',
        'ạ', 'Đ', 'ễ', '\u{303}', '\u{2028}', '😷', ' ',
    ]);
    let ch = prop_oneof![
        3 => special,
        3 => prop::char::range(' ', '~'),
        1 => (0u8..0x20).prop_map(char::from),
        2 => any::<char>(),
    ];
    prop_oneof![
        prop::collection::vec(ch.clone(), 0..40),
        prop::collection::vec(ch, 250..300),
    ]
    .prop_map(|v| v.into_iter().collect())
}

/// The UVCI as batch::uvci wrote it before uvci_into (hex and format! strings).
fn uvci_reference(secret: &[u8], country: &str, c: &Clean) -> String {
    let mut h = Sha256::new();
    h.update(secret);
    for part in [
        c.record_id.as_bytes(),
        &c.dn.to_be_bytes(),
        c.dt.to_string().as_bytes(),
    ] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part);
    }
    let digest = h.finalize();
    let body = format!(
        "URN:UVCI:01:{country}:{}",
        base16ct::lower::encode_string(&digest[..16]).to_ascii_uppercase()
    );
    hcert::with_check_character(&body).unwrap_or(body)
}

fn clean() -> impl Strategy<Value = Clean> {
    let vaccine = prop::sample::select(vec!["Pfizer", "AstraZeneca", "Vero Cell", "Moderna"]);
    (
        (text(), text(), text(), text(), text()),
        text(),
        (
            0u32..5,
            prop_oneof![0u32..30, Just(u32::MAX)],
            0u32..100_000,
        ),
        (1900i32..2100, 1u8..13, 1u8..29),
        vaccine,
    )
        .prop_map(
            |((record_id, family, given, family_t, given_t), dob, (dn, sd, n), (y, m, d), v)| {
                Clean {
                    record_id,
                    family,
                    // An empty given name leaves gn and gnt out.
                    given: if n % 3 == 0 { String::new() } else { given },
                    family_t,
                    given_t,
                    dob,
                    dn: dn * n,
                    sd,
                    dt: Date::new(y, m, d).unwrap(),
                    vaccine: vaccines::lookup(v).unwrap(),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    /// Payload bytes as ciborium writes batch::payload (in the CWT claims, as the issuer
    /// embeds them); the UVCI as before.
    #[test]
    fn payload_and_uvci_as_the_references(
        c in clean(),
        secret in prop::collection::vec(any::<u8>(), 0..40),
        country in prop::sample::select(vec!["VN", "vn", "XK", "ĐĐ"]),
    ) {
        let dt = c.dt.to_string();
        let mut uvci = "stale".to_string();
        uvci_into(&secret, country, &c, &dt, &mut uvci);
        prop_assert_eq!(&uvci, &uvci_reference(&secret, country, &c));
        prop_assert_eq!(&uvci, &batch::uvci(&secret, country, &c));
        // ciborium's bytes for the payload, inside the CWT claims hcert encodes with it.
        let claims = hcert::encode_claims(
            "VN", hcert::UnixTime(0), hcert::UnixTime(0), batch::payload(&c, &uvci, country),
        ).unwrap();
        let mut out = b"\xA4\x01\x62VN\x04\x00\x06\x00\x39\x01\x03\xA1\x01".to_vec();
        payload_into(&c, &dt, &uvci, country, &mut out);
        prop_assert_eq!(&out, &claims);
    }

    /// Dates as Display writes them.
    #[test]
    fn dates_as_display(year in prop_oneof![0i32..10_000, any::<i32>()], month: u8, day: u8) {
        let d = Date { year, month, day };
        let mut out = "x".to_string();
        push_date(&mut out, d);
        prop_assert_eq!(out, format!("x{d}"));
    }

    /// The line as serde_json writes CertLine, with and without a QR path.
    #[test]
    fn line_as_serde_json(
        fields in (text(), text(), text(), text(), text(), text()),
        qr in proptest::option::of(text()),
    ) {
        let (record_id, uvci, hc1, kid, iat, exp) = fields;
        let line = CertLine {
            record_id: &record_id,
            uvci: &uvci,
            hc1: &hc1,
            kid: &kid,
            iat: &iat,
            exp: &exp,
            qr: qr.as_deref(),
        };
        let mut expected = serde_json::to_vec(&line).unwrap();
        expected.push(b'\n');
        prop_assert_eq!(&line.to_line().unwrap(), &expected);
        let mut out = b"x".to_vec();
        line_start(&mut out, &record_id, &uvci);
        json_str_body(&mut out, &hc1);
        line_end(&mut out, &kid, &iat, &exp, qr.as_deref());
        prop_assert_eq!(&out[1..], &expected[..]);
    }
}
