//! Reading the QR code (ISO/IEC 18004, HCERT.md §1.1) out of 8-bit grey pixels.
//!
//! Two decoders, cheapest first: `quircs` is fast on clean renders and screenshots; `rxing`
//! (a ZXing port) reads rotated, blurred, noisy and low-contrast photos and inverted codes.
//! Codes that touch the image edge defeat finder-pattern detection, so each decoder gets a
//! second try with a white quiet zone padded around the image. Only QR codes are read: some
//! certificate pictures carry other barcodes too.

use std::collections::HashSet;

use crate::error::{Error, Result};

/// A grey image, one byte per pixel, row-major.
#[derive(Debug, Clone, Copy)]
pub struct LumaImage<'a> {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height` luma bytes.
    pub pixels: &'a [u8],
}

/// Which decoders to try, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// quircs first (with the `qr-fast` feature), rxing if it finds nothing (native: best
    /// speed on clean images).
    FastFirst,
    /// rxing only, then padded (uploaded pictures: robust, small code).
    RobustOnly,
    /// One rxing pass, on the image as it is or padded with a quiet zone. A camera loop
    /// alternates the two so that each frame costs one pass and codes touching the frame
    /// edge are still read.
    Single {
        /// Pad a white quiet zone around the image first.
        padded: bool,
    },
}

/// Decodes every QR code found in `image` and returns their texts, HCERT-looking ones
/// (`HC…:`) first.
pub fn decode(image: LumaImage<'_>, strategy: Strategy) -> Result<Vec<String>> {
    let (w, h) = (image.width as usize, image.height as usize);
    if w == 0 || h == 0 || w.checked_mul(h) != Some(image.pixels.len()) {
        return Err(Error::ImageUnreadable {
            reason: "pixel buffer does not match the image size".into(),
        });
    }
    if let Strategy::Single { padded } = strategy {
        let found = if padded {
            with_rxing(&pad(image).view())
        } else {
            with_rxing(&image)
        };
        return if found.is_empty() {
            Err(Error::QrNotFound)
        } else {
            Ok(found)
        };
    }
    let padded = pad(image);
    let attempts: &[(&LumaImage<'_>, bool)] = &[
        (&image, true),
        (&padded.view(), true),
        (&image, false),
        (&padded.view(), false),
    ];
    for (img, quirc) in attempts {
        if *quirc && strategy == Strategy::RobustOnly {
            continue;
        }
        let found = if *quirc {
            #[cfg(feature = "qr-fast")]
            let found = with_quircs(img);
            #[cfg(not(feature = "qr-fast"))]
            let found = Vec::new();
            found
        } else {
            with_rxing(img)
        };
        if !found.is_empty() {
            let mut found: Vec<String> = found;
            found.sort_by_key(|t| !t.starts_with("HC"));
            return Ok(found);
        }
    }
    Err(Error::QrNotFound)
}

struct Owned {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Owned {
    fn view(&self) -> LumaImage<'_> {
        LumaImage {
            width: self.width,
            height: self.height,
            pixels: &self.pixels,
        }
    }
}

/// Surrounds the image with a white border of a twelfth of its larger side (at least 16 px),
/// wide enough for a quiet zone at any plausible module size.
fn pad(image: LumaImage<'_>) -> Owned {
    let (w, h) = (image.width as usize, image.height as usize);
    let p = (w.max(h) / 12).max(16);
    let (pw, ph) = (w + 2 * p, h + 2 * p);
    let mut pixels = vec![255u8; pw * ph];
    for (y, row) in image.pixels.chunks_exact(w).enumerate() {
        let start = (y + p) * pw + p;
        pixels[start..start + w].copy_from_slice(row);
    }
    Owned {
        width: pw as u32,
        height: ph as u32,
        pixels,
    }
}

#[cfg(feature = "qr-fast")]
fn with_quircs(image: &LumaImage<'_>) -> Vec<String> {
    let run = || {
        let mut decoder = quircs::Quirc::default();
        let mut out = Vec::new();
        for code in decoder.identify(image.width as usize, image.height as usize, image.pixels) {
            let Ok(code) = code else { continue };
            if let Ok(data) = code.decode() {
                if let Ok(text) = String::from_utf8(data.payload) {
                    if !out.contains(&text) {
                        out.push(text);
                    }
                }
            }
        }
        out
    };
    // A decoder bug must not take the caller down with it (natively; wasm aborts anyway).
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_default()
}

fn with_rxing(image: &LumaImage<'_>) -> Vec<String> {
    let run = || {
        let mut hints = rxing::DecodeHints {
            TryHarder: Some(true),
            AlsoInverted: Some(true),
            PossibleFormats: Some(HashSet::from([rxing::BarcodeFormat::QR_CODE])),
            ..Default::default()
        };
        rxing::helpers::detect_in_luma_slice_with_hints(
            image.pixels,
            image.width,
            image.height,
            Some(rxing::BarcodeFormat::QR_CODE),
            &mut hints,
        )
        .map(|r| vec![r.getText().to_string()])
        .unwrap_or_default()
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_qr_code() {
        let noise: Vec<u8> = (0..200u32 * 150)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let img = LumaImage {
            width: 200,
            height: 150,
            pixels: &noise,
        };
        assert_eq!(decode(img, Strategy::FastFirst), Err(Error::QrNotFound));
        let blank = vec![255u8; 64 * 64];
        let img = LumaImage {
            width: 64,
            height: 64,
            pixels: &blank,
        };
        assert_eq!(decode(img, Strategy::RobustOnly), Err(Error::QrNotFound));
        for padded in [false, true] {
            assert_eq!(
                decode(img, Strategy::Single { padded }),
                Err(Error::QrNotFound)
            );
        }
        let img = LumaImage {
            width: 65,
            height: 64,
            pixels: &blank,
        };
        assert_eq!(
            decode(img, Strategy::FastFirst).unwrap_err().code(),
            "IMAGE_UNREADABLE"
        );
    }
}
