//! Camera frames and pictures to QR text: RGBA → luma, then the `hcert` decoder.

use hcert::{decode_qr, LumaImage, QrStrategy as Strategy};

/// ITU-R BT.601 luma of RGBA pixels (alpha ignored), integer arithmetic.
pub fn rgba_to_luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2])) >> 8) as u8)
        .collect()
}

/// Decodes one camera frame with a single decoder pass; `frame_no` alternates between the
/// frame as it is and the frame padded with a quiet zone (codes touching the edge).
pub fn decode_frame(width: u32, height: u32, luma: &[u8], frame_no: u64) -> Option<String> {
    let img = LumaImage {
        width,
        height,
        pixels: luma,
    };
    decode_qr(
        img,
        Strategy::Single {
            padded: frame_no % 2 == 1,
        },
    )
    .ok()
    .and_then(|found| found.into_iter().next())
}

/// Decodes a still picture with every pass.
pub fn decode_picture(width: u32, height: u32, luma: &[u8]) -> hcert::Result<String> {
    let img = LumaImage {
        width,
        height,
        pixels: luma,
    };
    decode_qr(img, Strategy::RobustOnly)?
        .into_iter()
        .next()
        .ok_or(hcert::Error::QrNotFound)
}

/// The size to scale a picture to before decoding: at most `max_side` on its longer side,
/// never upscaled.
pub fn fit(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_side || long == 0 {
        return (width, height);
    }
    let scale = f64::from(max_side) / f64::from(long);
    (
        ((f64::from(width) * scale).round() as u32).max(1),
        ((f64::from(height) * scale).round() as u32).max(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luma_of_primaries() {
        assert_eq!(
            rgba_to_luma(&[255, 255, 255, 255, 0, 0, 0, 255]),
            vec![255, 0]
        );
        let l = rgba_to_luma(&[255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 9]);
        assert_eq!(l, vec![76, 149, 28]);
        assert!(rgba_to_luma(&[1, 2, 3]).is_empty());
    }

    #[test]
    fn fitting() {
        assert_eq!(fit(4000, 3000, 2000), (2000, 1500));
        assert_eq!(fit(640, 480, 2000), (640, 480));
        assert_eq!(fit(10_000, 1, 100), (100, 1));
        assert_eq!(fit(0, 0, 100), (0, 0));
    }

    #[test]
    fn garbage_frames_find_nothing() {
        let noise: Vec<u8> = (0..320u32 * 240)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        for n in 0..2 {
            assert_eq!(decode_frame(320, 240, &noise, n), None);
        }
        assert_eq!(decode_frame(320, 240, &noise[..10], 0), None);
        assert_eq!(
            decode_picture(320, 240, &noise).unwrap_err().code(),
            "QR_NOT_FOUND"
        );
    }
}
