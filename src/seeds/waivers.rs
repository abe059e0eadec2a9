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
//!
//! [[sentence]]
//! source = "wang-yi-2025-china-central-asia-summit"
//! p = 3
//! text = "这一机制契合各方需求、顺应历史潮流，一经成立即展现出蓬勃生机，实现了快速发展。"
//! reason = "rhetoric, no outcome: appraisal of the mechanism"
//! ```
//!
//! A sentence waiver's `text` is the sentence exactly as the check splits it
//! ([`super::coverage::sentences`]); one that is not a sentence of its
//! paragraph is stale, and an error, so that a waiver cannot outlive the
//! text it excused.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::Sha256;
use toml::Spanned;

use super::coverage::sentences;
use super::{SeedError, SeedErrors, Source, hash_file, line_of, read_text, toml_error};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiverKind {
    /// A body paragraph no record cites.
    Paragraph,
    /// A number in a source that no figure or record captures.
    Number,
    /// A 《title》 or “term” that is no record's title or alias.
    Term,
    /// A sentence of a body paragraph that no cited span overlaps.
    Sentence,
}

#[derive(Debug, Clone)]
pub struct Waiver {
    pub kind: WaiverKind,
    pub source: Option<String>,
    pub paragraph: Option<u32>,
    pub text: Option<String>,
    pub reason: String,
    pub file: PathBuf,
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

    /// The waiver for sentence `text` of paragraph `p`.
    pub fn sentence(&self, source: &str, p: u32, text: &str) -> Option<&Waiver> {
        self.0.iter().find(|w| {
            w.kind == WaiverKind::Sentence
                && w.source.as_deref() == Some(source)
                && w.paragraph == Some(p)
                && w.text.as_deref().map(str::trim) == Some(text)
        })
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
    #[serde(default)]
    sentence: Vec<Spanned<Raw>>,
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
        (WaiverKind::Sentence, file.sentence),
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
                WaiverKind::Sentence => {
                    let (Some(s), Some(p), Some(t)) = (source, raw.p, raw.text.as_deref()) else {
                        err("a sentence waiver needs `source`, `p` and `text`");
                        continue;
                    };
                    let Some(para) = s.paragraph(p) else {
                        err(&format!("paragraph {p} does not exist"));
                        continue;
                    };
                    let t = t.trim();
                    if !sentences(&para.text).iter().any(|x| x.text == t) {
                        err(&format!(
                            "stale waiver: \"{t}\" is not a sentence of ¶{p} as the check \
                             splits it (after each 。！？；, closing quotes kept); copy the sentence \
                             as `summitkb check` prints it"
                        ));
                    }
                    if let Some(first) = out.iter().find(|w: &&Waiver| {
                        w.kind == WaiverKind::Sentence
                            && w.source == raw.source
                            && w.paragraph == Some(p)
                            && w.text.as_deref().map(str::trim) == Some(t)
                    }) {
                        err(&format!(
                            "this sentence of ¶{p} is already waived at line {}",
                            first.line
                        ));
                    }
                }
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
                file: path.to_path_buf(),
                line,
            });
        }
    }
    Waivers(out)
}
