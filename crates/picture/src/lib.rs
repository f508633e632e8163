//! Reading a certificate's QR code from a PNG or JPEG file (photos and screenshots).

use hcert::Error;
use hcert::{LumaImage, QrStrategy as Strategy};

/// Images larger than this many pixels are refused before decoding (a 50-megapixel photo
/// is already far beyond what a QR code needs).
pub const MAX_PIXELS: u64 = 50_000_000;

/// Whether the bytes start like a PNG or JPEG file.
pub fn looks_like_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// Decodes a PNG or JPEG file into 8-bit luma, with bounded memory.
pub fn luma(bytes: &[u8]) -> Result<(u32, u32, Vec<u8>), Error> {
    let unreadable = |reason: String| Error::ImageUnreadable { reason };
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unreadable(e.to_string()))?;
    match reader.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        _ => return Err(unreadable("not a PNG or JPEG image".into())),
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| unreadable(e.to_string()))?;
    if u64::from(img.width()) * u64::from(img.height()) > MAX_PIXELS {
        return Err(unreadable("image is too large".into()));
    }
    let grey = img.into_luma8();
    let (w, h) = grey.dimensions();
    Ok((w, h, grey.into_raw()))
}

/// Reads the QR code texts in an image file, HCERT-looking ones first.
pub fn read_qr(bytes: &[u8]) -> Result<Vec<String>, Error> {
    let (width, height, pixels) = luma(bytes)?;
    hcert::decode_qr(
        LumaImage {
            width,
            height,
            pixels: &pixels,
        },
        Strategy::FastFirst,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_images_fail_cleanly() {
        assert_eq!(
            luma(b"not an image").unwrap_err().code(),
            "IMAGE_UNREADABLE"
        );
        let mut png_head = b"\x89PNG\r\n\x1a\n".to_vec();
        png_head.extend_from_slice(&[0; 40]);
        assert_eq!(luma(&png_head).unwrap_err().code(), "IMAGE_UNREADABLE");
        assert_eq!(
            read_qr(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).unwrap_err().code(),
            "IMAGE_UNREADABLE"
        );
        // A real, tiny, blank PNG has no QR code.
        let mut out = Vec::new();
        image::GrayImage::from_pixel(40, 30, image::Luma([255u8]))
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        assert!(looks_like_image(&out));
        assert_eq!(read_qr(&out).unwrap_err(), Error::QrNotFound);
    }
}
