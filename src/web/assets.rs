//! Fingerprints for static files. Pages link `/static/style.css?v=…` with a
//! hash of the static directory, and the cache layer marks such URLs
//! `immutable`: browsers and CDNs keep them for a year, and a new release
//! with changed files changes every link.

use std::path::Path;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

static VERSION: OnceLock<String> = OnceLock::new();

/// A hash over the names and bytes of the files directly in `dir`, sorted.
pub fn fingerprint(dir: &Path) -> String {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    let mut hasher = Sha256::new();
    for path in files {
        hasher.update(path.file_name().unwrap_or_default().as_encoded_bytes());
        hasher.update([0]);
        hasher.update(std::fs::read(&path).unwrap_or_default());
    }
    crate::hex::hex_prefix(&hasher.finalize(), 10)
}

/// Fixes the version for this process from `dir`, on first call; templates
/// read it with [`version`]. One process serves one static directory.
pub fn init(dir: &Path) -> &'static str {
    VERSION.get_or_init(|| fingerprint(dir))
}

/// The static files' fingerprint, for links in templates.
pub fn version() -> &'static str {
    VERSION.get().map(String::as_str).unwrap_or("")
}
