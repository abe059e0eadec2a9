//! `synonyms.toml`: curated equivalences that search uses in both
//! directions, each group with a note saying why its terms are the same
//! thing to a reader.
//!
//! ```toml
//! [[synonym]]
//! terms = ["友城", "友好城市", "姐妹城市", "sister city"]
//! note = "…"
//! ```
//!
//! A query term (or run of terms) equal to one term of a group also matches
//! the group's other terms, and the result says which it matched. Terms are
//! compared folded, as search folds them, so a group may not hold the same
//! term twice in two spellings, and a term may belong to one group only:
//! otherwise equivalence would chain through it.

use std::path::Path;

use serde::Deserialize;
use sha2::Sha256;
use toml::Spanned;

use super::{SeedError, SeedErrors, hash_file, line_of, read_text, toml_error};
use crate::search::Query;

/// One group of equivalent terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymGroup {
    /// As written in the file.
    pub terms: Vec<String>,
    pub note: String,
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    synonym: Vec<Spanned<RawGroup>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    #[serde(default)]
    terms: Vec<String>,
    note: Option<String>,
}

pub(super) fn load(path: &Path, hasher: &mut Sha256, errors: &mut SeedErrors) -> Vec<SynonymGroup> {
    let Some((text, bytes)) = read_text(path, errors) else {
        return Vec::new();
    };
    hash_file(hasher, path, &bytes);
    let file: File = match toml::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            errors.push(toml_error(path, &text, &e));
            return Vec::new();
        }
    };
    let mut groups: Vec<SynonymGroup> = Vec::new();
    // Every folded term seen so far, with the line of its group.
    let mut seen: Vec<(String, usize)> = Vec::new();
    for raw in file.synonym {
        let line = line_of(text.as_bytes(), raw.span().start);
        let raw = raw.into_inner();
        let mut err = |msg: String| errors.push(SeedError::at(path, line, msg));
        let note = raw.note.as_deref().map(str::trim).unwrap_or_default();
        if note.is_empty() {
            err("a synonym group needs a `note` saying why its terms are equivalent".to_owned());
        }
        if raw.terms.len() < 2 {
            err(format!(
                "a synonym group needs at least two terms, has {}",
                raw.terms.len()
            ));
        }
        let mut ok = !note.is_empty() && raw.terms.len() >= 2;
        let mut folded_here: Vec<String> = Vec::new();
        for t in &raw.terms {
            let folded = Query::parse(t).phrase();
            if folded.is_empty() {
                err(format!(
                    "synonym term \"{t}\" has no letters or characters to search for"
                ));
                ok = false;
            } else if folded_here.contains(&folded) {
                err(format!(
                    "synonym term \"{t}\" repeats another term of its group (as search folds them)"
                ));
                ok = false;
            } else if let Some((_, other)) = seen.iter().find(|(f, _)| *f == folded) {
                err(format!(
                    "synonym term \"{t}\" is also in the group at line {other}: a term may \
                     belong to one group only"
                ));
                ok = false;
            } else {
                folded_here.push(folded);
            }
        }
        seen.extend(folded_here.into_iter().map(|f| (f, line)));
        if ok {
            groups.push(SynonymGroup {
                terms: raw.terms.iter().map(|t| t.trim().to_owned()).collect(),
                note: note.to_owned(),
                line,
            });
        }
    }
    groups
}
