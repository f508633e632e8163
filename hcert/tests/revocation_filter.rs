//! The offline revocation filter at national scale: 1,000,000 revoked UCIs, 1,000,000 others.
#![allow(clippy::unwrap_used)]

use hcert::{filter_key as key_of, uci_hash, FilterWidth as Width, FuseFilter};

fn uci(i: u64, salt: &str) -> String {
    format!("URN:UVCI:01:VN:{salt}{i:012}#X")
}

#[test]
fn a_million_revoked_and_a_million_others() {
    let revoked: Vec<u64> = (0..1_000_000)
        .map(|i| key_of(&uci_hash(&uci(i, "R"))))
        .collect();
    let filter = FuseFilter::build(&revoked, Width::Bits24).unwrap();
    assert!(
        revoked.iter().all(|&k| filter.contains(k)),
        "a revoked UCI was missed"
    );
    let false_positives = (0..1_000_000)
        .filter(|&i| filter.contains(key_of(&uci_hash(&uci(i, "OK")))))
        .count();
    let bytes = filter.to_bytes().len();
    println!(
        "revocation filter: 1,000,000 entries, {bytes} bytes ({:.3} bytes/entry), {false_positives} false positives in 1,000,000 lookups (expected {:.3})",
        bytes as f64 / 1e6,
        1e6 / f64::from(1u32 << 24)
    );
    assert!(bytes as f64 / 1e6 <= 4.0);
    // Poisson with mean 0.06: more than 3 has a probability of about 3·10⁻⁷.
    assert!(false_positives <= 3, "{false_positives} false positives");
}
