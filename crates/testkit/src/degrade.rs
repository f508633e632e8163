//! Degraded copies of QR images, the way cameras and screenshots spoil them: rotation, blur,
//! sensor noise, low contrast, small modules, glare, and codes cut at the frame edge.
//!
//! Used to measure how many codes the scanner still reads (natively in tests, and as frames
//! fed to the browser build). Deterministic: the same input and seed give the same frames.

use image::{GrayImage, Luma};

/// One kind of damage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Degradation {
    /// Rotation by this many degrees (bilinear, white fill).
    Rotate(f32),
    /// Gaussian blur with this sigma, in modules (so it is equally hard at any scale).
    Blur(f32),
    /// Additive noise of this amplitude (0–255).
    Noise(u8),
    /// Contrast squeezed to this range of grey (dark, light).
    Contrast(u8, u8),
    /// Rescaled so that one module is this many pixels wide.
    ModulePixels(f32),
    /// A bright elliptic glare spot over this fraction of the image width.
    Glare(f32),
    /// Cropped so the code touches the image edge (no quiet zone left on two sides).
    EdgeCrop,
}

impl Degradation {
    /// A short label for reports.
    pub fn label(&self) -> String {
        match self {
            Degradation::Rotate(d) => format!("rotate {d}°"),
            Degradation::Blur(s) => format!("blur σ={s} module"),
            Degradation::Noise(a) => format!("noise ±{a}"),
            Degradation::Contrast(lo, hi) => format!("contrast {lo}–{hi}"),
            Degradation::ModulePixels(m) => format!("{m} px modules"),
            Degradation::Glare(f) => format!("glare {:.0}%", f * 100.0),
            Degradation::EdgeCrop => "code at the edge".into(),
        }
    }
}

/// The standard set: twelve kinds of damage, each hard but realistic.
pub const STANDARD: [Degradation; 12] = [
    Degradation::Rotate(7.0),
    Degradation::Rotate(-23.0),
    Degradation::Blur(0.3),
    Degradation::Blur(0.45),
    Degradation::Noise(40),
    Degradation::Noise(70),
    Degradation::Contrast(90, 150),
    Degradation::Contrast(60, 110),
    Degradation::ModulePixels(3.0),
    Degradation::ModulePixels(4.0),
    Degradation::Glare(0.35),
    Degradation::EdgeCrop,
];

/// Size of a module in pixels: the code's side length (from its detected corners) over its
/// number of modules. Falls back to 1 when no code is found.
pub fn module_size(img: &GrayImage) -> f32 {
    let mut decoder = quircs::Quirc::default();
    let (w, h) = img.dimensions();
    let found = decoder
        .identify(w as usize, h as usize, img.as_raw())
        .flatten()
        .next();
    match found {
        Some(code) if code.size > 0 => {
            let [a, b, ..] = code.corners;
            let side = (((b.x - a.x).pow(2) + (b.y - a.y).pow(2)) as f32).sqrt();
            side / code.size as f32
        }
        _ => 1.0,
    }
}

/// Tiny deterministic PRNG (xorshift) for noise.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 32) as u32
    }
}

fn rotate(img: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (s, c) = degrees.to_radians().sin_cos();
    // The rotated image is large enough to hold every corner.
    let nw = (w as f32 * c.abs() + h as f32 * s.abs()).ceil() as u32;
    let nh = (w as f32 * s.abs() + h as f32 * c.abs()).ceil() as u32;
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (ncx, ncy) = (nw as f32 / 2.0, nh as f32 / 2.0);
    GrayImage::from_fn(nw, nh, |x, y| {
        let (dx, dy) = (x as f32 - ncx, y as f32 - ncy);
        let sx = c * dx + s * dy + cx;
        let sy = -s * dx + c * dy + cy;
        Luma([bilinear(img, sx, sy)])
    })
}

fn bilinear(img: &GrayImage, x: f32, y: f32) -> u8 {
    let (w, h) = img.dimensions();
    let px = |xi: i64, yi: i64| -> f32 {
        if xi < 0 || yi < 0 || xi >= w as i64 || yi >= h as i64 {
            255.0
        } else {
            f32::from(img.get_pixel(xi as u32, yi as u32)[0])
        }
    };
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as i64, y0 as i64);
    let top = px(x0, y0) * (1.0 - fx) + px(x0 + 1, y0) * fx;
    let bottom = px(x0, y0 + 1) * (1.0 - fx) + px(x0 + 1, y0 + 1) * fx;
    (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
}

/// Applies one degradation.
pub fn apply(img: &GrayImage, d: Degradation, seed: u64) -> GrayImage {
    match d {
        Degradation::Rotate(deg) => rotate(img, deg),
        Degradation::Blur(sigma) => image::imageops::blur(img, sigma * module_size(img)),
        Degradation::Noise(amp) => {
            let mut rng = Rng(seed | 1);
            let mut out = img.clone();
            for p in out.pixels_mut() {
                let n = (rng.next() % (2 * u32::from(amp) + 1)) as i32 - i32::from(amp);
                p[0] = (i32::from(p[0]) + n).clamp(0, 255) as u8;
            }
            out
        }
        Degradation::Contrast(lo, hi) => {
            let mut out = img.clone();
            let span = f32::from(hi.saturating_sub(lo));
            for p in out.pixels_mut() {
                p[0] = (f32::from(lo) + f32::from(p[0]) / 255.0 * span).round() as u8;
            }
            out
        }
        Degradation::ModulePixels(target) => {
            let scale = target / module_size(img);
            let (w, h) = img.dimensions();
            let nw = ((w as f32 * scale).round() as u32).max(1);
            let nh = ((h as f32 * scale).round() as u32).max(1);
            image::imageops::resize(img, nw, nh, image::imageops::FilterType::Triangle)
        }
        Degradation::Glare(fraction) => {
            let mut out = img.clone();
            let (w, h) = out.dimensions();
            let (cx, cy) = (w as f32 * 0.62, h as f32 * 0.4);
            let r = w as f32 * fraction / 2.0;
            for (x, y, p) in out.enumerate_pixels_mut() {
                let (dx, dy) = ((x as f32 - cx) / r, (y as f32 - cy) / (r * 0.7));
                let k = (1.0 - (dx * dx + dy * dy)).max(0.0);
                // Glare lifts dark modules towards white without saturating them fully.
                p[0] = (f32::from(p[0]) + k * 150.0).min(255.0) as u8;
            }
            out
        }
        Degradation::EdgeCrop => {
            // Find the dark bounding box and crop exactly to it on the left and top.
            let (w, h) = img.dimensions();
            let dark = |x: u32, y: u32| img.get_pixel(x, y)[0] < 128;
            let left = (0..w).find(|&x| (0..h).any(|y| dark(x, y))).unwrap_or(0);
            let top = (0..h).find(|&y| (0..w).any(|x| dark(x, y))).unwrap_or(0);
            image::imageops::crop_imm(img, left, top, w - left, h - top).to_image()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checkerboard of 5-pixel squares inside a 10-pixel white margin.
    fn checker() -> GrayImage {
        GrayImage::from_fn(100, 100, |x, y| {
            let inside = (10..90).contains(&x) && (10..90).contains(&y);
            Luma([if inside && ((x / 5) + (y / 5)) % 2 == 0 {
                0
            } else {
                255
            }])
        })
    }

    #[test]
    fn degradations_are_deterministic_and_change_the_image() {
        let img = checker();
        for d in STANDARD {
            let a = apply(&img, d, 7);
            assert!(a == apply(&img, d, 7), "{} is not deterministic", d.label());
            assert!(a != img, "{} left the image unchanged", d.label());
        }
        let cropped = apply(&img, Degradation::EdgeCrop, 0);
        assert_eq!(
            cropped.get_pixel(0, 0)[0],
            0,
            "the dark area now touches the corner"
        );
    }
}
