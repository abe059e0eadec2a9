//! Search: text normalisation (shared by the index and the query), query
//! building, ranking, filters and facets, and highlighting. This module knows no SQL connection: the
//! importer asks it for the index columns, the read queries for conditions.
//!
//! The index is an FTS5 table with the `trigram` tokenizer over three folded
//! columns per record or paragraph: `names` (title, aliases, English name),
//! `pinyin` (of the names, with initials), `linked` (names of the records it
//! links to) and `body` (summary, fields, quoted words, or the paragraph
//! text). A second FTS5 table, the term index ([`terms`]), lists each row's
//! Latin words and its one- and two-character substrings. See [`query`]
//! for how a query becomes SQL: trigram phrases, term-index tokens for
//! short terms and short Latin words, with
//! synonyms ([`plan`]), corrected spellings ([`fuzzy`]) and, when nothing
//! matches exactly, Chinese characters in order or a name's words in any
//! order ([`segment`]).

pub mod facets;
pub mod fuzzy;
pub mod highlight;
#[cfg(any(test, fuzzing))]
pub mod invariants;
pub mod kinds;
pub mod normalize;
pub mod plan;
pub mod query;
pub mod rank;
pub mod segment;
pub mod terms;

pub use facets::{Facets, Filters};
pub use normalize::{fold, pinyin};
pub use plan::{Alternative, Clause, How, Plan};
pub use query::Query;

/// Index columns for one record, folded.
pub struct IndexColumns {
    pub names: String,
    pub pinyin: String,
    pub linked: String,
    pub body: String,
}

/// Builds the index columns from a record's names and body texts.
pub fn index_columns<'a>(
    names: impl IntoIterator<Item = &'a str>,
    chinese_names: impl IntoIterator<Item = &'a str>,
    linked: impl IntoIterator<Item = &'a str>,
    body: impl IntoIterator<Item = &'a str>,
) -> IndexColumns {
    let names: Vec<String> = names.into_iter().map(fold).collect();
    let mut py = Vec::new();
    for n in chinese_names {
        let (full, initials) = pinyin(n);
        py.push(full);
        py.push(initials);
        // Syllable by syllable too, so that a short Latin term (xi) can be
        // matched as a whole syllable and never inside one (xiao). Two
        // spaces between syllables, so that a `LIKE` pattern can ask for
        // each syllable with a space on both sides, in order
        // (`% zhong % ha %`).
        py.push(normalize::syllables(n).join("  "));
    }
    let body: Vec<String> = body.into_iter().map(fold).collect();
    let linked: Vec<String> = linked.into_iter().map(fold).collect();
    IndexColumns {
        names: names.join(" | "),
        pinyin: py.join(" | "),
        linked: linked.join(" | "),
        body: body.join(" | "),
    }
}
