//! Writing published files: durable writes, the JSON house style, precompressed siblings.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};

/// Writes `data` to `path` (creating its directory) and fsyncs it.
pub(crate) fn write_synced(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut f = File::create(path).with_context(|| format!("writing {}", path.display()))?;
    f.write_all(data)?;
    f.sync_all()?;
    Ok(())
}

/// A published JSON file: pretty, ending in a newline.
pub(crate) fn json_file(value: &impl serde::Serialize) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(value)?;
    out.push(b'\n');
    Ok(out)
}

/// gzip and brotli encodings of a body, at their best levels for small bodies (done once per
/// publication).
pub fn precompress(data: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    // Large bodies (a national batch list) at a quicker brotli level: 11 takes minutes there.
    let (gz_level, br_quality) = if data.len() > 1 << 20 {
        (6, 6)
    } else {
        (9, 11)
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(gz_level));
    gz.write_all(data)?;
    let gz = gz.finish()?;
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, br_quality, 22);
        w.write_all(data)?;
    }
    Ok((gz, br))
}

/// Flushes everything written below `dir` to disk (one `syncfs` instead of an fsync per
/// batch file).
#[allow(unsafe_code)] // one libc call on an open descriptor
pub(crate) fn sync_filesystem(dir: &Path) -> Result<()> {
    let f = fs::File::open(dir)?;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd as _;
        // SAFETY: `f` is an open descriptor for the duration of the call.
        if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
    }
    f.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precompressed_bodies_decode() {
        let data = b"{\"kid\":\"abc\"}".repeat(50);
        let (gz, br) = precompress(&data).unwrap();
        let mut d = flate2::read::GzDecoder::new(&gz[..]);
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut d, &mut back).unwrap();
        assert_eq!(back, data);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, data);
    }
}
