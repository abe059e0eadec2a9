//! View models: what templates and JSON answers are built from. They are made
//! from query rows here, so handlers stay thin and templates stay dumb.

use serde::Serialize;

use crate::dates::{Basis, DateSpan};
use crate::db::queries::{CitationRow, CitingRow, LinkedRow};
use crate::model::{FieldName, Kind, LinkRole};
pub use crate::refs::{RecordRef, kind_labels, paragraph_url, record_url};
use crate::search::highlight::{escape, render_marked};

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

/// A citation as shown on a record page: the paragraph quoted with the
/// supporting span marked, and a link to the paragraph's page.
#[derive(Debug, Clone, Serialize)]
pub struct CitationView {
    pub source: String,
    pub source_title: String,
    pub paragraph: i64,
    pub span: String,
    /// The paragraph's permalink page.
    pub url: String,
    #[serde(skip)]
    pub html: String,
    #[serde(skip)]
    pub from_url: String,
}

impl CitationView {
    pub fn new(c: &CitationRow, from_slug: &str) -> Self {
        let start = c.span_start.max(0) as usize;
        let end = start + c.span.chars().count();
        let url = paragraph_url(&c.source_slug, c.paragraph);
        CitationView {
            source: c.source_slug.clone(),
            source_title: c.source_title.clone(),
            paragraph: c.paragraph,
            span: c.span.clone(),
            from_url: format!("{url}?from={from_slug}"),
            url,
            html: render_marked(&c.paragraph_text, &[(start, end)]),
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

/// Paragraph text as HTML with the spans of the given citations marked.
pub fn paragraph_html(text: &str, cites: &[&CitingRow]) -> String {
    let ranges: Vec<(usize, usize)> = cites
        .iter()
        .map(|c| {
            let s = c.span_start.max(0) as usize;
            (s, s + c.span.chars().count())
        })
        .collect();
    if ranges.is_empty() {
        escape(text)
    } else {
        render_marked(text, &ranges)
    }
}
