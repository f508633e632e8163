//! Revocation building blocks (HCERT.md §5): the EU revocation hashes of a certificate, and a
//! compact probabilistic set of them for offline checking.
//!
//! The set is a binary fuse filter (Graf & Lemire, "Binary Fuse Filters", 2022): with 24-bit
//! fingerprints about 3.4 bytes per revoked certificate and a false-positive rate of
//! 2⁻²⁴ ≈ 6·10⁻⁸ per lookup, three memory reads per lookup, no false negatives. A published
//! list is a base filter plus small delta filters with 32-bit fingerprints (2⁻³² each), so a
//! daily update downloads only the new delta; the publisher folds the deltas into a new base
//! before their false-positive rates add up past [`MAX_FALSE_POSITIVE_RATE`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::crypto::Algorithm;
use crate::error::{Error, Result, TrustListErrorKind};
use crate::time::UnixTime;
use crate::verify::Decoded;

/// The highest false-positive rate a published filter (base and deltas together) may have.
pub const MAX_FALSE_POSITIVE_RATE: f64 = 1e-7;

/// The EU revocation hash types (HCERT.md §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashType {
    /// The COSE signature (for ES256 only `r`, its first half).
    Signature,
    /// The `ci` string.
    Uci,
    /// The issuing country (CWT `iss`) followed by `ci`.
    CountryCodeUci,
}

impl HashType {
    /// Every type.
    pub const ALL: [HashType; 3] = [HashType::Signature, HashType::Uci, HashType::CountryCodeUci];

    /// The gateway's name (`SIGNATURE`, `UCI`, `COUNTRYCODEUCI`).
    pub fn name(self) -> &'static str {
        match self {
            HashType::Signature => "SIGNATURE",
            HashType::Uci => "UCI",
            HashType::CountryCodeUci => "COUNTRYCODEUCI",
        }
    }

    /// From the gateway's name.
    pub fn from_name(name: &str) -> Option<HashType> {
        HashType::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Why a certificate or a signer was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// Issued on wrong data (wrong person, dose or date).
    WrongData,
    /// Obtained or sold by fraud.
    Fraud,
    /// The key that signed it is compromised.
    KeyCompromise,
    /// Replaced by a newer certificate.
    Superseded,
}

impl Reason {
    /// Every reason.
    pub const ALL: [Reason; 4] = [
        Reason::WrongData,
        Reason::Fraud,
        Reason::KeyCompromise,
        Reason::Superseded,
    ];

    /// The code used on the command line and in the log.
    pub fn code(self) -> &'static str {
        match self {
            Reason::WrongData => "wrong-data",
            Reason::Fraud => "fraud",
            Reason::KeyCompromise => "key-compromise",
            Reason::Superseded => "superseded",
        }
    }

    /// From [`Reason::code`].
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Plain English.
    pub fn description(self) -> &'static str {
        match self {
            Reason::WrongData => "it was issued with wrong data",
            Reason::Fraud => "it was obtained by fraud",
            Reason::KeyCompromise => "the key that signed it is compromised",
            Reason::Superseded => "it was replaced by a newer certificate",
        }
    }
}

/// SHA-256 truncated to 16 bytes.
pub fn hash16(bytes: &[u8]) -> [u8; 16] {
    let d = Sha256::digest(bytes);
    let mut out = [0u8; 16];
    out.copy_from_slice(&d[..16]);
    out
}

/// The COUNTRYCODEUCI hash: SHA-256 of the issuing country followed by the UCI, truncated to
/// 16 bytes (hashed in place, without joining the strings). The portal's filters hold these.
pub fn country_uci_hash(country: &str, ci: &str) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(country.as_bytes());
    h.update(ci.as_bytes());
    let d = h.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&d[..16]);
    out
}

/// The revocation hash of `kind` for a certificate given by its COSE algorithm and signature,
/// CWT issuer and `ci`. `None` when the certificate lacks what the type needs.
pub fn hash_of(
    kind: HashType,
    alg: Option<Algorithm>,
    signature: &[u8],
    iss: Option<&str>,
    ci: Option<&str>,
) -> Option<[u8; 16]> {
    match kind {
        HashType::Signature => {
            if signature.is_empty() {
                return None;
            }
            let part = match alg {
                // ECDSA signatures are malleable in `s`: only `r` identifies the certificate.
                Some(Algorithm::Es256) => signature.get(..signature.len() / 2)?,
                _ => signature,
            };
            Some(hash16(part))
        }
        HashType::Uci => ci.map(|c| hash16(c.as_bytes())),
        HashType::CountryCodeUci => Some(country_uci_hash(iss?, ci?)),
    }
}

/// The revocation hashes of a decoded certificate, for every type it supports.
pub fn hashes(decoded: &Decoded) -> Vec<(HashType, [u8; 16])> {
    let alg = decoded.cose.algorithm().ok();
    let ci = decoded.dcc.single_entry().ok().and_then(|e| e.ci());
    HashType::ALL
        .into_iter()
        .filter_map(|t| {
            hash_of(
                t,
                alg,
                &decoded.cose.signature,
                decoded.claims.iss.as_deref(),
                ci,
            )
            .map(|h| (t, h))
        })
        .collect()
}

/// The filter key of a revocation hash: its first eight bytes (the hash is uniform already).
pub fn key_of(hash: &[u8; 16]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&hash[..8]);
    u64::from_be_bytes(b)
}

fn murmur64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Largest filter [`FuseFilter::from_bytes`] accepts (about 40 million entries).
pub const MAX_FILTER_BYTES: usize = 160 << 20;

/// Fingerprint width of a [`FuseFilter`]: the false-positive rate is 2⁻ᵇⁱᵗˢ per lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Width {
    /// 24 bits: about 3.4 bytes per key, false positives 6.0·10⁻⁸ (large base slices).
    Bits24,
    /// 32 bits: about 4.5 bytes per key, false positives 2.3·10⁻¹⁰ (small delta slices).
    Bits32,
}

impl Width {
    fn bytes(self) -> usize {
        match self {
            Width::Bits24 => 3,
            Width::Bits32 => 4,
        }
    }

    /// Fingerprint bits.
    pub fn bits(self) -> u32 {
        8 * self.bytes() as u32
    }

    /// The chance that a key not in the filter is reported as a member.
    pub fn false_positive_rate(self) -> f64 {
        (-f64::from(self.bits())).exp2()
    }

    /// The width with this many fingerprint bits.
    pub fn from_bits(bits: u32) -> Option<Width> {
        [Width::Bits24, Width::Bits32]
            .into_iter()
            .find(|w| w.bits() == bits)
    }

    fn mask(self) -> u32 {
        match self {
            Width::Bits24 => (1 << 24) - 1,
            Width::Bits32 => u32::MAX,
        }
    }

    fn magic(self) -> &'static [u8; 4] {
        match self {
            Width::Bits24 => b"VX24",
            Width::Bits32 => b"VX32",
        }
    }
}

/// A binary fuse filter over 64-bit keys with 24- or 32-bit fingerprints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuseFilter {
    width: Width,
    seed: u64,
    segment_length: u32,
    segment_count_length: u32,
    /// Number of keys it was built from.
    len: u32,
    /// `width × array_length` bytes, little-endian fingerprints.
    fingerprints: Vec<u8>,
}

struct Layout {
    segment_length: u32,
    segment_count_length: u32,
    array_length: u32,
}

fn layout(size: u32) -> Layout {
    let segment_length: u32 = if size == 0 {
        4
    } else {
        let exp = ((f64::from(size)).ln() / 3.33f64.ln() + 2.25).floor() as i32;
        1u32 << exp.clamp(2, 18)
    };
    let size_factor = if size <= 1 {
        0.0
    } else {
        f64::max(
            1.125,
            0.875 + 0.25 * 1_000_000f64.ln() / f64::from(size).ln(),
        )
    };
    let capacity = (f64::from(size) * size_factor).round() as u32;
    let init_segment_count = capacity.div_ceil(segment_length);
    let init_segment_count = init_segment_count.saturating_sub(2);
    let array_length = (init_segment_count + 2) * segment_length;
    let mut segment_count = array_length.div_ceil(segment_length);
    segment_count = if segment_count <= 2 {
        1
    } else {
        segment_count - 2
    };
    Layout {
        segment_length,
        segment_count_length: segment_count * segment_length,
        array_length: (segment_count + 2) * segment_length,
    }
}

impl FuseFilter {
    fn positions(&self, hash: u64) -> [usize; 3] {
        positions(hash, self.segment_length, self.segment_count_length)
    }

    #[inline]
    fn get(&self, i: usize) -> u32 {
        match self.width {
            Width::Bits24 => {
                let b = &self.fingerprints[3 * i..3 * i + 3];
                u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16
            }
            Width::Bits32 => {
                let b = &self.fingerprints[4 * i..4 * i + 4];
                u32::from_le_bytes([b[0], b[1], b[2], b[3]])
            }
        }
    }

    fn set(&mut self, i: usize, v: u32) {
        let w = self.width.bytes();
        self.fingerprints[w * i..w * i + w].copy_from_slice(&v.to_le_bytes()[..w]);
    }

    fn fingerprint(&self, hash: u64) -> u32 {
        ((hash ^ (hash >> 32)) as u32) & self.width.mask()
    }

    /// Fingerprint width.
    pub fn width(&self) -> Width {
        self.width
    }

    /// Number of keys in the filter.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether it was built from no key.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of fingerprint storage.
    pub fn storage_bytes(&self) -> usize {
        self.fingerprints.len()
    }

    /// Whether `key` may be in the set: always for a key it was built from; for any other
    /// key with probability 2⁻ᵇⁱᵗˢ.
    pub fn contains(&self, key: u64) -> bool {
        if self.fingerprints.is_empty() {
            return false;
        }
        let hash = murmur64(key.wrapping_add(self.seed));
        let [a, b, c] = self.positions(hash);
        self.fingerprint(hash) == self.get(a) ^ self.get(b) ^ self.get(c)
    }

    /// Builds the filter. Duplicate keys are dropped. Fails only if the construction does not
    /// converge within 100 seeds, which for distinct keys practically never happens.
    pub fn build(keys: &[u64], width: Width) -> Result<FuseFilter> {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        let size = u32::try_from(keys.len()).map_err(|_| filter_error("too many keys"))?;
        let l = layout(size);
        let mut filter = FuseFilter {
            width,
            seed: 0,
            segment_length: l.segment_length,
            segment_count_length: l.segment_count_length,
            len: size,
            fingerprints: vec![0u8; width.bytes() * l.array_length as usize],
        };
        if size == 0 {
            filter.fingerprints.clear();
            return Ok(filter);
        }
        let capacity = l.array_length as usize;
        let n = keys.len();
        let mut rng = 0x726b_2b9d_438b_9d4d_u64;
        let mut order: Vec<u64> = vec![0; n];
        let mut order_h: Vec<u8> = vec![0; n];
        let mut t2count: Vec<u8> = vec![0; capacity];
        let mut t2hash: Vec<u64> = vec![0; capacity];
        let mut alone: Vec<u32> = vec![0; capacity];
        for _attempt in 0..100 {
            filter.seed = splitmix64(&mut rng);
            t2count.fill(0);
            t2hash.fill(0);
            let mut overflow = false;
            for &k in &keys {
                let hash = murmur64(k.wrapping_add(filter.seed));
                let p = filter.positions(hash);
                for (j, &pos) in p.iter().enumerate() {
                    let (c, o) = t2count[pos].overflowing_add(4);
                    overflow |= o;
                    t2count[pos] = c ^ (j as u8);
                    t2hash[pos] ^= hash;
                }
            }
            if overflow {
                continue;
            }
            // Peel: repeatedly take a slot that exactly one key maps to.
            let mut q = 0usize;
            for (i, &c) in t2count.iter().enumerate() {
                if c >> 2 == 1 {
                    alone[q] = i as u32;
                    q += 1;
                }
            }
            let mut stack = 0usize;
            while q > 0 {
                q -= 1;
                let index = alone[q] as usize;
                if t2count[index] >> 2 != 1 {
                    continue;
                }
                let hash = t2hash[index];
                let found = t2count[index] & 3;
                order[stack] = hash;
                order_h[stack] = found;
                stack += 1;
                let p = filter.positions(hash);
                for other in 1..3u8 {
                    let j = (found + other) % 3;
                    let o = p[j as usize];
                    if t2count[o] >> 2 == 2 {
                        alone[q] = o as u32;
                        q += 1;
                    }
                    t2count[o] = t2count[o].wrapping_sub(4) ^ j;
                    t2hash[o] ^= hash;
                }
            }
            if stack != n {
                continue;
            }
            for i in (0..n).rev() {
                let hash = order[i];
                let found = order_h[i] as usize;
                let p = filter.positions(hash);
                let v = filter.fingerprint(hash)
                    ^ filter.get(p[(found + 1) % 3])
                    ^ filter.get(p[(found + 2) % 3]);
                filter.set(p[found], v);
            }
            return Ok(filter);
        }
        Err(filter_error("construction did not converge"))
    }

    /// The serialised filter: `VX24` or `VX32`, seed, segment length, segment count length,
    /// key count (little-endian) and the fingerprints.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + self.fingerprints.len());
        out.extend_from_slice(self.width.magic());
        out.extend_from_slice(&self.seed.to_le_bytes());
        out.extend_from_slice(&self.segment_length.to_le_bytes());
        out.extend_from_slice(&self.segment_count_length.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
        out.extend_from_slice(&self.fingerprints);
        out
    }

    /// Parses [`FuseFilter::to_bytes`], checking every size against the layout its key count
    /// implies, so that a damaged file is refused instead of read out of bounds.
    pub fn from_bytes(bytes: &[u8]) -> Result<FuseFilter> {
        if bytes.len() > MAX_FILTER_BYTES {
            return Err(filter_error("filter file too large"));
        }
        let header = bytes
            .get(..24)
            .ok_or_else(|| filter_error("not a VaxPass filter"))?;
        let width = [Width::Bits24, Width::Bits32]
            .into_iter()
            .find(|w| &header[..4] == w.magic())
            .ok_or_else(|| filter_error("not a VaxPass filter"))?;
        let u32_at =
            |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&header[4..12]);
        let (segment_length, segment_count_length, len) = (u32_at(12), u32_at(16), u32_at(20));
        if len as usize > MAX_FILTER_BYTES / 3 {
            return Err(filter_error("filter key count too large"));
        }
        let l = layout(len);
        let expected = if len == 0 {
            0
        } else {
            width.bytes() * l.array_length as usize
        };
        if segment_length != l.segment_length
            || segment_count_length != l.segment_count_length
            || bytes.len() - 24 != expected
        {
            return Err(filter_error("filter sizes do not match its key count"));
        }
        Ok(FuseFilter {
            width,
            seed: u64::from_le_bytes(seed),
            segment_length,
            segment_count_length,
            len,
            fingerprints: bytes[24..].to_vec(),
        })
    }
}

/// Path of the portal's filter manifest in a published tree.
pub const FILTER_MANIFEST: &str = "revocation/filter.json";

/// Whether `path` is `revocation/filter/` + 32 lower-case hex digits + `.vx24` or `.vx32`.
pub fn is_slice_path(path: &str) -> bool {
    let Some(name) = path.strip_prefix("revocation/filter/") else {
        return false;
    };
    if name.len() != 37 || !name.is_ascii() {
        return false;
    }
    let (stem, ext) = name.split_at(32);
    stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && (ext == ".vx24" || ext == ".vx32")
}

/// One filter file of a published revocation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Slice {
    /// Path in the published tree (named after its content, so it can be cached forever).
    pub path: String,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    /// File size in bytes.
    pub size: u64,
    /// Revocations it holds.
    pub entries: u64,
    /// Fingerprint bits (24 for a base, 32 for a delta).
    pub bits: u32,
}

impl Slice {
    /// The chance that it reports a key it does not hold (0 when it holds none, or its width is
    /// unknown: such a manifest is refused when the slice is loaded).
    pub fn false_positive_rate(&self) -> f64 {
        match Width::from_bits(self.bits) {
            Some(w) if self.entries > 0 => w.false_positive_rate(),
            _ => 0.0,
        }
    }
}

/// `revocation/filter.json`: the portal's offline revocation list, a base slice and deltas.
/// Signed like the trust lists; each slice is pinned by its SHA-256 here and in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterManifest {
    /// Format version (1).
    pub version: u32,
    /// Country whose certificates it lists.
    pub country: String,
    /// What the filters hold: the first 8 bytes (big-endian) of this EU hash type.
    pub hash_type: String,
    /// Revoked certificates in all slices.
    pub entries: u64,
    /// Chance that a certificate not revoked is reported revoked (sum over the slices).
    pub false_positive_rate: f64,
    /// Base first, then deltas oldest first.
    pub slices: Vec<Slice>,
    /// Revocation-log entries covered (issuer bookkeeping for the next delta).
    pub log_entries: u64,
    /// Hex SHA-256 of the last covered log line (detects a replaced log).
    pub log_tail: String,
}

impl FilterManifest {
    /// Parses and checks the manifest.
    pub fn parse(json: &[u8]) -> Result<FilterManifest> {
        let m: FilterManifest = serde_json::from_slice(json)
            .map_err(|e| filter_error(&format!("{FILTER_MANIFEST}: {e}")))?;
        if m.version != 1 || m.hash_type != HashType::CountryCodeUci.name() {
            return Err(filter_error(
                "unsupported filter manifest version or hash type",
            ));
        }
        // Only content-named files below revocation/filter/: a manifest cannot send a reader
        // anywhere else.
        for s in &m.slices {
            if !is_slice_path(&s.path) {
                return Err(filter_error(&format!("{:?} is not a slice path", s.path)));
            }
        }
        Ok(m)
    }
}

/// The revocation data a verifier checks certificates against: probabilistic filters (the
/// published, offline form) or the exact list with reasons (the issuer's own log).
#[derive(Debug, Clone, Default)]
pub struct RevocationList {
    /// When the list was issued.
    pub issued: Option<UnixTime>,
    /// After this time the list is out of date and nothing verifies as valid.
    pub expires: Option<UnixTime>,
    filters: Vec<FuseFilter>,
    exact: Option<HashMap<[u8; 16], String>>,
    entries: u64,
}

impl RevocationList {
    /// A list from published filter slices (files given by path), each checked against the
    /// SHA-256 the manifest pins.
    pub fn from_manifest(manifest: &FilterManifest, slices: &[(&str, &[u8])]) -> Result<Self> {
        let mut filters = Vec::with_capacity(manifest.slices.len());
        for s in &manifest.slices {
            let (_, bytes) = slices
                .iter()
                .find(|(p, _)| *p == s.path)
                .ok_or_else(|| filter_error(&format!("{} is missing", s.path)))?;
            if crate::x509::hex_lower(&Sha256::digest(bytes)) != s.sha256 {
                return Err(Error::TrustListInvalid {
                    kind: TrustListErrorKind::Digest,
                    reason: format!("{}: content does not match its signed SHA-256", s.path),
                });
            }
            let f = FuseFilter::from_bytes(bytes)?;
            if f.len() as u64 != s.entries || f.width().bits() != s.bits {
                return Err(filter_error(&format!(
                    "{} does not match the manifest",
                    s.path
                )));
            }
            filters.push(f);
        }
        Ok(RevocationList {
            issued: None,
            expires: None,
            entries: filters.iter().map(|f| f.len() as u64).sum(),
            filters,
            exact: None,
        })
    }

    /// The exact list: revocation hashes (COUNTRYCODEUCI or SIGNATURE) with their reasons.
    pub fn exact(hashes: HashMap<[u8; 16], String>) -> Self {
        RevocationList {
            entries: hashes.len() as u64,
            exact: Some(hashes),
            ..RevocationList::default()
        }
    }

    /// Revoked certificates listed.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Chance that a certificate not revoked is reported revoked (0 for the exact list).
    pub fn false_positive_rate(&self) -> f64 {
        self.filters
            .iter()
            .filter(|f| !f.is_empty())
            .map(|f| f.width().false_positive_rate())
            .fold(0.0, |a, b| a + b)
    }

    /// Bytes of filter storage held in memory.
    pub fn memory_bytes(&self) -> usize {
        self.filters.iter().map(FuseFilter::storage_bytes).sum()
    }

    /// Whether the filters hold this COUNTRYCODEUCI hash.
    pub fn filters_contain(&self, hash: &[u8; 16]) -> bool {
        let key = key_of(hash);
        self.filters.iter().any(|f| f.contains(key))
    }

    /// Checks a certificate at `now`: `Revoked` (with the reason when the exact list is
    /// known), or `TrustListInvalid` when the list is out of date.
    pub fn check(&self, decoded: &Decoded, now: UnixTime) -> Result<()> {
        if let Some(exp) = self.expires.filter(|&e| now > e) {
            return Err(Error::TrustListInvalid {
                kind: TrustListErrorKind::Expired,
                reason: format!("the revocation list expired at {}", exp.rfc3339()),
            });
        }
        let ci = decoded
            .dcc
            .single_entry()
            .ok()
            .and_then(|e| e.ci())
            .ok_or(Error::ClaimMissing { claim: "ci" })?;
        let Some(iss) = decoded.claims.iss.as_deref() else {
            // Lists are per issuing country: one without `iss` is on none of them.
            return Ok(());
        };
        let ccuci = country_uci_hash(iss, ci);
        match &self.exact {
            Some(map) => match hashes(decoded).iter().find_map(|(_, h)| map.get(h)) {
                Some(reason) => Err(Error::Revoked {
                    reason: Some(reason.clone()),
                }),
                None => Ok(()),
            },
            // One hash, one lookup per slice: the filters hold COUNTRYCODEUCI keys only.
            None if self.filters_contain(&ccuci) => Err(Error::Revoked { reason: None }),
            None => Ok(()),
        }
    }
}

fn filter_error(reason: &str) -> Error {
    Error::TrustListInvalid {
        kind: TrustListErrorKind::Malformed,
        reason: format!("revocation filter: {reason}"),
    }
}

fn positions(hash: u64, segment_length: u32, segment_count_length: u32) -> [usize; 3] {
    let mask = u64::from(segment_length - 1);
    let h0 = ((u128::from(hash) * u128::from(segment_count_length)) >> 64) as u64;
    let h1 = (h0 + u64::from(segment_length)) ^ ((hash >> 18) & mask);
    let h2 = (h0 + 2 * u64::from(segment_length)) ^ (hash & mask);
    [h0 as usize, h1 as usize, h2 as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: usize, seed: u64) -> Vec<u64> {
        let mut s = seed;
        (0..n).map(|_| splitmix64(&mut s)).collect()
    }

    #[test]
    fn every_member_is_found_and_strangers_rarely() {
        for width in [Width::Bits24, Width::Bits32] {
            for n in [0usize, 1, 2, 3, 10, 100, 1000, 10_007, 100_000] {
                let ks = keys(n, n as u64 + 1);
                let f = FuseFilter::build(&ks, width).unwrap();
                assert_eq!(f.len(), n);
                assert_eq!(f.width(), width);
                assert!(ks.iter().all(|&k| f.contains(k)), "n = {n}");
                let strangers = keys(100_000, 0xdead_beef + n as u64);
                let fp = strangers.iter().filter(|&&k| f.contains(k)).count();
                assert!(fp <= 2, "n = {n}: {fp} false positives in 100 000");
                let per_key = f.storage_bytes() as f64 / n.max(1) as f64;
                let slack = if width == Width::Bits24 { 0.0 } else { 1.2 };
                if n >= 100_000 {
                    assert!(per_key < 3.6 + slack, "n = {n}: {per_key} bytes per key");
                } else if n >= 10_000 {
                    assert!(per_key < 4.0 + slack, "n = {n}: {per_key} bytes per key");
                }
                let g = FuseFilter::from_bytes(&f.to_bytes()).unwrap();
                assert_eq!(g, f);
            }
        }
    }

    #[test]
    fn duplicates_are_dropped_and_damage_refused() {
        let mut ks = keys(5000, 7);
        ks.extend_from_slice(&ks.clone()[..100]);
        let f = FuseFilter::build(&ks, Width::Bits24).unwrap();
        assert_eq!(f.len(), 5000);
        let mut other_width = f.to_bytes();
        other_width[..4].copy_from_slice(b"VX32");
        assert!(FuseFilter::from_bytes(&other_width).is_err());
        let bytes = f.to_bytes();
        for cut in [0, 3, 23, 24, bytes.len() - 1] {
            assert!(
                FuseFilter::from_bytes(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut wrong = bytes.clone();
        wrong[20..24].copy_from_slice(&100_000u32.to_le_bytes()); // sizes of another key count
        assert!(FuseFilter::from_bytes(&wrong).is_err());
        let mut wrong = bytes.clone();
        wrong[12] ^= 1; // segment length
        assert!(FuseFilter::from_bytes(&wrong).is_err());
        let mut magic = bytes;
        magic[0] = b'X';
        assert!(FuseFilter::from_bytes(&magic).is_err());
    }

    #[test]
    fn slice_paths_are_content_names_below_the_filter_directory() {
        assert!(is_slice_path(
            "revocation/filter/0123456789abcdef0123456789abcdef.vx24"
        ));
        assert!(is_slice_path(
            "revocation/filter/0123456789abcdef0123456789abcdef.vx32"
        ));
        for bad in [
            "/revocation/filter/0123456789abcdef0123456789abcdef.vx24",
            "//evil.example/0123456789abcdef0123456789abcdef.vx24",
            "revocation/filter/../../0123456789abcdef0123456.vx24",
            "revocation/filter/0123456789ABCDEF0123456789abcdef.vx24",
            "revocation/filter/0123456789abcdef0123456789abcdef.vx16",
            "revocation/filter/0123456789abcdef0123456789abcdé.vx24",
            "revocation/filter/",
        ] {
            assert!(!is_slice_path(bad), "{bad}");
        }
    }

    #[test]
    fn eu_hash_types() {
        let sig: Vec<u8> = (0u8..64).collect();
        let ci = "URN:UVCI:01:VN:ABC#K";
        let s = hash_of(
            HashType::Signature,
            Some(Algorithm::Es256),
            &sig,
            Some("VN"),
            Some(ci),
        )
        .unwrap();
        assert_eq!(s, hash16(&sig[..32]));
        let p = hash_of(
            HashType::Signature,
            Some(Algorithm::Ps256),
            &sig,
            None,
            None,
        )
        .unwrap();
        assert_eq!(p, hash16(&sig));
        assert_eq!(
            hash_of(HashType::Uci, None, &sig, None, Some(ci)),
            Some(hash16(ci.as_bytes()))
        );
        assert_eq!(
            hash_of(HashType::CountryCodeUci, None, &sig, Some("VN"), Some(ci)),
            Some(hash16(b"VNURN:UVCI:01:VN:ABC#K"))
        );
        assert_eq!(
            hash_of(HashType::CountryCodeUci, None, &sig, None, Some(ci)),
            None
        );
        assert_eq!(hash_of(HashType::Signature, None, &[], None, None), None);
        // SHA-256("abc") starts ba7816bf 8f01cfea 414140de 5dae2223.
        assert_eq!(
            crate::x509::hex_lower(&hash16(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223"
        );
        for t in HashType::ALL {
            assert_eq!(HashType::from_name(t.name()), Some(t));
        }
    }
}
