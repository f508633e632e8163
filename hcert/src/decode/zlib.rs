//! zlib (RFC 1950) inflate with a hard output cap, and deflate for issuing (hcert_spec §4.2.1,
//! HCERT.md §1.4).
//!
//! A certificate inflates to a few hundred bytes; the cap makes a decompression bomb fail after
//! at most `max_output` bytes of work and memory, whatever its claimed size.

use crate::error::{Error, Result};

/// Whether `data` starts with a well-formed zlib header using Deflate without a preset
/// dictionary (RFC 1950 §2.2).
pub(crate) fn has_zlib_header(data: &[u8]) -> bool {
    match data {
        [cmf, flg, ..] => {
            cmf & 0x0F == 8
                && cmf >> 4 <= 7
                && (u16::from(*cmf) * 256 + u16::from(*flg)) % 31 == 0
                && flg & 0x20 == 0
        }
        _ => false,
    }
}

/// Whether `data` starts like an uncompressed COSE_Sign1 message.
fn looks_like_cose(data: &[u8]) -> bool {
    matches!(data, [0xD2, 0x84, ..] | [0x84, ..] | [0xD8, 0x3D, ..])
}

/// Inflates a zlib stream, failing with [`Error::DecompressedTooLarge`] as soon as the output
/// would exceed `max_output` bytes. Data after the end of the stream, and a wrong Adler-32
/// checksum, are refused.
pub fn inflate(data: &[u8], max_output: usize) -> Result<Vec<u8>> {
    match inflate_checked(data, max_output)? {
        (out, true) => Ok(out),
        (_, false) => Err(Error::CompressionCorrupt),
    }
}

/// Like [`inflate`], but a stream that inflates completely and only fails its Adler-32 check
/// is returned with `false`, so that the caller can tell a damaged checksum from content that
/// was altered (which the signature check then reports). Everything else fails as in
/// [`inflate`].
pub(crate) fn inflate_checked(data: &[u8], max_output: usize) -> Result<(Vec<u8>, bool)> {
    if !has_zlib_header(data) {
        // Raw COSE (tag 18, a bare 4-array, or tag 61) was simply not compressed (common/Z2);
        // anything else is a broken stream (common/Z1).
        return Err(if looks_like_cose(data) {
            Error::NotCompressed
        } else {
            Error::CompressionCorrupt
        });
    }
    // Raw Deflate between the 2-byte header and the 4-byte Adler-32 trailer.
    let body = data.get(2..).unwrap_or_default();
    let (out, end) = match stored_blocks(body, max_output) {
        Some(copied) => copied,
        None => inflate_blocks(body, data.len(), max_output)?,
    };
    let Some(trailer) = body.get(end..).filter(|t| t.len() == 4) else {
        // Truncated checksum, or data after the stream.
        return Err(Error::CompressionCorrupt);
    };
    let expected = u32::from_be_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let ok = adler2::adler32_slice(&out) == expected;
    Ok((out, ok))
}

/// A Deflate body made only of stored blocks (RFC 1951 §3.2.4), as issuing at level 0 writes
/// it: copied out without an inflater, returning the data and where the blocks end. Setting up
/// an inflater (its state and window) costs about 1 µs, a fifth of all the decoding of such a
/// certificate; the copy costs 0.1 µs. Anything else — a compressed block, a malformed or
/// truncated stored block, more than `max_output` bytes — gives `None`, and flate2 reads the
/// whole stream and gives the verdict (a property test checks both agree on every input).
fn stored_blocks(body: &[u8], max_output: usize) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        // Block header: BFINAL, BTYPE = 00, padding to the byte boundary, LEN, NLEN.
        let header = *body.get(at)?;
        if header & 0b110 != 0 {
            return None;
        }
        let len = u16::from_le_bytes([*body.get(at + 1)?, *body.get(at + 2)?]);
        let nlen = u16::from_le_bytes([*body.get(at + 3)?, *body.get(at + 4)?]);
        if nlen != !len {
            return None;
        }
        let start = at + 5;
        let block = body.get(start..start + usize::from(len))?;
        if out.len() + block.len() > max_output {
            return None;
        }
        out.extend_from_slice(block);
        at = start + block.len();
        if header & 1 == 1 {
            return Some((out, at));
        }
    }
}

/// Inflates the Deflate `body` of a zlib stream of `len` bytes with flate2; returns the data
/// and where the Deflate stream ends in `body`.
fn inflate_blocks(body: &[u8], len: usize, max_output: usize) -> Result<(Vec<u8>, usize)> {
    let mut inflater = flate2::Decompress::new(false);
    // Certificates inflate to 1–3× their compressed size; start there and grow by doubling.
    let mut out: Vec<u8> = Vec::with_capacity((len * 3).max(256).min(max_output.max(1)));
    loop {
        let consumed = usize::try_from(inflater.total_in()).unwrap_or(usize::MAX);
        let input = body.get(consumed..).unwrap_or_default();
        match inflater.decompress_vec(input, &mut out, flate2::FlushDecompress::Finish) {
            Ok(flate2::Status::StreamEnd) => {
                let end = usize::try_from(inflater.total_in()).unwrap_or(usize::MAX);
                return Ok((out, end));
            }
            Ok(_) => {
                // Output full: grow up to the cap. Input exhausted without the end of the
                // stream means truncation.
                let stalled = out.len() < out.capacity();
                if stalled {
                    return Err(Error::CompressionCorrupt);
                }
                if out.len() >= max_output {
                    return Err(Error::DecompressedTooLarge { max: max_output });
                }
                let grown = out.capacity().saturating_mul(2).min(max_output);
                out.reserve_exact(grown - out.len());
            }
            Err(_) => return Err(Error::CompressionCorrupt),
        }
    }
}

#[cfg(feature = "sign")]
/// Reusable zlib compressor (for issuing): resetting one compressor is several times
/// cheaper than building a new one per certificate.
///
/// Level 0 writes stored blocks directly (header `78 01`): still a standard zlib stream that
/// every inflater reads, and for certificates — short text plus a random signature — no
/// larger than level 9 by more than a few bytes, at a fraction of the cost.
pub(crate) struct Deflater {
    inner: Option<flate2::Compress>,
}

#[cfg(feature = "sign")]
impl Deflater {
    /// A compressor at `level` (0–9). Level 9 gives the `78 DA` header most issuers use.
    pub(crate) fn new(level: u32) -> Deflater {
        Deflater {
            inner: (level > 0)
                .then(|| flate2::Compress::new(flate2::Compression::new(level.min(9)), true)),
        }
    }

    /// Compresses `data` into a complete zlib stream.
    pub(crate) fn deflate(&mut self, data: &[u8]) -> Vec<u8> {
        let Some(inner) = self.inner.as_mut() else {
            return stored(data);
        };
        inner.reset();
        // Deflate expands incompressible input by a few bytes per block at most, so this
        // capacity is enough in practice; the loop grows it if ever it is not.
        let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
        loop {
            let consumed = usize::try_from(inner.total_in())
                .unwrap_or(usize::MAX)
                .min(data.len());
            let status =
                inner.compress_vec(&data[consumed..], &mut out, flate2::FlushCompress::Finish);
            if let Ok(flate2::Status::StreamEnd) = status {
                return out;
            }
            // Out of room (the only way Finish stops short): grow and continue.
            out.reserve(out.capacity().max(64));
        }
    }
}

/// A zlib stream of stored (uncompressed) deflate blocks.
#[cfg(feature = "sign")]
fn stored(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    stored_into(data, &mut out);
    out
}

/// Longest stored deflate block.
#[cfg(feature = "sign")]
const STORED_MAX: usize = 65_535;

/// Writes `data` into `out` (cleared first) as a zlib stream of stored deflate blocks (RFC 1950,
/// RFC 1951 §3.2.4): header `78 01`, blocks of at most 65,535 bytes, Adler-32. Issuing reuses
/// `out` from one certificate to the next.
#[cfg(feature = "sign")]
pub(crate) fn stored_into(data: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.reserve(data.len() + 5 * (data.len() / STORED_MAX + 1) + 6);
    out.extend_from_slice(&[0x78, 0x01]);
    let mut chunks = data.chunks(STORED_MAX).peekable();
    if chunks.peek().is_none() {
        // One empty final block.
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xFF, 0xFF]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        let len = chunk.len() as u16;
        out.push(u8::from(last));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&adler2::adler32_slice(data).to_be_bytes());
}

#[cfg(test)]
#[cfg(feature = "sign")]
mod tests {
    use super::*;

    fn zlib(data: &[u8]) -> Vec<u8> {
        Deflater::new(9).deflate(data)
    }

    #[test]
    fn inflates_what_was_deflated() {
        let data = b"COSE_Sign1 payload".repeat(20);
        assert_eq!(inflate(&zlib(&data), 1 << 16).unwrap(), data);
        assert_eq!(inflate(&zlib(b""), 16).unwrap(), b"");
    }

    #[test]
    fn cap_is_exact() {
        let data = vec![7u8; 1000];
        assert_eq!(inflate(&zlib(&data), 1000).unwrap(), data);
        assert_eq!(
            inflate(&zlib(&data), 999),
            Err(Error::DecompressedTooLarge { max: 999 })
        );
    }

    /// dgc-testdata common/Z1 (random bytes) and Z2 (raw COSE, not compressed).
    #[test]
    fn rejects_broken_and_uncompressed_data() {
        assert_eq!(
            inflate(&[0xD2, 0x84, 0x4D, 0xA2], 1 << 16),
            Err(Error::NotCompressed)
        );
        assert_eq!(inflate(&[], 1 << 16), Err(Error::CompressionCorrupt));
        assert_eq!(
            inflate(&[0x35, 0x87, 0x22, 0x91], 1 << 16),
            Err(Error::CompressionCorrupt)
        );
        let mut z = zlib(b"hello hello hello");
        let n = z.len();
        z[n - 1] ^= 1; // Adler-32 mismatch
        assert_eq!(inflate(&z, 1 << 16), Err(Error::CompressionCorrupt));
        assert_eq!(
            inflate_checked(&z, 1 << 16),
            Ok((b"hello hello hello".to_vec(), false))
        );
        assert_eq!(
            inflate_checked(&zlib(b"hello"), 1 << 16),
            Ok((b"hello".to_vec(), true))
        );
        assert_eq!(
            inflate_checked(&z[..n - 1], 1 << 16),
            Err(Error::CompressionCorrupt)
        );
        let z = zlib(b"hello hello hello");
        assert_eq!(
            inflate(&z[..z.len() - 5], 1 << 16),
            Err(Error::CompressionCorrupt)
        );
        let mut trailing = zlib(b"hello");
        trailing.push(0);
        assert_eq!(inflate(&trailing, 1 << 16), Err(Error::CompressionCorrupt));
    }

    #[test]
    fn deflater_round_trips_and_is_reusable() {
        let mut d = Deflater::new(9);
        for data in [
            &b""[..],
            b"a",
            &b"HCERT".repeat(500),
            &(0..=255u8).collect::<Vec<_>>(),
        ] {
            let z = d.deflate(data);
            assert_eq!(&z[..2], &[0x78, 0xDA]);
            assert_eq!(inflate(&z, 1 << 20).unwrap(), data);
        }
    }

    /// The stored-block path against flate2 on the same body.
    fn agree(body: &[u8], max: usize) -> Result<(), proptest::test_runner::TestCaseError> {
        if let Some((out, end)) = stored_blocks(body, max) {
            let (flate_out, flate_end) =
                inflate_blocks(body, body.len() + 2, max).map_err(|e| {
                    proptest::test_runner::TestCaseError::fail(format!("flate2: {e:?}"))
                })?;
            proptest::prop_assert_eq!(out, flate_out);
            proptest::prop_assert_eq!(end, flate_end);
        }
        Ok(())
    }

    #[test]
    fn stored_blocks_are_copied_and_anything_else_is_left_to_flate2() {
        let data = b"HC1 stored".repeat(10_000); // two blocks
        let z = Deflater::new(0).deflate(&data);
        assert_eq!(
            stored_blocks(&z[2..], 1 << 20).map(|(o, _)| o),
            Some(data.clone())
        );
        assert_eq!(inflate(&z, 1 << 20).unwrap(), data);
        assert_eq!(stored_blocks(&z[2..], data.len() - 1), None, "over the cap");
        assert_eq!(
            inflate(&z, data.len() - 1),
            Err(Error::DecompressedTooLarge {
                max: data.len() - 1
            })
        );
        assert_eq!(
            stored_blocks(&zlib(&data)[2..], 1 << 20),
            None,
            "compressed"
        );
        let mut bad_nlen = z.clone();
        bad_nlen[5] ^= 1;
        assert_eq!(stored_blocks(&bad_nlen[2..], 1 << 20), None);
        assert_eq!(inflate(&bad_nlen, 1 << 20), Err(Error::CompressionCorrupt));
        assert_eq!(stored_blocks(&z[2..100], 1 << 20), None, "truncated");
        agree(&z[2..], 1 << 20).unwrap();
    }

    proptest::proptest! {
        #[test]
        fn stored_path_agrees_with_flate2(
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            flips in proptest::collection::vec((0usize..320, proptest::prelude::any::<u8>()), 0..3),
            max in 0usize..400,
        ) {
            let mut z = Deflater::new(0).deflate(&data);
            let unchanged = flips.iter().all(|&(_, x)| x == 0);
            let len = z.len();
            for (at, x) in flips {
                z[at % len] ^= x;
            }
            agree(&z[2..], max)?;
            if unchanged && data.len() <= max {
                proptest::prop_assert_eq!(inflate(&z, max).unwrap(), data);
            }
        }

        #[test]
        fn arbitrary_bytes_inflate_or_fail_cleanly(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            match inflate(&data, 4096) {
                Ok(out) => proptest::prop_assert!(out.len() <= 4096),
                Err(e) => proptest::prop_assert_eq!(e.stage(), crate::error::Stage::Decompress),
            }
        }
    }
}
