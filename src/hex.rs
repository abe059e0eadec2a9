//! Hex digits of digests, for data versions, fingerprints and `ETag`s.

/// The first `chars` hex digits of `bytes`.
pub fn hex_prefix(bytes: &[u8], chars: usize) -> String {
    let mut h = hex(bytes);
    h.truncate(chars);
    h
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
