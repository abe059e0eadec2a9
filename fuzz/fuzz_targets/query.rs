//! Anything typed into the search box, as bytes: query parsing, folding,
//! pinyin, the SQL condition and highlighting must hold their invariants
//! (see `src/search/invariants.rs`) and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    summitkb::search::invariants::check(&String::from_utf8_lossy(data));
});
