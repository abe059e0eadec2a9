//! `waivers.toml`: what the completeness checks may leave uncovered, each with
//! a reason a reader can judge. Kept short on purpose: every waiver is a gap a
//! curator decided not to fill.
//!
//! ```toml
//! [[paragraph]]
//! source = "wang-yi-2025-china-central-asia-summit"
//! p = 3
//! reason = "commentary on world opinion; no outcome, person or figure"
//!
//! [[number]]
//! source = "wang-yi-2025-china-central-asia-summit"
//! text = "80周年"
//! reason = "…"
//!
//! [[term]]
//! text = "三股势力"
//! reason = "…"
//! ```

use std::path::Path;

use serde::Deserialize;
use sha2::Sha256;
use toml::Spanned;

use super::{SeedError, SeedErrors, Source, hash_file, line_of, read_text, toml_error};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiverKind {
    /// A body paragraph no record cites.
    Paragraph,
    /// A number in a source that no figure or record captures.
    Number,
    /// A 《title》 or “term” that is no record's title or alias.
    Term,
}

#[derive(Debug, Clone)]
pub struct Waiver {
    pub kind: WaiverKind,
    pub source: Option<String>,
    pub paragraph: Option<u32>,
    pub text: Option<String>,
    pub reason: String,
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Waivers(pub Vec<Waiver>);

impl Waivers {
    pub fn paragraph(&self, source: &str, p: u32) -> Option<&Waiver> {
        self.0.iter().find(|w| {
            w.kind == WaiverKind::Paragraph
                && w.source.as_deref() == Some(source)
                && w.paragraph == Some(p)
        })
    }

    pub fn text(&self, kind: WaiverKind, text: &str) -> Option<&Waiver> {
        self.0
            .iter()
            .find(|w| w.kind == kind && w.text.as_deref() == Some(text))
    }

    pub fn count(&self, kind: WaiverKind) -> usize {
        self.0.iter().filter(|w| w.kind == kind).count()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    paragraph: Vec<Spanned<Raw>>,
    #[serde(default)]
    number: Vec<Spanned<Raw>>,
    #[serde(default)]
    term: Vec<Spanned<Raw>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    source: Option<String>,
    p: Option<u32>,
    text: Option<String>,
    reason: String,
}

pub(super) fn load(
    path: &Path,
    sources: &[Source],
    hasher: &mut Sha256,
    errors: &mut SeedErrors,
) -> Waivers {
    let Some((text, bytes)) = read_text(path, errors) else {
        return Waivers::default();
    };
    hash_file(hasher, path, &bytes);
    let file: File = match toml::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            errors.push(toml_error(path, &text, &e));
            return Waivers::default();
        }
    };
    let mut out = Vec::new();
    let groups = [
        (WaiverKind::Paragraph, file.paragraph),
        (WaiverKind::Number, file.number),
        (WaiverKind::Term, file.term),
    ];
    for (kind, raws) in groups {
        for raw in raws {
            let line = line_of(text.as_bytes(), raw.span().start);
            let raw = raw.into_inner();
            let mut err = |m: &str| errors.push(SeedError::at(path, line, m.to_owned()));
            if raw.reason.trim().is_empty() {
                err("a waiver needs a reason");
            }
            let source = raw
                .source
                .as_deref()
                .and_then(|s| sources.iter().find(|x| x.slug == s));
            if raw.source.is_some() && source.is_none() {
                err("waiver names an unknown source");
            }
            match kind {
                WaiverKind::Paragraph => match (source, raw.p) {
                    (Some(s), Some(p)) if s.paragraph(p).is_some() => {}
                    (Some(_), Some(p)) => err(&format!("paragraph {p} does not exist")),
                    _ => err("a paragraph waiver needs `source` and `p`"),
                },
                WaiverKind::Number | WaiverKind::Term => {
                    let Some(t) = raw.text.as_deref() else {
                        err("this waiver needs `text`");
                        continue;
                    };
                    let in_sources = sources
                        .iter()
                        .filter(|s| source.is_none_or(|x| x.slug == s.slug))
                        .any(|s| s.blocks.iter().any(|b| b.text.contains(t)));
                    if !in_sources {
                        err(&format!(
                            "waived text \"{t}\" does not occur in the sources"
                        ));
                    }
                }
            }
            out.push(Waiver {
                kind,
                source: raw.source,
                paragraph: raw.p,
                text: raw.text,
                reason: raw.reason,
                line,
            });
        }
    }
    Waivers(out)
}
