//! A QR code encoder for certificates (ISO/IEC 18004:2015): alphanumeric mode (hcert_spec
//! §4.2.2 requires it), any error-correction level (Q for issuing), the smallest version that
//! fits, and the mask chosen by the standard's penalty rules N1–N4. Written for speed: the
//! common QR crates spend milliseconds per code, which at national scale is hours.
//!
//! The output matches Project Nayuki's reference encoder (`qrcodegen`) module for module;
//! the tests check that, and decode every code with two independent decoders.

/// Error-correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ecc {
    /// ~7 %.
    Low,
    /// ~15 %.
    Medium,
    /// ~25 % (the HCERT recommendation).
    Quartile,
    /// ~30 %.
    High,
}

impl Ecc {
    fn index(self) -> usize {
        match self {
            Ecc::Low => 0,
            Ecc::Medium => 1,
            Ecc::Quartile => 2,
            Ecc::High => 3,
        }
    }

    fn format_bits(self) -> u32 {
        match self {
            Ecc::Low => 1,
            Ecc::Medium => 0,
            Ecc::Quartile => 3,
            Ecc::High => 2,
        }
    }
}

/// Error-correction codewords per block, by level and version (ISO/IEC 18004 Table 9).
const ECC_PER_BLOCK: [[u8; 41]; 4] = [
    [
        0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28,
        30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ],
    [
        0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30,
        30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24,
        30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
];

/// Number of error-correction blocks, by level and version.
const BLOCKS: [[u8; 41]; 4] = [
    [
        0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13,
        14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
    ],
    [
        0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21,
        23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ],
    [
        0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29,
        34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ],
    [
        0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32,
        35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
    ],
];

const ALPHANUMERIC: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Character → alphanumeric value (0xFF: not in the set).
const ALPHANUMERIC_VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 45 {
        t[ALPHANUMERIC[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Why a text cannot be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrError {
    /// A character outside the alphanumeric set.
    NotAlphanumeric,
    /// Longer than version 40 holds at this level.
    TooLong,
    /// The PNG compressor failed (a broken internal state; nothing the input can cause).
    Compress,
}

/// A finished QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrCode {
    /// Version 1–40.
    pub version: u8,
    /// Modules per side.
    pub size: usize,
    /// The mask chosen (0–7).
    pub mask: u8,
    /// The modules.
    modules: Modules,
}

/// Modules as row bitsets (sizes up to 128) or bytes (larger).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Modules {
    Rows(Vec<u128>),
    Bytes(Vec<u8>),
}

impl QrCode {
    /// Whether the module at column `x`, row `y` is dark.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        match &self.modules {
            Modules::Rows(rows) => (rows[y] >> x) & 1 != 0,
            Modules::Bytes(m) => m[y * self.size + x] != 0,
        }
    }

    /// Calls `f(start, end)` for every dark run `[start, end)` of row `y`.
    fn for_each_dark_run(&self, y: usize, mut f: impl FnMut(usize, usize)) {
        match &self.modules {
            Modules::Rows(rows) => {
                let mut r = rows[y];
                let mut base = 0;
                while r != 0 {
                    let start = base + r.trailing_zeros() as usize;
                    r >>= start - base;
                    let len = (!r).trailing_zeros() as usize;
                    f(start, start + len);
                    r = if len >= 128 { 0 } else { r >> len };
                    base = start + len;
                }
            }
            Modules::Bytes(_) => {
                let mut x = 0;
                while x < self.size {
                    if self.dark(x, y) {
                        let start = x;
                        while x < self.size && self.dark(x, y) {
                            x += 1;
                        }
                        f(start, x);
                    } else {
                        x += 1;
                    }
                }
            }
        }
    }
}

fn raw_data_modules(ver: usize) -> usize {
    let mut result = (16 * ver + 128) * ver + 64;
    if ver >= 2 {
        let align = ver / 7 + 2;
        result -= (25 * align - 10) * align - 55;
        if ver >= 7 {
            result -= 36;
        }
    }
    result
}

fn data_codewords(ver: usize, ecc: Ecc) -> usize {
    raw_data_modules(ver) / 8
        - usize::from(ECC_PER_BLOCK[ecc.index()][ver]) * usize::from(BLOCKS[ecc.index()][ver])
}

fn count_bits(ver: usize) -> usize {
    match ver {
        1..=9 => 9,
        10..=26 => 11,
        _ => 13,
    }
}

struct Bits {
    bytes: Vec<u8>,
    len: usize,
}

impl Bits {
    /// Appends the low `n ≤ 24` bits of `value`, most significant first.
    fn push(&mut self, value: u32, n: usize) {
        if n == 0 {
            return;
        }
        let used = self.len % 8;
        let value = value & ((1u32 << n) - 1);
        // Align the new bits just after the `used` bits of the last byte.
        let mut acc = u64::from(value) << (64 - used - n);
        if used > 0 {
            let last = self.bytes.len() - 1;
            self.bytes[last] |= (acc >> 56) as u8;
            acc <<= 8;
        }
        let new_bytes = (used + n).div_ceil(8) - usize::from(used > 0);
        for _ in 0..new_bytes {
            self.bytes.push((acc >> 56) as u8);
            acc <<= 8;
        }
        self.len += n;
    }
}

/// GF(256) tables for Reed–Solomon over x⁸ + x⁴ + x³ + x² + 1.
struct Gf {
    exp: [u8; 512],
    log: [u8; 256],
}

const GF: Gf = {
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11D;
        }
        i += 1;
    }
    while i < 512 {
        exp[i] = exp[i - 255];
        i += 1;
    }
    Gf { exp, log }
};

fn gf_mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        GF.exp[usize::from(GF.log[usize::from(a)]) + usize::from(GF.log[usize::from(b)])]
    }
}

/// The RS generator polynomial of a degree (coefficients highest first, leading 1 dropped).
fn rs_divisor(degree: usize) -> Vec<u8> {
    let mut result = vec![0u8; degree];
    result[degree - 1] = 1;
    let mut root: u8 = 1;
    for _ in 0..degree {
        for j in 0..degree {
            result[j] = gf_mul(result[j], root);
            if j + 1 < degree {
                result[j] ^= result[j + 1];
            }
        }
        root = gf_mul(root, 0x02);
    }
    result
}

fn rs_remainder(data: &[u8], divisor: &[u8]) -> Vec<u8> {
    let n = divisor.len();
    // log of each divisor coefficient (every coefficient of a generator polynomial is
    // non-zero, so each has a log).
    let logs: Vec<usize> = divisor
        .iter()
        .map(|&d| usize::from(GF.log[usize::from(d)]))
        .collect();
    let mut result = [0u8; 68];
    for &b in data {
        let factor = b ^ result[0];
        result.copy_within(1..n, 0);
        result[n - 1] = 0;
        if factor != 0 {
            let lf = usize::from(GF.log[usize::from(factor)]);
            for (r, &l) in result[..n].iter_mut().zip(&logs) {
                *r ^= GF.exp[lf + l];
            }
        }
    }
    result[..n].to_vec()
}

/// Encodes `text` (alphanumeric characters only) at `ecc`, in the smallest version.
pub fn encode(text: &str, ecc: Ecc) -> Result<QrCode, QrError> {
    let values: Vec<u32> = text
        .bytes()
        .map(|b| match ALPHANUMERIC_VALUE[usize::from(b)] {
            0xFF => Err(QrError::NotAlphanumeric),
            v => Ok(u32::from(v)),
        })
        .collect::<Result<_, _>>()?;
    let data_bits = 11 * (values.len() / 2) + 6 * (values.len() % 2);
    let version = (1..=40usize)
        .find(|&v| {
            values.len() < (1 << count_bits(v))
                && 4 + count_bits(v) + data_bits <= data_codewords(v, ecc) * 8
        })
        .ok_or(QrError::TooLong)?;
    let capacity = data_codewords(version, ecc) * 8;
    let mut bits = Bits {
        bytes: Vec::with_capacity(capacity / 8),
        len: 0,
    };
    bits.push(0b0010, 4);
    bits.push(values.len() as u32, count_bits(version));
    for pair in values.chunks(2) {
        match pair {
            [a, b] => bits.push(a * 45 + b, 11),
            [a] => bits.push(*a, 6),
            _ => {}
        }
    }
    bits.push(0, (capacity - bits.len).min(4));
    bits.push(0, (8 - bits.len % 8) % 8);
    let mut pad = [0xEC, 0x11].into_iter().cycle();
    while bits.bytes.len() < capacity / 8 {
        bits.bytes.push(pad.next().unwrap_or(0xEC));
    }
    let codewords = add_ecc_and_interleave(&bits.bytes, version, ecc);
    Ok(build(version, ecc, &codewords))
}

fn add_ecc_and_interleave(data: &[u8], ver: usize, ecc: Ecc) -> Vec<u8> {
    let num_blocks = usize::from(BLOCKS[ecc.index()][ver]);
    let block_ecc = usize::from(ECC_PER_BLOCK[ecc.index()][ver]);
    let raw = raw_data_modules(ver) / 8;
    let short_blocks = num_blocks - raw % num_blocks;
    let short_len = raw / num_blocks;
    let divisor = rs_divisor(block_ecc);
    let mut blocks: Vec<Vec<u8>> = Vec::with_capacity(num_blocks);
    let mut k = 0;
    for i in 0..num_blocks {
        let dat_len = short_len - block_ecc + usize::from(i >= short_blocks);
        let dat = &data[k..k + dat_len];
        k += dat_len;
        let mut block = dat.to_vec();
        if i < short_blocks {
            block.push(0); // placeholder so all blocks have equal length
        }
        block.extend(rs_remainder(dat, &divisor));
        blocks.push(block);
    }
    let mut result = Vec::with_capacity(raw);
    for i in 0..=short_len {
        for (j, block) in blocks.iter().enumerate() {
            // Skip the placeholder of short blocks.
            if i != short_len - block_ecc || j >= short_blocks {
                result.push(block[i]);
            }
        }
    }
    result
}

/// Everything about a version that does not depend on the data: drawn once, reused for every
/// code of that version.
struct Template {
    size: usize,
    /// Function patterns drawn (format areas light), one byte per module (0/1).
    base: Vec<u8>,
    /// Data modules in placement order (the zig-zag of ISO/IEC 18004 §7.7.3).
    order: Vec<u32>,
    /// The same, as (x, y).
    order_xy: Vec<(u8, u8)>,
    /// The function patterns as row and column bitsets (size ≤ 128).
    base_rows: Vec<u128>,
    base_cols: Vec<u128>,
    /// Per mask: 1 where the mask inverts a data module (0 on function modules).
    masks: [Vec<u8>; 8],
    /// The same masks as row and column bitsets (bit x of row y = module (x, y)), for
    /// sizes up to 128 (version 27).
    mask_rows: [Vec<u128>; 8],
    mask_cols: [Vec<u128>; 8],
}

/// Row and column bitsets of a module matrix.
fn bitsets(m: &[u8], size: usize) -> (Vec<u128>, Vec<u128>) {
    let mut rows = vec![0u128; size];
    let mut cols = vec![0u128; size];
    if size > 128 {
        return (rows, cols);
    }
    for y in 0..size {
        for x in 0..size {
            if m[y * size + x] != 0 {
                rows[y] |= 1 << x;
                cols[x] |= 1 << y;
            }
        }
    }
    (rows, cols)
}

struct Grid {
    size: usize,
    modules: Vec<u8>,
    function: Vec<bool>,
}

impl Grid {
    fn set(&mut self, x: usize, y: usize, dark: bool) {
        let i = y * self.size + x;
        self.modules[i] = u8::from(dark);
        self.function[i] = true;
    }
}

fn alignment_positions(ver: usize, size: usize) -> Vec<usize> {
    if ver == 1 {
        return vec![];
    }
    let num = ver / 7 + 2;
    let step = (ver * 8 + num * 3 + 5) / (num * 4 - 4) * 2;
    let mut result: Vec<usize> = (0..num - 1).map(|i| size - 7 - i * step).collect();
    result.push(6);
    result.reverse();
    result
}

fn format_bits(ecc: Ecc, mask: u8) -> u32 {
    let data = ecc.format_bits() << 3 | u32::from(mask);
    let mut rem = data;
    for _ in 0..10 {
        rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    }
    (data << 10 | rem) ^ 0x5412
}

/// The two copies of the 15 format bits: (x, y) per bit, then the always-dark module.
/// The 15 (x, y) places of one copy of the format bits.
type FormatCopy = [(usize, usize); 15];

fn format_positions(size: usize) -> (FormatCopy, FormatCopy) {
    let mut a = [(0, 0); 15];
    let mut b = [(0, 0); 15];
    for (i, p) in a.iter_mut().enumerate() {
        *p = match i {
            0..=5 => (8, i),
            6 => (8, 7),
            7 => (8, 8),
            8 => (7, 8),
            _ => (14 - i, 8),
        };
    }
    for (i, p) in b.iter_mut().enumerate() {
        *p = if i < 8 {
            (size - 1 - i, 8)
        } else {
            (8, size - 15 + i)
        };
    }
    (a, b)
}

fn draw_format(modules: &mut [u8], size: usize, bits: u32) {
    let (a, b) = format_positions(size);
    for i in 0..15 {
        let bit = ((bits >> i) & 1) as u8;
        modules[a[i].1 * size + a[i].0] = bit;
        modules[b[i].1 * size + b[i].0] = bit;
    }
    modules[(size - 8) * size + 8] = 1;
}

fn make_template(version: usize) -> Template {
    let size = version * 4 + 17;
    let mut g = Grid {
        size,
        modules: vec![0; size * size],
        function: vec![false; size * size],
    };
    // Timing patterns.
    for i in 0..size {
        g.set(6, i, i % 2 == 0);
        g.set(i, 6, i % 2 == 0);
    }
    // Finder patterns with separators.
    for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
        for dy in -4i32..=4 {
            for dx in -4i32..=4 {
                let (x, y) = (cx as i32 + dx, cy as i32 + dy);
                if (0..size as i32).contains(&x) && (0..size as i32).contains(&y) {
                    let dist = dx.abs().max(dy.abs());
                    g.set(x as usize, y as usize, dist != 2 && dist != 4);
                }
            }
        }
    }
    // Alignment patterns.
    let align = alignment_positions(version, size);
    let n = align.len();
    for (i, &ay) in align.iter().enumerate() {
        for (j, &ax) in align.iter().enumerate() {
            // The three corners hold finder patterns.
            if (i == 0 && (j == 0 || j == n - 1)) || (i == n - 1 && j == 0) {
                continue;
            }
            for dy in -2i32..=2 {
                for dx in -2i32..=2 {
                    g.set(
                        (ax as i32 + dx) as usize,
                        (ay as i32 + dy) as usize,
                        dx.abs().max(dy.abs()) != 1,
                    );
                }
            }
        }
    }
    // Format areas: reserved (light until the mask is known), plus the dark module.
    let (fa, fb) = format_positions(size);
    for &(x, y) in fa.iter().chain(fb.iter()) {
        g.set(x, y, false);
    }
    g.set(8, size - 8, true);
    // Version information.
    if version >= 7 {
        let mut rem = version as u32;
        for _ in 0..12 {
            rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
        }
        let bits = (version as u32) << 12 | rem;
        for i in 0..18 {
            let dark = (bits >> i) & 1 != 0;
            let a = size - 11 + i % 3;
            let b = i / 3;
            g.set(a, b, dark);
            g.set(b, a, dark);
        }
    }
    // Data module order.
    let mut order = Vec::with_capacity(raw_data_modules(version));
    let mut right = size as i32 - 1;
    while right >= 1 {
        if right == 6 {
            right = 5;
        }
        for vert in 0..size {
            for j in 0..2 {
                let x = (right - j) as usize;
                let upward = (right + 1) & 2 == 0;
                let y = if upward { size - 1 - vert } else { vert };
                let idx = y * size + x;
                if !g.function[idx] {
                    order.push(idx as u32);
                }
            }
        }
        right -= 2;
    }
    let masks = core::array::from_fn(|mask| {
        let mut m = vec![0u8; size * size];
        for y in 0..size {
            for x in 0..size {
                let invert = match mask {
                    0 => (x + y) % 2 == 0,
                    1 => y % 2 == 0,
                    2 => x % 3 == 0,
                    3 => (x + y) % 3 == 0,
                    4 => (x / 3 + y / 2) % 2 == 0,
                    5 => x * y % 2 + x * y % 3 == 0,
                    6 => (x * y % 2 + x * y % 3) % 2 == 0,
                    _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
                };
                let i = y * size + x;
                m[i] = u8::from(invert && !g.function[i]);
            }
        }
        m
    });
    let mask_rows = core::array::from_fn(|i| bitsets(&masks[i], size).0);
    let mask_cols = core::array::from_fn(|i| bitsets(&masks[i], size).1);
    let (base_rows, base_cols) = bitsets(&g.modules, size);
    let order_xy = order
        .iter()
        .map(|&i| ((i as usize % size) as u8, (i as usize / size) as u8))
        .collect();
    Template {
        size,
        base: g.modules,
        order,
        order_xy,
        base_rows,
        base_cols,
        masks,
        mask_rows,
        mask_cols,
    }
}

fn template(version: usize) -> &'static Template {
    static TEMPLATES: [std::sync::OnceLock<Template>; 41] =
        [const { std::sync::OnceLock::new() }; 41];
    TEMPLATES[version].get_or_init(|| make_template(version))
}

fn build(version: usize, ecc: Ecc, codewords: &[u8]) -> QrCode {
    let t = template(version);
    if t.size <= 128 {
        build_bits(t, version, ecc, codewords)
    } else {
        build_bytes(t, version, ecc, codewords)
    }
}

/// Versions up to 27: every mask scored on row and column bitsets.
fn build_bits(t: &Template, version: usize, ecc: Ecc, codewords: &[u8]) -> QrCode {
    let size = t.size;
    // Branch-free, in 64-bit halves: the data bits are random, so a branch per bit would
    // mispredict half the time.
    let mut halves = vec![[0u64; 2]; 2 * size];
    for (byte, positions) in codewords.iter().zip(t.order_xy.chunks(8)) {
        // Visit only the set bits of each codeword.
        let mut b = *byte;
        while b != 0 {
            let k = b.leading_zeros() as usize;
            b &= !(0x80 >> k);
            if let Some(&(x, y)) = positions.get(k) {
                let (x, y) = (usize::from(x), usize::from(y));
                halves[y][x >> 6] |= 1 << (x & 63);
                halves[size + x][y >> 6] |= 1 << (y & 63);
            }
        }
    }
    let join = |h: &[u64; 2]| u128::from(h[0]) | (u128::from(h[1]) << 64);
    let data_rows: Vec<u128> = t
        .base_rows
        .iter()
        .zip(&halves[..size])
        .map(|(b, h)| b | join(h))
        .collect();
    let data_cols: Vec<u128> = t
        .base_cols
        .iter()
        .zip(&halves[size..])
        .map(|(b, h)| b | join(h))
        .collect();
    let (fa, fb) = format_positions(size);
    // Masked rows or columns, with the format bits of the mask drawn in.
    let masked = |mask: u8, data: &[u128], masks: &[u128], out: &mut [u128], rows: bool| {
        for (o, (&d, &k)) in out.iter_mut().zip(data.iter().zip(masks)) {
            *o = d ^ k;
        }
        let bits = format_bits(ecc, mask);
        for i in 0..15 {
            if (bits >> i) & 1 != 0 {
                for (x, y) in [fa[i], fb[i]] {
                    let (line, bit) = if rows { (y, x) } else { (x, y) };
                    out[line] |= 1 << bit;
                }
            }
        }
    };
    // Phase 1: the row-wise terms (N2, N4 and rows' N1/N3) of every mask.
    let mut rows = vec![0u128; size];
    let mut partial = [0i32; 8];
    for mask in 0..8u8 {
        masked(
            mask,
            &data_rows,
            &t.mask_rows[usize::from(mask)],
            &mut rows,
            true,
        );
        partial[usize::from(mask)] = rows_penalty(&rows, size);
    }
    // Phase 2: add the columns, most promising mask first, and drop a mask as soon as it
    // cannot beat the best full score (ties go to the lower mask number, as the standard's
    // reference encoder does).
    let mut order: [u8; 8] = core::array::from_fn(|m| m as u8);
    order.sort_by_key(|&m| (partial[usize::from(m)], m));
    let mut cols = vec![0u128; size];
    let mut best: Option<(i32, u8)> = None;
    for mask in order {
        let bound = match best {
            None => i32::MAX,
            Some((score, b)) if mask < b => score,
            Some((score, _)) => score - 1,
        };
        let mut score = partial[usize::from(mask)];
        if score > bound {
            continue;
        }
        masked(
            mask,
            &data_cols,
            &t.mask_cols[usize::from(mask)],
            &mut cols,
            false,
        );
        for &c in &cols {
            score += line_penalty_bits(c, size);
            if score > bound {
                break;
            }
        }
        if score <= bound {
            best = Some((score, mask));
        }
    }
    let mask = best.map_or(0, |(_, m)| m);
    masked(
        mask,
        &data_rows,
        &t.mask_rows[usize::from(mask)],
        &mut rows,
        true,
    );
    QrCode {
        version: version as u8,
        size,
        mask,
        modules: Modules::Rows(rows),
    }
}

/// Larger versions: the module-by-module reference path.
fn build_bytes(t: &Template, version: usize, ecc: Ecc, codewords: &[u8]) -> QrCode {
    let size = t.size;
    let mut data = t.base.clone();
    for (i, &idx) in t.order.iter().enumerate().take(codewords.len() * 8) {
        data[idx as usize] = (codewords[i >> 3] >> (7 - (i & 7))) & 1;
    }
    let mut best: Option<(i32, u8)> = None;
    let mut candidate = vec![0u8; size * size];
    for mask in 0..8u8 {
        for ((c, &d), &m) in candidate
            .iter_mut()
            .zip(&data)
            .zip(&t.masks[usize::from(mask)])
        {
            *c = d ^ m;
        }
        draw_format(&mut candidate, size, format_bits(ecc, mask));
        let score = penalty(&candidate, size);
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, mask));
        }
    }
    let mask = best.map_or(0, |(_, m)| m);
    for (c, &m) in data.iter_mut().zip(&t.masks[usize::from(mask)]) {
        *c ^= m;
    }
    draw_format(&mut data, size, format_bits(ecc, mask));
    QrCode {
        version: version as u8,
        size,
        mask,
        modules: Modules::Bytes(data),
    }
}

/// The finder-like pattern detector of the N3 rule: the last seven run lengths, with the
/// light border outside the symbol counted as part of the first and last runs.
struct RunHistory {
    size: i32,
    runs: [i32; 7],
}

impl RunHistory {
    fn add(&mut self, mut run: i32) {
        if self.runs[0] == 0 {
            run += self.size;
        }
        self.runs.copy_within(0..6, 1);
        self.runs[0] = run;
    }

    fn count(&self) -> i32 {
        let r = &self.runs;
        let n = r[1];
        let core = n > 0 && r[2] == n && r[3] == n * 3 && r[4] == n && r[5] == n;
        i32::from(core && r[0] >= n * 4 && r[6] >= n)
            + i32::from(core && r[6] >= n * 4 && r[0] >= n)
    }

    fn finish(mut self, color: u8, mut run: i32) -> i32 {
        if color != 0 {
            self.add(run);
            run = 0;
        }
        run += self.size;
        self.add(run);
        self.count()
    }
}

/// N1 and N3 along one line of modules.
fn line_penalty(line: impl Iterator<Item = u8>, size: usize) -> i32 {
    let mut score = 0;
    let mut color = 0u8;
    let mut run = 0;
    let mut history = RunHistory {
        size: size as i32,
        runs: [0; 7],
    };
    for dark in line {
        if dark == color {
            run += 1;
            if run == 5 {
                score += 3;
            } else if run > 5 {
                score += 1;
            }
        } else {
            history.add(run);
            if color == 0 {
                score += history.count() * 40;
            }
            color = dark;
            run = 1;
        }
    }
    score + history.finish(color, run) * 40
}

/// Positions q of a line bitset where modules `[q, q + len)` are all set (`len ≥ 1`):
/// doubling windows, then one overlapping combination.
#[inline(always)]
fn run_mask(bits: u128, len: usize) -> u128 {
    let mut acc = bits;
    let mut have = 1;
    while have * 2 <= len {
        acc &= acc >> have;
        have *= 2;
    }
    if have < len {
        acc &= acc >> (len - have);
    }
    acc
}

/// Start positions of finder-like cores of unit `n`: dark n, light n, dark 3n, light n,
/// dark n, each run exact (light or the border just outside).
#[inline(always)]
fn finder_core(r: u128, n: usize) -> u128 {
    let lt = !r;
    let (dn, ln) = (run_mask(r, n), run_mask(lt, n));
    dn & (ln >> n)
        & (run_mask(r, 3 * n) >> (2 * n))
        & (ln >> (5 * n))
        & (dn >> (6 * n))
        & ((lt << 1) | 1)
        & (lt >> (7 * n))
}

/// How many of the cores count: light runs of at least 4n on one side and n on the other
/// (outside the symbol counts as light, so a side without dark modules reaches the border).
#[cold]
fn finder_count(r: u128, n: usize, core: u128) -> i32 {
    let lt = !r;
    // r ≠ 0 here: a core holds dark modules.
    let prefix = (2u128 << r.trailing_zeros()) - 1;
    let last = 127 - r.leading_zeros() as usize;
    let after = if last < 7 * n {
        u128::MAX
    } else {
        !((1u128 << (last + 1 - 7 * n)) - 1)
    };
    let (ln, l4) = (run_mask(lt, n), run_mask(lt, 4 * n));
    let before_n = (ln << n) | prefix;
    let before_4n = (l4 << (4 * n)) | prefix;
    let after_n = (ln >> (7 * n)) | after;
    let after_4n = (l4 >> (7 * n)) | after;
    (core & before_4n & after_n).count_ones() as i32
        + (core & after_4n & before_n).count_ones() as i32
}

/// Finder-like patterns of unit `N`, with constant shifts.
#[inline(always)]
fn finder_like<const N: usize>(r: u128, size: usize) -> i32 {
    if 7 * N > size {
        return 0;
    }
    match finder_core(r, N) {
        0 => 0,
        core => finder_count(r, N, core),
    }
}

/// N1 and N3 along one line given as a bitset of `size ≤ 120` modules, bit-parallel. Same
/// result as [`line_penalty`] (which is the reference for larger sizes).
fn line_penalty_bits(r: u128, size: usize) -> i32 {
    if size > 120 {
        return line_penalty((0..size).map(|x| ((r >> x) & 1) as u8), size);
    }
    let valid = (1u128 << size) - 1;
    let r = r & valid;
    // N1: a run of L ≥ 5 scores L − 2 = (windows of 5 equal modules in it) + 2.
    let eq1 = !(r ^ (r >> 1)) & (valid >> 1);
    let eq4 = eq1 & (eq1 >> 1) & (eq1 >> 2) & (eq1 >> 3);
    let starts = eq4 & !(eq1 << 1);
    let n1 = eq4.count_ones() as i32 + 2 * starts.count_ones() as i32;
    // N3. Units 1 and 2 cover nearly every pattern; unit n needs a dark run of 3n, so the
    // search stops at the first n without one.
    let mut n3 = finder_like::<1>(r, size);
    if run_mask(r, 6) != 0 {
        n3 += finder_like::<2>(r, size);
        let mut n = 3;
        while 7 * n <= size && run_mask(r, 3 * n) != 0 {
            let core = finder_core(r, n);
            if core != 0 {
                n3 += finder_count(r, n, core);
            }
            n += 1;
        }
    }
    n1 + 40 * n3
}

/// [`penalty`] from row and column bitsets (size ≤ 128).
#[cfg(test)]
fn penalty_bits(rows: &[u128], cols: &[u128], size: usize) -> i32 {
    penalty_bits_bounded(rows, cols, size, i32::MAX).unwrap_or(i32::MAX)
}

/// The terms of the penalty that need only the rows: N2, N4, and N1/N3 along the rows.
fn rows_penalty(rows: &[u128], size: usize) -> i32 {
    let mut score = 0;
    // N2: x where modules (x, y), (x+1, y), (x, y+1), (x+1, y+1) agree, for x < size - 1.
    let valid = (1u128 << (size - 1)) - 1;
    for pair in rows.windows(2) {
        let same_v = !(pair[0] ^ pair[1]);
        let same_h = !(pair[0] ^ (pair[0] >> 1));
        score += 3 * (same_v & (same_v >> 1) & same_h & valid).count_ones() as i32;
    }
    let dark: i32 = rows.iter().map(|r| r.count_ones() as i32).sum();
    let total = (size * size) as i32;
    let k = ((dark * 20 - total * 10).abs() + total - 1) / total - 1;
    score += k * 10;
    for &line in rows {
        score += line_penalty_bits(line, size);
    }
    score
}

/// [`penalty_bits`], giving up (`None`) as soon as the score exceeds `bound`: every term is
/// non-negative, so a mask that passes the best score so far can never win.
#[cfg(test)]
fn penalty_bits_bounded(rows: &[u128], cols: &[u128], size: usize, bound: i32) -> Option<i32> {
    // The cheap terms first, so the bound bites early.
    let mut score = 0;
    // N2: x where modules (x, y), (x+1, y), (x, y+1), (x+1, y+1) agree, for x < size - 1.
    let valid = (1u128 << (size - 1)) - 1;
    for pair in rows.windows(2) {
        let same_v = !(pair[0] ^ pair[1]);
        let same_h = !(pair[0] ^ (pair[0] >> 1));
        score += 3 * (same_v & (same_v >> 1) & same_h & valid).count_ones() as i32;
    }
    let dark: i32 = rows.iter().map(|r| r.count_ones() as i32).sum();
    let total = (size * size) as i32;
    let k = ((dark * 20 - total * 10).abs() + total - 1) / total - 1;
    score += k * 10;
    for &line in rows.iter().chain(cols) {
        if score > bound {
            return None;
        }
        score += line_penalty_bits(line, size);
    }
    (score <= bound).then_some(score)
}

/// The ISO/IEC 18004 §7.8.3 penalty: N1 runs, N2 blocks, N3 finder-like patterns, N4 balance.
fn penalty(m: &[u8], size: usize) -> i32 {
    let mut score = 0;
    for row in m.chunks_exact(size) {
        score += line_penalty(row.iter().copied(), size);
    }
    for x in 0..size {
        score += line_penalty(m[x..].iter().step_by(size).copied(), size);
    }
    for (upper, lower) in m.chunks_exact(size).zip(m.chunks_exact(size).skip(1)) {
        for x in 0..size - 1 {
            let c = upper[x];
            if c == upper[x + 1] && c == lower[x] && c == lower[x + 1] {
                score += 3;
            }
        }
    }
    let dark = m.iter().map(|&d| i32::from(d)).sum::<i32>();
    let total = (size * size) as i32;
    let k = ((dark * 20 - total * 10).abs() + total - 1) / total - 1;
    score + k * 10
}

/// The zlib compressor for PNG image data, reused across images: resetting a compressor costs
/// far less than building one per image.
pub struct PngDeflater(flate2::Compress);

impl PngDeflater {
    /// A compressor at zlib `level` (0–9; 1 is fast and, with the "Up" filter, small).
    pub fn new(level: u32) -> PngDeflater {
        PngDeflater(flate2::Compress::new(
            flate2::Compression::new(level.min(9)),
            true,
        ))
    }

    fn deflate(&mut self, data: &[u8]) -> Result<Vec<u8>, QrError> {
        self.0.reset();
        let mut out = Vec::with_capacity(data.len() / 4 + 64);
        loop {
            let consumed = usize::try_from(self.0.total_in())
                .unwrap_or(usize::MAX)
                .min(data.len());
            match self
                .0
                .compress_vec(&data[consumed..], &mut out, flate2::FlushCompress::Finish)
            {
                Ok(flate2::Status::StreamEnd) => return Ok(out),
                // Out of room (the only way Finish stops short): grow and continue.
                Ok(_) => out.reserve(out.capacity().max(64)),
                Err(_) => return Err(QrError::Compress),
            }
        }
    }
}

/// A 1-bit grey PNG: `scale` pixels per module and a 4-module quiet zone. Each module row
/// is one scanline repeated; the repeats use the PNG "Up" filter (all zeros), so even fast
/// compression makes small files.
pub fn png(code: &QrCode, scale: usize, deflater: &mut PngDeflater) -> Result<Vec<u8>, QrError> {
    let quiet = 4;
    let side = (code.size + 2 * quiet) * scale;
    let row_bytes = side.div_ceil(8);
    let mut raw = Vec::with_capacity((row_bytes + 1) * side);
    let mut line = vec![0u8; row_bytes];
    for my in 0..code.size + 2 * quiet {
        line.fill(0xFF);
        if (quiet..quiet + code.size).contains(&my) {
            // Paint each horizontal run of dark modules as one span of pixels.
            code.for_each_dark_run(my - quiet, |start, end| {
                clear_bits(&mut line, (start + quiet) * scale, (end + quiet) * scale);
            });
        }
        raw.push(0); // filter: none
        raw.extend_from_slice(&line);
        for _ in 1..scale {
            raw.push(2); // filter: up (identical to the row above)
            raw.resize(raw.len() + row_bytes, 0);
        }
    }
    let mut out = Vec::with_capacity(raw.len() / 8 + 128);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&(side as u32).to_be_bytes());
    ihdr.extend_from_slice(&(side as u32).to_be_bytes());
    ihdr.extend_from_slice(&[1, 0, 0, 0, 0]); // bit depth 1, greyscale
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &deflater.deflate(&raw)?);
    chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

/// Clears bits `from..to` of a big-endian bit row (dark pixels are 0 in a grey PNG).
fn clear_bits(line: &mut [u8], from: usize, to: usize) {
    if from >= to {
        return;
    }
    let (first, last) = (from / 8, (to - 1) / 8);
    let head = 0xFFu8 >> (from % 8);
    let tail = 0xFFu8 << (7 - (to - 1) % 8);
    if first == last {
        line[first] &= !(head & tail);
    } else {
        line[first] &= !head;
        line[first + 1..last].fill(0);
        line[last] &= !tail;
    }
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// An SVG with one path; horizontal runs of dark modules are merged.
pub fn svg(code: &QrCode) -> String {
    let quiet = 4;
    let side = code.size + 2 * quiet;
    let mut d = String::with_capacity(code.size * code.size);
    for y in 0..code.size {
        code.for_each_dark_run(y, |start, end| {
            d.push_str(&format!(
                "M{} {}h{}v1h-{}z",
                start + quiet,
                y + quiet,
                end - start,
                end - start
            ));
        });
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{d}\"/></svg>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str, ecc: Ecc) -> qrcodegen::QrCode {
        let level = match ecc {
            Ecc::Low => qrcodegen::QrCodeEcc::Low,
            Ecc::Medium => qrcodegen::QrCodeEcc::Medium,
            Ecc::Quartile => qrcodegen::QrCodeEcc::Quartile,
            Ecc::High => qrcodegen::QrCodeEcc::High,
        };
        let segs = vec![qrcodegen::QrSegment::make_alphanumeric(text)];
        qrcodegen::QrCode::encode_segments_advanced(
            &segs,
            level,
            qrcodegen::Version::MIN,
            qrcodegen::Version::MAX,
            None,
            false,
        )
        .unwrap()
    }

    fn same_as_reference(text: &str, ecc: Ecc) {
        let ours = encode(text, ecc).unwrap();
        let theirs = reference(text, ecc);
        assert_eq!(ours.size as i32, theirs.size(), "{text:?}");
        assert_eq!(
            ours.mask,
            theirs.mask().value(),
            "mask for {} chars",
            text.len()
        );
        for y in 0..ours.size {
            for x in 0..ours.size {
                assert_eq!(
                    ours.dark(x, y),
                    theirs.get_module(x as i32, y as i32),
                    "({x},{y})"
                );
            }
        }
    }

    #[test]
    fn matches_the_reference_encoder_on_every_version_and_level() {
        let alphabet = ALPHANUMERIC;
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for ecc in [Ecc::Low, Ecc::Medium, Ecc::Quartile, Ecc::High] {
            for len in (1..1900).step_by(37) {
                let text: String = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        char::from(alphabet[(seed % 45) as usize])
                    })
                    .collect();
                if encode(&text, ecc).is_ok() {
                    same_as_reference(&text, ecc);
                }
            }
        }
        same_as_reference("HC1:", Ecc::Quartile);
    }

    /// The bit-parallel line penalty equals the module-by-module one, including finder-like
    /// patterns of every unit size placed at every position.
    #[test]
    fn bitset_line_penalty_matches_scalar() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut rand = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for size in [21usize, 45, 89, 117, 120, 125] {
            for trial in 0..400 {
                let mut line: Vec<u8> = (0..size)
                    .map(|_| u8::from(rand().is_multiple_of(2 + trial % 4)))
                    .collect();
                // Plant a 1:1:3:1:1 pattern with unit n and light margins at a random place.
                let n = 1 + (trial % 4) as usize;
                let pattern: Vec<u8> = [0u8; 4]
                    .iter()
                    .copied()
                    .chain(
                        [1u8, 0, 1, 1, 1, 0, 1]
                            .iter()
                            .flat_map(|&b| std::iter::repeat_n(b, n)),
                    )
                    .chain([0u8; 4])
                    .collect();
                if pattern.len() <= size {
                    let at = (rand() as usize) % (size - pattern.len() + 1);
                    line[at..at + pattern.len()].copy_from_slice(&pattern);
                }
                let bits = line
                    .iter()
                    .enumerate()
                    .fold(0u128, |acc, (i, &b)| acc | (u128::from(b) << i));
                assert_eq!(
                    line_penalty_bits(bits, size),
                    line_penalty(line.iter().copied(), size),
                    "size {size} n {n} line {line:?}"
                );
            }
        }
    }

    /// The bitset penalty equals the module-by-module one on random matrices.
    #[test]
    fn bitset_penalty_matches_scalar() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for size in [21usize, 25, 57, 89, 117, 125] {
            for density in [2u64, 3, 5, 9] {
                let m: Vec<u8> = (0..size * size)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        u8::from(seed.is_multiple_of(density))
                    })
                    .collect();
                let (rows, cols) = bitsets(&m, size);
                assert_eq!(
                    penalty_bits(&rows, &cols, size),
                    penalty(&m, size),
                    "size {size}"
                );
            }
        }
    }

    #[test]
    fn rejects_what_it_cannot_encode() {
        assert_eq!(encode("hc1:", Ecc::Quartile), Err(QrError::NotAlphanumeric));
        assert_eq!(encode(&"A".repeat(5000), Ecc::Low), Err(QrError::TooLong));
    }

    #[test]
    fn png_and_svg_decode_back() {
        let text = "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9D-OEKDJFR9ZTCN0AF-0O/05ALPN6Y7KU2C7UL0DI++B/P4IU4.6UC*H";
        let code = encode(text, Ecc::Quartile).unwrap();
        let png = png(&code, 3, &mut PngDeflater::new(6)).unwrap();
        let img = image::load_from_memory(&png).unwrap().into_luma8();
        assert_eq!(img.width() as usize, (code.size + 8) * 3);
        let found = hcert::decode_qr(
            hcert::LumaImage {
                width: img.width(),
                height: img.height(),
                pixels: img.as_raw(),
            },
            hcert::QrStrategy::RobustOnly,
        )
        .unwrap();
        assert_eq!(found, vec![text.to_string()]);
        let s = svg(&code);
        assert!(s.starts_with("<svg") && s.contains("<path"));
    }
}
