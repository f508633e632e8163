//! What a worker writes per certificate, into buffers it reuses: the UVCI, the DCC payload as
//! CBOR and the `certificates.jsonl` line.
//!
//! Each has a reference form built with the crates: `batch::uvci`'s former `format!` and hex
//! strings (kept in the tests), `batch::payload` (a `ciborium::Value` tree, still built for
//! the self-check) and `batch::CertLine` through serde_json. The writers here give the same
//! bytes without allocating; property tests (`tests/write.rs`) check each against its
//! reference, JSON escaping of quotes, backslashes, control characters and Vietnamese letters
//! included. (`batch` calls this module, never the reverse.)
//!
//! Why: per certificate on one core, the reference forms cost 0.42 µs (UVCI), 0.57 µs (payload
//! tree) and 0.56 µs (serde_json line), stages of `./dev bench-issue` before this module
//! (2026-11-30); with these writers the same stages take 0.18 µs, 0.08 µs and 0.25 µs (the line
//! figure includes copying the HC1 text, which a worker writes in place instead).

use hcert::CborWriter;
use sha2::{Digest as _, Sha256};

pub use crate::clean::push_date;
use crate::clean::Clean;

/// Issuer display name in `is` (≤ 80 characters).
pub const ISSUER_NAME: &str = "Ministry of Health of Viet Nam";
/// Schema version of issued payloads (the Vietnamese production format).
pub const SCHEMA_VERSION: &str = "1.3.0";
/// COVID-19 (SNOMED CT).
pub const DISEASE: &str = "840539006";

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// How serde_json escapes each byte of a string: 0 not at all, `u` as `\u00xx`, else a
/// backslash and this letter (one table look-up a byte, as serde_json does).
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[b'\t' as usize] = b't';
    table[b'\n' as usize] = b'n';
    table[0x0C] = b'f';
    table[b'\r' as usize] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// The UVCI of a record's certificate into `out` (cleared first); `dt` is the latest dose's
/// date as text (`c.dt.to_string()`). See `batch::uvci`.
pub fn uvci_into(secret: &[u8], country: &str, c: &Clean, dt: &str, out: &mut String) {
    let mut h = Sha256::new();
    h.update(secret);
    for part in [c.record_id.as_bytes(), &c.dn.to_be_bytes(), dt.as_bytes()] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part);
    }
    let digest = h.finalize();
    out.clear();
    out.push_str("URN:UVCI:01:");
    out.push_str(country);
    out.push(':');
    let mut hex = [0u8; 32];
    for (pair, &b) in hex.as_chunks_mut::<2>().0.iter_mut().zip(&digest[..16]) {
        *pair = [
            HEX_UPPER[usize::from(b >> 4)],
            HEX_UPPER[usize::from(b & 15)],
        ];
    }
    out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
    if let Some(check) = hcert::check_character(out) {
        out.push('#');
        out.push(check);
    }
}

/// Appends the DCC payload of a cleaned record as CBOR to `out`: the bytes ciborium writes for
/// `batch::payload`. `dt` is `c.dt` as text.
pub fn payload_into(c: &Clean, dt: &str, uvci: &str, country: &str, out: &mut Vec<u8>) {
    let mut w = CborWriter::new(out);
    w.map(4).text("ver").text(SCHEMA_VERSION).text("nam");
    if c.given.is_empty() {
        w.map(2);
    } else {
        w.map(4);
    }
    w.text("fn").text(&c.family).text("fnt").text(&c.family_t);
    if !c.given.is_empty() {
        w.text("gn").text(&c.given).text("gnt").text(&c.given_t);
    }
    w.text("dob").text(&c.dob).text("v").array(1).map(10);
    w.text("tg").text(DISEASE);
    w.text("vp").text(c.vaccine.vp);
    w.text("mp").text(c.vaccine.mp);
    w.text("ma").text(c.vaccine.ma);
    w.text("dn").uint(c.dn.into());
    w.text("sd").uint(c.sd.into());
    w.text("dt").text(dt);
    w.text("co").text(country);
    w.text("is").text(ISSUER_NAME);
    w.text("ci").text(uvci);
}

/// Appends `s` as serde_json writes the contents of a string (without the quotes): `"` and
/// `\` escaped with a backslash, control characters below U+0020 as `\b \t \n \f \r` or
/// `\u00xx`, everything else (DEL and all non-ASCII included) as it is.
pub fn json_str_body(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(b)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if escape == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX_LOWER[usize::from(b >> 4)]);
            out.push(HEX_LOWER[usize::from(b & 15)]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends `s` as a JSON string, as serde_json writes it.
pub fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    json_str_body(out, s);
    out.push(b'"');
}

/// Appends the start of a `certificates.jsonl` line, up to the opening quote of `hc1`: the
/// `HC1:` text follows, then [`line_end`].
pub fn line_start(out: &mut Vec<u8>, record_id: &str, uvci: &str) {
    out.extend_from_slice(b"{\"record_id\":");
    json_str(out, record_id);
    out.extend_from_slice(b",\"uvci\":");
    json_str(out, uvci);
    out.extend_from_slice(b",\"hc1\":\"");
}

/// Appends the rest of a `certificates.jsonl` line after the `HC1:` text, newline included.
pub fn line_end(out: &mut Vec<u8>, kid: &str, iat: &str, exp: &str, qr: Option<&str>) {
    out.extend_from_slice(b"\",\"kid\":");
    json_str(out, kid);
    out.extend_from_slice(b",\"iat\":");
    json_str(out, iat);
    out.extend_from_slice(b",\"exp\":");
    json_str(out, exp);
    if let Some(qr) = qr {
        out.extend_from_slice(b",\"qr\":");
        json_str(out, qr);
    }
    out.extend_from_slice(b"}\n");
}
