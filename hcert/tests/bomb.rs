//! A 1 GiB zlib bomb behind a valid prefix fails fast with bounded memory.
//!
//! This binary holds one test so that the counting allocator sees nothing else. Time is
//! measured in the `pipeline` benchmark, not here.
#![allow(clippy::unwrap_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

#[allow(unsafe_code)]
// SAFETY: defers to the system allocator and only keeps counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// 1 GiB of zeros, zlib-compressed, streamed so the test itself stays small.
fn bomb() -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        enc.write_all(&chunk).unwrap();
    }
    enc.finish().unwrap()
}

#[test]
fn zlib_bomb_is_refused_with_bounded_memory() {
    let compressed = bomb();
    let text = format!("HC1:{}", base45::encode(&compressed));
    drop(compressed);
    let limit = 64 << 20;

    // Default limits: far longer than any QR code, refused before decoding.
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let e = hcert::decode(&text).unwrap_err();
    assert_eq!(e.code(), "INPUT_TOO_LARGE");
    assert!(PEAK.load(Ordering::SeqCst) - base < limit);

    // Even with the input limit lifted, inflating stops at the output cap.
    let limits = hcert::Limits {
        max_input: usize::MAX,
        ..hcert::Limits::default()
    };
    PEAK.store(CURRENT.load(Ordering::SeqCst), Ordering::SeqCst);
    let e = hcert::decode_with(&text, limits).unwrap_err();
    assert_eq!(
        e,
        hcert::Error::DecompressedTooLarge {
            max: limits.max_inflated
        }
    );
    let used = PEAK.load(Ordering::SeqCst) - base;
    println!("peak heap while rejecting the bomb: {} KiB", used >> 10);
    assert!(used < limit, "used {used} bytes");
}
