//! Source documents: a manifest (`sources/NAME.toml`) beside the verbatim text.
//!
//! The text file is kept exactly as received, so its SHA-256 can pin it: an
//! edit to the text changes the hash, and the loader refuses to run until a
//! curator has looked at what moved and updated the manifest. Structure that
//! the raw text cannot express (which line is the title, which paragraphs a
//! page break cut in two) is stated in the manifest's `[layout]`, by line
//! number, and checked against the text.

use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::{SeedError, SeedErrors, hash_file, hex, read_text, toml_error};
use crate::model::is_valid_slug;

#[derive(Debug, Clone)]
pub struct Source {
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub title_en: Option<String>,
    pub publisher: String,
    pub publisher_en: Option<String>,
    /// ISO date, `YYYY-MM-DD`.
    pub published: String,
    pub url: Option<String>,
    pub language: String,
    pub sha256: String,
    /// Slugs of the records (events) this source reports on.
    pub about: Vec<String>,
    pub blocks: Vec<Block>,
    /// Misprints in the text as published, with their intended readings. The
    /// text and its hash stay as received; spans quote the misprint.
    pub errata: Vec<Erratum>,
    /// Where the manifest lives, for error messages about the source.
    pub manifest: std::path::PathBuf,
    /// The text file, for reports that point curators at a line of it.
    pub text_file: std::path::PathBuf,
    pub manifest_line_of_about: usize,
    /// The hash the manifest pins, when the text no longer has it: the
    /// source is then read as it is now only so that each citation it
    /// affects can be named with how its paragraph changed (the load fails).
    pub changed_from: Option<String>,
}

impl Source {
    /// Body paragraph `n` (1-based), if it exists.
    pub fn paragraph(&self, n: u32) -> Option<&Block> {
        self.blocks.iter().find(|b| b.n == Some(n))
    }

    pub fn paragraphs(&self) -> impl Iterator<Item = &Block> {
        self.blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Paragraph)
    }

    /// The errata of block `index` (a position in `blocks`), in text order.
    pub fn errata_of(&self, index: usize) -> impl Iterator<Item = &Erratum> {
        self.errata.iter().filter(move |e| e.block == index)
    }

    /// Block `index`'s text with each erratum's reading in place of the
    /// published words, if it has errata: what search also matches.
    pub fn corrected(&self, index: usize) -> Option<String> {
        let text = &self.blocks.get(index)?.text;
        let mut errata: Vec<&Erratum> = self.errata_of(index).collect();
        if errata.is_empty() {
            return None;
        }
        errata.sort_by_key(|e| e.offset);
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for e in errata {
            out.extend(&chars[at..e.offset]);
            out.push_str(&e.reading);
            at = e.offset + e.published.chars().count();
        }
        out.extend(&chars[at..]);
        Some(out)
    }
}

/// A misprint in the source as published, from the manifest's `[[errata]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erratum {
    /// The text-file line the manifest names.
    pub line: usize,
    /// Position of the block in [`Source::blocks`].
    pub block: usize,
    /// The body paragraph's number, if the block is one (else a heading).
    pub paragraph: Option<u32>,
    /// Where `published` starts in the block's text, in characters.
    pub offset: usize,
    pub published: String,
    pub reading: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Title,
    Subtitle,
    Heading,
    Paragraph,
    Dateline,
}

impl BlockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Title => "title",
            BlockKind::Subtitle => "subtitle",
            BlockKind::Heading => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::Dateline => "dateline",
        }
    }
}

/// One block of the source as published: a title, a heading, a dateline or a
/// numbered body paragraph.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// The permanent paragraph number, for body paragraphs only.
    pub n: Option<u32>,
    pub text: String,
    /// First line of the block in the text file.
    pub line: usize,
    /// Each text-file line of the block, with the character offset in `text`
    /// where it starts: a paragraph a page break cut spans several.
    pub lines: Vec<(usize, usize)>,
}

impl Block {
    /// The text-file line holding character `offset` of the block's text.
    pub fn line_at(&self, offset: usize) -> usize {
        self.lines
            .iter()
            .take_while(|(_, start)| *start <= offset)
            .last()
            .map_or(self.line, |(line, _)| *line)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    slug: Spanned<String>,
    file: Spanned<String>,
    sha256: Spanned<String>,
    publisher: String,
    publisher_en: Option<String>,
    published: Spanned<String>,
    title_en: Option<String>,
    url: Option<String>,
    language: String,
    about: Option<Spanned<Vec<String>>>,
    layout: Layout,
    #[serde(default)]
    errata: Vec<Spanned<RawErratum>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawErratum {
    line: usize,
    published: String,
    reading: String,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Layout {
    title: Spanned<usize>,
    subtitle: Option<Spanned<usize>>,
    #[serde(default)]
    headings: Vec<Spanned<usize>>,
    dateline: Option<Spanned<usize>>,
    #[serde(default)]
    joins: Vec<Spanned<[usize; 2]>>,
}

/// Characters that may end a complete paragraph. A body paragraph that ends
/// otherwise was almost certainly cut by a page break.
pub(super) const TERMINAL: &[char] = &[
    '。', '！', '？', '…', '”', '」', '』', '）', ')', '.', '!', '?',
];

pub(super) fn load(path: &Path, hasher: &mut Sha256, errors: &mut SeedErrors) -> Option<Source> {
    let (text, bytes) = read_text(path, errors)?;
    hash_file(hasher, path, &bytes);
    from_manifest(path, &text, errors, |text_path, file_line, errors| {
        if !text_path.is_file() {
            errors.push(SeedError::at(
                path,
                file_line,
                format!("source text `{}` not found", text_path.display()),
            ));
            return None;
        }
        let (body, body_bytes) = read_text(text_path, errors)?;
        hash_file(hasher, text_path, &body_bytes);
        Some((body, body_bytes))
    })
}

/// A manifest not yet on disk, checked against the text it will sit beside
/// exactly as [`load`] would check it: what `source add` runs before it
/// writes anything.
pub(super) fn check_unwritten(
    manifest_path: &Path,
    manifest_text: &str,
    body: &[u8],
) -> Result<Source, SeedErrors> {
    let mut errors = SeedErrors::default();
    let source = from_manifest(manifest_path, manifest_text, &mut errors, |_, _, _| {
        let text = std::str::from_utf8(body).ok()?;
        Some((text.to_owned(), body.to_vec()))
    });
    match source {
        Some(s) if errors.is_empty() => Ok(s),
        _ => Err(errors),
    }
}

/// Parses and checks a manifest; `read_body` reads the text file it names
/// (given the path and the manifest line of `file`).
fn from_manifest(
    path: &Path,
    text: &str,
    errors: &mut SeedErrors,
    read_body: impl FnOnce(&Path, usize, &mut SeedErrors) -> Option<(String, Vec<u8>)>,
) -> Option<Source> {
    let manifest: Manifest = match toml::from_str(text) {
        Ok(m) => m,
        Err(e) => {
            errors.push(toml_error(path, text, &e));
            return None;
        }
    };
    let line = |span: std::ops::Range<usize>| super::line_of(text.as_bytes(), span.start);
    let before = errors.len();

    if !is_valid_slug(manifest.slug.get_ref()) {
        errors.push(SeedError::at(
            path,
            line(manifest.slug.span()),
            format!(
                "invalid slug `{}`: use lowercase ASCII words joined by hyphens",
                manifest.slug.get_ref()
            ),
        ));
    }
    if !is_iso_date(manifest.published.get_ref()) {
        errors.push(SeedError::at(
            path,
            line(manifest.published.span()),
            "`published` must be a date written YYYY-MM-DD",
        ));
    }
    let file_name = manifest.file.get_ref();
    if file_name.contains(['/', '\\']) || file_name.starts_with('.') {
        errors.push(SeedError::at(
            path,
            line(manifest.file.span()),
            "`file` must name a file in the same directory as the manifest",
        ));
        return None;
    }
    let text_path = path.with_file_name(file_name);
    let (body, body_bytes) = read_body(&text_path, line(manifest.file.span()), errors)?;
    let actual = hex(&Sha256::digest(&body_bytes));
    let changed_from = (&actual != manifest.sha256.get_ref()).then(|| {
        errors.push(SeedError::at(
            path,
            line(manifest.sha256.span()),
            format!(
                "source text `{}` changed: its sha256 is {actual}, the manifest pins {}; each \
                 citation whose words its paragraph no longer holds is listed with how the \
                 paragraph changed. Review those records; once none is left, update `sha256`",
                text_path.display(),
                manifest.sha256.get_ref()
            ),
        ));
        manifest.sha256.get_ref().clone()
    });

    let blocks = layout_blocks(&body, &manifest.layout, path, text, errors);
    let errata = check_errata(&manifest.errata, &body, &blocks, path, text, errors);
    // Errors other than the changed hash make the source unusable.
    if errors.len() > before + usize::from(changed_from.is_some()) {
        return None;
    }
    // A changed text is kept (the load fails on the error above) so that
    // the records' citations of it can be checked against what it now says.
    let title = blocks
        .iter()
        .find(|b| b.kind == BlockKind::Title)
        .map(|b| b.text.clone())
        .unwrap_or_default();
    let subtitle = blocks
        .iter()
        .find(|b| b.kind == BlockKind::Subtitle)
        .map(|b| b.text.clone());
    Some(Source {
        slug: manifest.slug.into_inner(),
        title,
        subtitle,
        title_en: manifest.title_en,
        publisher: manifest.publisher,
        publisher_en: manifest.publisher_en,
        published: manifest.published.into_inner(),
        url: manifest.url,
        language: manifest.language,
        sha256: actual,
        manifest_line_of_about: manifest.about.as_ref().map(|a| line(a.span())).unwrap_or(1),
        about: manifest.about.map(Spanned::into_inner).unwrap_or_default(),
        blocks,
        errata,
        manifest: path.to_path_buf(),
        text_file: text_path,
        changed_from,
    })
}

/// (first line, text, lines with their offsets) of each block in the raw file.
type RawBlock = (usize, String, Vec<(usize, usize)>);

/// The text's blank-line separated blocks, as the file has them (before any
/// join). The layout proposal reads the same blocks as the loader.
pub(super) fn raw_blocks(body: &str) -> Vec<RawBlock> {
    let mut raw: Vec<RawBlock> = Vec::new();
    let mut current: Option<RawBlock> = None;
    for (i, l) in body.lines().enumerate() {
        let l = l.trim_end_matches('\r');
        if l.trim().is_empty() {
            if let Some(b) = current.take() {
                raw.push(b);
            }
        } else {
            match &mut current {
                // Lines of one block are joined as the PDF broke them: with
                // nothing between, as Chinese text has no inter-word spaces.
                Some((_, t, lines)) => {
                    lines.push((i + 1, t.chars().count()));
                    t.push_str(l.trim());
                }
                None => current = Some((i + 1, l.trim().to_owned(), vec![(i + 1, 0)])),
            }
        }
    }
    if let Some(b) = current.take() {
        raw.push(b);
    }
    raw
}

/// Splits the text into blank-line separated blocks, assigns each the role
/// the layout gives it, joins page-broken paragraphs and numbers the body.
fn layout_blocks(
    body: &str,
    layout: &Layout,
    manifest: &Path,
    manifest_text: &str,
    errors: &mut SeedErrors,
) -> Vec<Block> {
    let mline = |span: std::ops::Range<usize>| super::line_of(manifest_text.as_bytes(), span.start);
    let raw = raw_blocks(body);

    let find = |line: usize| raw.iter().position(|(l, _, _)| *l == line);
    let mut roles: Vec<Option<BlockKind>> = vec![None; raw.len()];
    let mut assign = |spanned: &Spanned<usize>, kind: BlockKind, errors: &mut SeedErrors| {
        let at = *spanned.get_ref();
        match find(at) {
            Some(i) => roles[i] = Some(kind),
            None => errors.push(SeedError::at(
                manifest,
                mline(spanned.span()),
                format!("layout names line {at}, but no block of the source text starts there"),
            )),
        }
    };
    assign(&layout.title, BlockKind::Title, errors);
    if let Some(s) = &layout.subtitle {
        assign(s, BlockKind::Subtitle, errors);
    }
    for h in &layout.headings {
        assign(h, BlockKind::Heading, errors);
    }
    if let Some(d) = &layout.dateline {
        assign(d, BlockKind::Dateline, errors);
    }

    // Joins: the second block continues the first, which must be the block
    // just before it and must not already end a sentence.
    let mut continues = vec![false; raw.len()];
    for j in &layout.joins {
        let [a, b] = *j.get_ref();
        let at = mline(j.span());
        match (find(a), find(b)) {
            (Some(ia), Some(ib)) if ib == ia + 1 => {
                if raw[ia].1.ends_with(TERMINAL) {
                    errors.push(SeedError::at(
                        manifest,
                        at,
                        format!(
                            "join [{a}, {b}]: line {a} already ends a sentence; nothing to join"
                        ),
                    ));
                }
                continues[ib] = true;
            }
            (Some(_), Some(_)) => errors.push(SeedError::at(
                manifest,
                at,
                format!("join [{a}, {b}]: line {b} is not the block right after line {a}"),
            )),
            _ => errors.push(SeedError::at(
                manifest,
                at,
                format!(
                    "join [{a}, {b}]: no block of the source text starts at one of these lines"
                ),
            )),
        }
    }

    let mut blocks: Vec<Block> = Vec::new();
    for (i, (line, text, lines)) in raw.iter().enumerate() {
        if continues[i] {
            if let Some(prev) = blocks.last_mut() {
                let base = prev.text.chars().count();
                prev.lines
                    .extend(lines.iter().map(|(l, off)| (*l, base + off)));
                prev.text.push_str(text);
            }
            continue;
        }
        blocks.push(Block {
            kind: roles[i].unwrap_or(BlockKind::Paragraph),
            n: None,
            text: text.clone(),
            line: *line,
            lines: lines.clone(),
        });
    }
    let mut n = 0;
    for b in &mut blocks {
        if b.kind == BlockKind::Paragraph {
            n += 1;
            b.n = Some(n);
            if !b.text.ends_with(TERMINAL) {
                errors.push(SeedError::at(
                    manifest,
                    mline(layout.title.span()),
                    format!(
                        "paragraph {n} (text line {}) ends mid-sentence (\"…{}\"); if a page break cut it, \
                         add [{}, NEXT_LINE] to layout.joins",
                        b.line,
                        tail(&b.text, 8),
                        b.line
                    ),
                ));
            }
        }
    }
    if n == 0 {
        errors.push(SeedError::at(
            manifest,
            1,
            "the source text has no body paragraphs",
        ));
    }
    blocks
}

/// Each erratum must point at words that stand exactly once on its line, in
/// a body paragraph or a heading, so the note lands beside the right words;
/// two errata may not overlap.
fn check_errata(
    raws: &[Spanned<RawErratum>],
    body: &str,
    blocks: &[Block],
    manifest: &Path,
    manifest_text: &str,
    errors: &mut SeedErrors,
) -> Vec<Erratum> {
    let lines: Vec<&str> = body.lines().collect();
    let mut out: Vec<Erratum> = Vec::new();
    for raw in raws {
        let at = super::line_of(manifest_text.as_bytes(), raw.span().start);
        let r = raw.get_ref();
        let mut err = |m: String| errors.push(SeedError::at(manifest, at, format!("erratum: {m}")));
        if r.published.is_empty() || r.reading.trim().is_empty() {
            err("`published` and `reading` must not be empty".into());
            continue;
        }
        if r.published == r.reading {
            err(format!("`reading` repeats `published` \"{}\"", r.published));
            continue;
        }
        if r.line == 0 || r.line > lines.len() {
            err(format!(
                "line {} is not in the text, which has {} lines",
                r.line,
                lines.len()
            ));
            continue;
        }
        let line_text = lines[r.line - 1].trim_end_matches('\r').trim();
        let count = line_text.matches(r.published.as_str()).count();
        if count != 1 {
            err(format!(
                "\"{}\" occurs {count} times on line {}; it must occur exactly once (quote more \
                 of its context)",
                r.published, r.line
            ));
            continue;
        }
        let Some((index, block, line_start)) = blocks.iter().enumerate().find_map(|(i, b)| {
            b.lines
                .iter()
                .find(|(l, _)| *l == r.line)
                .map(|(_, start)| (i, b, *start))
        }) else {
            err(format!("line {} is blank", r.line));
            continue;
        };
        if !matches!(block.kind, BlockKind::Paragraph | BlockKind::Heading) {
            err(format!(
                "line {} is the {}; errata belong to body paragraphs and headings",
                r.line,
                block.kind.as_str()
            ));
            continue;
        }
        let byte = line_text.find(r.published.as_str()).unwrap_or_default();
        let offset = line_start + line_text[..byte].chars().count();
        let end = offset + r.published.chars().count();
        if let Some(other) = out.iter().find(|e| {
            e.block == index && e.offset < end && offset < e.offset + e.published.chars().count()
        }) {
            err(format!(
                "overlaps the erratum \"{}\" on line {}",
                other.published, other.line
            ));
            continue;
        }
        out.push(Erratum {
            line: r.line,
            block: index,
            paragraph: block.n,
            offset,
            published: r.published.clone(),
            reading: r.reading.trim().to_owned(),
            note: r
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
        });
    }
    out
}

fn tail(s: &str, chars: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(chars)).collect()
}

pub(crate) fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A source's `about` must name existing records.
pub(super) fn check_about(sources: &[Source], records: &[super::Record], errors: &mut SeedErrors) {
    for s in sources {
        for slug in &s.about {
            if !records.iter().any(|r| &r.slug == slug) {
                errors.push(SeedError::at(
                    &s.manifest,
                    s.manifest_line_of_about,
                    format!("`about` names `{slug}`, which is not a record"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2025-06-18"));
        assert!(!is_iso_date("2025-6-18"));
        assert!(!is_iso_date("18 June 2025"));
    }

    #[test]
    fn tail_counts_chars() {
        assert_eq!(tail("中国同中亚五国", 3), "亚五国");
    }
}
