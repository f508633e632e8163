//! Where a certificate comes from on the command line: literal `HC1:` text, a text file,
//! a PNG/JPEG image of the QR code, or standard input.

use std::io::Read as _;
use std::path::Path;

use anyhow::{bail, Context as _};

use vaxpass_picture as picture;

/// Largest input file read (an image of a QR code; text is far smaller).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why reading failed: the input itself is unusable (exit 1) or we could not read it (2).
#[derive(Debug)]
pub enum InputError {
    /// The image holds no readable certificate QR code.
    Certificate(hcert::Error),
    /// A usage or I/O problem.
    Io(anyhow::Error),
}

impl From<anyhow::Error> for InputError {
    fn from(e: anyhow::Error) -> Self {
        InputError::Io(e)
    }
}

fn read_limited(mut r: impl std::io::Read, what: &str) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.by_ref()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("reading {what}"))?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        bail!("{what} is larger than {} MiB", MAX_FILE_BYTES >> 20);
    }
    Ok(buf)
}

/// Turns bytes into certificate text: images are scanned for a QR code, anything else is
/// taken as text.
pub fn text_from_bytes(bytes: &[u8]) -> Result<String, InputError> {
    if picture::looks_like_image(bytes) {
        let texts = picture::read_qr(bytes).map_err(InputError::Certificate)?;
        return Ok(texts.into_iter().next().unwrap_or_default());
    }
    // Invalid UTF-8 is kept lossily: the decoder then reports exactly what is wrong.
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// Resolves a command-line INPUT.
pub fn certificate_text(arg: &str) -> Result<String, InputError> {
    if arg == "-" {
        let bytes = read_limited(std::io::stdin().lock(), "standard input")?;
        return text_from_bytes(&bytes);
    }
    let path = Path::new(arg);
    if path.is_file() {
        let file = std::fs::File::open(path).with_context(|| format!("opening {arg}"))?;
        let bytes = read_limited(file, arg)?;
        return text_from_bytes(&bytes);
    }
    let looks_like_path = arg.contains('/')
        || arg.contains('\\')
        || [".png", ".jpg", ".jpeg", ".txt"]
            .iter()
            .any(|ext| arg.to_ascii_lowercase().ends_with(ext));
    if looks_like_path && !arg.starts_with("HC") {
        return Err(InputError::Io(anyhow::anyhow!("{arg}: no such file")));
    }
    Ok(arg.to_string())
}
