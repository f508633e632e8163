//! Fake-camera frames for browser tests: Chromium plays a YUV4MPEG2 file in a loop as its
//! camera (`--use-file-for-fake-video-capture`).

use vaxpass_qrgen::QrCode;

/// One 4:2:0 frame of a YUV4MPEG2 video (`width`×`height`, even sizes) showing the code
/// centred on white with `scale` pixels per module: what Chromium's fake camera
/// (`--use-file-for-fake-video-capture`) plays in a loop. `None` when the code does not fit.
pub fn y4m(code: &QrCode, scale: usize, width: usize, height: usize) -> Option<Vec<u8>> {
    let side = code.size * scale;
    if scale == 0 || side + 8 * scale > width.min(height) || width % 2 == 1 || height % 2 == 1 {
        return None;
    }
    let header = format!("YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\nFRAME\n");
    let mut out = Vec::with_capacity(header.len() + width * height * 3 / 2);
    out.extend_from_slice(header.as_bytes());
    let (x0, y0) = ((width - side) / 2, (height - side) / 2);
    for y in 0..height {
        for x in 0..width {
            let inside = (x0..x0 + side).contains(&x) && (y0..y0 + side).contains(&y);
            let dark = inside && code.dark((x - x0) / scale, (y - y0) / scale);
            out.push(if dark { 16 } else { 235 });
        }
    }
    out.resize(out.len() + width * height / 2, 128);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One 640×480 4:2:0 frame: header, FRAME, luma, then neutral chroma.
    #[test]
    fn one_frame_of_luma_and_neutral_chroma() {
        let code =
            vaxpass_qrgen::encode("HC1:NCFOXN%TS3DH3ZSUZK", vaxpass_qrgen::Ecc::Quartile).unwrap();
        let bytes = y4m(&code, 3, 640, 480).unwrap();
        let header = b"YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\nFRAME\n";
        assert!(bytes.starts_with(header));
        assert_eq!(bytes.len(), header.len() + 640 * 480 * 3 / 2);
        let luma = &bytes[header.len()..header.len() + 640 * 480];
        assert!(luma.contains(&16) && luma.contains(&235));
        assert!(bytes[header.len() + 640 * 480..].iter().all(|&b| b == 128));
        // Too large for the frame, or odd sizes: none.
        assert!(y4m(&code, 40, 640, 480).is_none());
        assert!(y4m(&code, 3, 641, 480).is_none());
        assert!(y4m(&code, 0, 640, 480).is_none());
    }
}
