//! A binary fuse filter (Graf & Lemire, "Binary Fuse Filters: Fast and Smaller Than Xor
//! Filters", 2022) over 64-bit keys with 24- or 32-bit fingerprints: the portal's offline set
//! of revoked certificates (HCERT.md §5).
//!
//! With 24-bit fingerprints it takes about 3.4 bytes per revoked certificate at a
//! false-positive rate of 2⁻²⁴ ≈ 6·10⁻⁸ per lookup, with three memory reads per lookup and no
//! false negatives. Written here rather than taken from `xorf` because `xorf` has 8-, 16- and
//! 32-bit fingerprints only: 8 or 16 bits miss the 10⁻⁷ target, and 32 bits cost 4.5 bytes per
//! entry, so the 20-million-revocation download would grow from 67.6 MB to about 90 MB. The
//! 32-bit variant here is checked against `xorf::BinaryFuse32` as its oracle (same layout and
//! hashing, same answers).

use crate::error::{Error, Result, TrustListErrorKind};

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

fn positions(hash: u64, segment_length: u32, segment_count_length: u32) -> [usize; 3] {
    let mask = u64::from(segment_length - 1);
    let h0 = ((u128::from(hash) * u128::from(segment_count_length)) >> 64) as u64;
    let h1 = (h0 + u64::from(segment_length)) ^ ((hash >> 18) & mask);
    let h2 = (h0 + 2 * u64::from(segment_length)) ^ (hash & mask);
    [h0 as usize, h1 as usize, h2 as usize]
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

fn filter_error(reason: &str) -> Error {
    Error::TrustListInvalid {
        kind: TrustListErrorKind::Malformed,
        reason: format!("revocation filter: {reason}"),
    }
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

    /// `xorf::BinaryFuse32` as the oracle for the 32-bit variant: for the same keys it picks
    /// the same segment layout, and with its seed and fingerprints loaded into a
    /// [`FuseFilter`], every lookup (the hashing, the three positions, the fingerprint) gives
    /// the same answer as xorf's own.
    #[test]
    fn agrees_with_xorf_binary_fuse32() {
        use xorf::Filter as _;
        for n in [1usize, 10, 1000, 100_000] {
            let ks = keys(n, 7 + n as u64);
            let reference = xorf::BinaryFuse32::try_from(&ks[..]).unwrap();
            let fields = serde_json::to_value(&reference).unwrap();
            let seed = fields["seed"].as_u64().unwrap();
            let segment_length = fields["segment_length"].as_u64().unwrap() as u32;
            let segment_count_length = fields["segment_count_length"].as_u64().unwrap() as u32;
            let ours = layout(n as u32);
            assert_eq!(
                (
                    ours.segment_length,
                    ours.segment_count_length,
                    ours.array_length as usize
                ),
                (
                    segment_length,
                    segment_count_length,
                    reference.fingerprints.len()
                ),
                "layout for {n} keys"
            );
            let loaded = FuseFilter {
                width: Width::Bits32,
                seed,
                segment_length,
                segment_count_length,
                len: n as u32,
                fingerprints: reference
                    .fingerprints
                    .iter()
                    .flat_map(|f| f.to_le_bytes())
                    .collect(),
            };
            assert!(ks.iter().all(|&k| loaded.contains(k)));
            for k in keys(200_000, 99 + n as u64) {
                assert_eq!(loaded.contains(k), reference.contains(&k), "key {k}");
            }
            // And our own construction keeps every key, as xorf's does.
            let built = FuseFilter::build(&ks, Width::Bits32).unwrap();
            assert!(ks.iter().all(|&k| built.contains(k)));
        }
    }
}
