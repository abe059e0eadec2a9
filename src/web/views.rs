//! View models: what templates and JSON answers are built from. They are made
//! from query rows here, so handlers stay thin and templates stay dumb.

use serde::Serialize;

use crate::dates::{Basis, DateSpan};
use crate::db::queries::{
    CitationRow, CitingRow, EditorialRow, EnglishBasisRow, ErratumRow, LinkedRow,
};
use crate::model::{EnglishBasis, FieldName, Kind, LinkRole};
pub use crate::refs::{RecordRef, kind_labels, paragraph_url, record_url};
use crate::search::highlight::{highlight, match_ranges, render_with_notes, snippet_with_notes};

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub name: String,
    pub label_zh: String,
    pub label_en: String,
    pub value: String,
}

impl FieldView {
    pub fn new(name: &str, value: &str) -> Self {
        let (zh, en) = FieldName::parse(name)
            .map(FieldName::labels)
            .unwrap_or(("", ""));
        FieldView {
            name: name.to_owned(),
            label_zh: zh.to_owned(),
            label_en: en.to_owned(),
            value: display_field_value(name, value),
        }
    }
}

fn display_field_value(name: &str, value: &str) -> String {
    if name == "date"
        && let Ok(span) = DateSpan::parse(value)
    {
        return span.to_string();
    }
    if name == "date_basis"
        && let Some(basis) = Basis::parse(value)
    {
        let (zh, en) = basis.labels();
        return format!("{zh} ({en})");
    }
    if name == "quote_type" {
        return match value {
            "direct" => "直接引语 (direct quote)",
            "paraphrase" => "转述 (paraphrase)",
            "allusion" => "典故 (classical allusion)",
            other => other,
        }
        .to_owned();
    }
    value.to_owned()
}

/// Links of one role, or backlinks from one kind, under one heading.
#[derive(Debug, Clone, Serialize)]
pub struct LinkGroup {
    pub label_zh: String,
    pub label_en: String,
    pub items: Vec<RecordRef>,
}

/// Groups outgoing links by role, in the order the roles are defined.
pub fn link_groups(rows: &[LinkedRow]) -> Vec<LinkGroup> {
    LinkRole::ALL
        .into_iter()
        .filter_map(|role| {
            let items: Vec<RecordRef> = rows
                .iter()
                .filter(|r| r.role == role.as_str())
                .map(RecordRef::from)
                .collect();
            let (zh, en) = role.labels();
            (!items.is_empty()).then(|| LinkGroup {
                label_zh: zh.to_owned(),
                label_en: en.to_owned(),
                items,
            })
        })
        .collect()
}

/// Groups backlinks by the kind of the record that makes them: on a country
/// page, its people, its agreements, the projects that cross it.
pub fn backlink_groups(rows: &[LinkedRow]) -> Vec<LinkGroup> {
    Kind::ALL
        .into_iter()
        .filter_map(|kind| {
            let mut items: Vec<RecordRef> = Vec::new();
            for r in rows.iter().filter(|r| r.kind == kind) {
                if !items.iter().any(|i| i.slug == r.slug) {
                    items.push(RecordRef::from(r));
                }
            }
            (!items.is_empty()).then(|| LinkGroup {
                label_zh: kind.label_zh().to_owned(),
                label_en: kind.label_en().to_owned(),
                items,
            })
        })
        .collect()
}

/// A text outside the sources that a record refers to.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    pub publisher: String,
    pub title: String,
    pub date: String,
    pub url: Option<String>,
}

/// Where a record's English name comes from, as the record page and the JSON
/// say it: quoted from an official English text, or our translation.
#[derive(Debug, Clone, Serialize)]
pub struct EnglishBasisView {
    /// `official` or `translation`.
    pub basis: &'static str,
    #[serde(skip)]
    pub label_zh: &'static str,
    #[serde(skip)]
    pub label_en: &'static str,
    /// The English text that uses an official name.
    pub reference: Option<ReferenceView>,
}

impl EnglishBasisView {
    pub fn from_row(row: &EnglishBasisRow) -> Option<Self> {
        let basis = EnglishBasis::parse(row.english_basis.as_deref()?)?;
        let (label_zh, label_en) = basis.labels();
        let reference = match (
            basis,
            &row.english_ref_publisher,
            &row.english_ref_title,
            &row.english_ref_date,
        ) {
            (EnglishBasis::Official, Some(p), Some(t), Some(d)) => Some(ReferenceView {
                publisher: p.clone(),
                title: t.clone(),
                date: d.clone(),
                url: row.english_ref_url.clone(),
            }),
            _ => None,
        };
        Some(EnglishBasisView {
            basis: basis.as_str(),
            label_zh,
            label_en,
            reference,
        })
    }
}

/// An editorial note: what the record adds from outside its sources.
#[derive(Debug, Clone, Serialize)]
pub struct EditorialView {
    pub text: String,
    pub text_en: Option<String>,
    #[serde(rename = "ref")]
    pub reference: ReferenceView,
}

impl From<&EditorialRow> for EditorialView {
    fn from(e: &EditorialRow) -> Self {
        EditorialView {
            text: e.text.clone(),
            text_en: e.text_en.clone(),
            reference: ReferenceView {
                publisher: e.ref_publisher.clone(),
                title: e.ref_title.clone(),
                date: e.ref_date.clone(),
                url: e.ref_url.clone(),
            },
        }
    }
}

/// A misprint in a paragraph as published, and what it should read.
#[derive(Debug, Clone, Serialize)]
pub struct ErratumView {
    /// The line of the source's text file.
    pub line: i64,
    pub paragraph: Option<i64>,
    /// Where `published` starts in the paragraph, in characters.
    pub offset: i64,
    pub published: String,
    pub reading: String,
    pub note: Option<String>,
}

impl From<&ErratumRow> for ErratumView {
    fn from(e: &ErratumRow) -> Self {
        ErratumView {
            line: e.line,
            paragraph: e.n,
            offset: e.char_offset,
            published: e.published.clone(),
            reading: e.reading.clone(),
            note: e.note.clone(),
        }
    }
}

/// The errata of paragraph `n` of source `source`.
pub fn errata_of_paragraph<'a>(
    errata: &'a [ErratumRow],
    source: &str,
    n: i64,
) -> Vec<&'a ErratumRow> {
    errata
        .iter()
        .filter(|e| e.source_slug == source && e.n == Some(n))
        .collect()
}

/// Each erratum as a [sic] note to insert after its published words; the
/// reading is marked where it matches a search term.
pub fn sic_notes(errata: &[&ErratumRow], terms: &[String]) -> Vec<(usize, String)> {
    errata
        .iter()
        .map(|e| {
            let at = e.char_offset.max(0) as usize + e.published.chars().count();
            let html = format!(
                "<span class=\"sic\">[sic: {}]</span>",
                highlight(&e.reading, terms)
            );
            (at, html)
        })
        .collect()
}

/// A search result's window of a paragraph, its errata noted; when only an
/// erratum's reading matches, the window shows that note.
pub fn paragraph_snippet(
    text: &str,
    terms: &[String],
    errata: &[&ErratumRow],
    width: usize,
) -> String {
    let focus = errata
        .iter()
        .find(|e| !match_ranges(&e.reading, terms).is_empty())
        .map(|e| e.char_offset.max(0) as usize);
    snippet_with_notes(text, terms, width, &sic_notes(errata, terms), focus)
}

/// A citation as shown on a record page: the paragraph quoted with the
/// supporting span marked, and a link to the paragraph's page.
#[derive(Debug, Clone, Serialize)]
pub struct CitationView {
    pub source: String,
    pub source_title: String,
    /// Who published the source, and when: every citation names both.
    pub publisher: String,
    pub published: String,
    pub paragraph: i64,
    pub span: String,
    /// The paragraph's permalink page.
    pub url: String,
    #[serde(skip)]
    pub html: String,
    #[serde(skip)]
    pub from_url: String,
    /// Misprints within the span: it quotes them as published.
    #[serde(skip)]
    pub errata: Vec<ErratumView>,
}

impl CitationView {
    /// `errata` may hold any source's errata; those of the cited paragraph
    /// are shown as [sic] notes.
    pub fn new(c: &CitationRow, from_slug: &str, errata: &[ErratumRow]) -> Self {
        let start = c.span_start.max(0) as usize;
        let end = start + c.span.chars().count();
        let url = paragraph_url(&c.source_slug, c.paragraph);
        let here = errata_of_paragraph(errata, &c.source_slug, c.paragraph);
        CitationView {
            source: c.source_slug.clone(),
            source_title: c.source_title.clone(),
            publisher: c.publisher.clone(),
            published: c.published.clone(),
            paragraph: c.paragraph,
            span: c.span.clone(),
            from_url: format!("{url}?from={from_slug}"),
            url,
            html: render_with_notes(&c.paragraph_text, &[(start, end)], &sic_notes(&here, &[])),
            errata: here
                .iter()
                .filter(|e| {
                    let s = e.char_offset.max(0) as usize;
                    s < end && start < s + e.published.chars().count()
                })
                .map(|e| ErratumView::from(*e))
                .collect(),
        }
    }
}

/// A record citing a paragraph, seen from the paragraph.
#[derive(Debug, Clone, Serialize)]
pub struct CitingView {
    #[serde(flatten)]
    pub record: RecordRef,
    pub span: String,
}

impl From<&CitingRow> for CitingView {
    fn from(c: &CitingRow) -> Self {
        CitingView {
            record: RecordRef::new(c.kind, &c.slug, &c.title, c.english.as_deref()),
            span: c.span.clone(),
        }
    }
}

/// Distinct citing records, in order.
pub fn distinct_citing(rows: &[&CitingRow]) -> Vec<CitingView> {
    let mut out: Vec<CitingView> = Vec::new();
    for r in rows {
        if !out.iter().any(|c| c.record.slug == r.slug) {
            out.push(CitingView::from(*r));
        }
    }
    out
}

/// Paragraph text as HTML with the spans of the given citations marked and
/// a [sic] note after each erratum's published words.
pub fn paragraph_html(text: &str, cites: &[&CitingRow], errata: &[&ErratumRow]) -> String {
    let ranges: Vec<(usize, usize)> = cites
        .iter()
        .map(|c| {
            let s = c.span_start.max(0) as usize;
            (s, s + c.span.chars().count())
        })
        .collect();
    render_with_notes(text, &ranges, &sic_notes(errata, &[]))
}
