//! The shared reference data the data-driven tests read by path, never copied into the
//! project: `VAXPASS_SHARED_DIR`, else `../shared` beside the checkout. When it is absent, a
//! loud SKIP line says so and the test returns.

use std::path::PathBuf;

/// The shared folder (it may not exist).
pub fn root() -> PathBuf {
    std::env::var_os("VAXPASS_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// The folder `<shared>/<rel>`, or `None` after a loud SKIP line when it is absent.
pub fn path(rel: &str) -> Option<PathBuf> {
    let dir = root().join(rel);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n========== SKIP: shared reference data not found at {} (set VAXPASS_SHARED_DIR) ==========\n",
            dir.display()
        );
        None
    }
}

/// `<shared>/reference/data/<sub>`, or `None` after a loud SKIP line when it is absent.
pub fn reference_data(sub: &str) -> Option<PathBuf> {
    path(&format!("reference/data/{sub}"))
}
