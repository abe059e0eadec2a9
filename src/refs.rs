//! How pages, pictures and JSON answers refer to records and paragraphs:
//! their addresses on the site and their labels. Shared by the web layer and
//! the map and timeline layout, so the layout needs nothing from `web`.

use serde::Serialize;

use crate::db::queries::{LinkedRow, RecordRow};
use crate::model::Kind;

/// The page URL of a record.
pub fn record_url(kind: Kind, slug: &str) -> String {
    format!("/{}/{slug}", kind.plural())
}

pub fn paragraph_url(source: &str, n: i64) -> String {
    format!("/sources/{source}/p/{n}")
}

/// Labels of a search facet value: a kind's name, or `paragraph`.
pub fn kind_labels(kind: &str) -> (&'static str, &'static str) {
    match Kind::from_singular(kind) {
        Some(k) => (k.label_zh(), k.label_en()),
        None if kind == "paragraph" => ("原文段落", "Source paragraphs"),
        None => ("记录", "Records"),
    }
}

/// A short reference to a record, as a link.
#[derive(Debug, Clone, Serialize)]
pub struct RecordRef {
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub url: String,
}

impl RecordRef {
    pub fn new(kind: Kind, slug: &str, title: &str, english: Option<&str>) -> Self {
        RecordRef {
            kind,
            slug: slug.to_owned(),
            title: title.to_owned(),
            english: english.map(str::to_owned),
            url: record_url(kind, slug),
        }
    }

    pub fn kind_label(&self) -> &'static str {
        self.kind.label_zh()
    }

    /// The English name, or where there is none the words of the record's
    /// address (`china-tajikistan-highway-phase-2`: “China tajikistan
    /// highway phase 2”): for English text that cannot mark Chinese as
    /// Chinese, such as an SVG title.
    pub fn english_label(&self) -> String {
        if let Some(en) = &self.english {
            return en.clone();
        }
        let words = self.slug.replace('-', " ");
        let mut cs = words.chars();
        cs.next()
            .map(|c| c.to_uppercase().chain(cs).collect())
            .unwrap_or_default()
    }
}

impl From<&RecordRow> for RecordRef {
    fn from(r: &RecordRow) -> Self {
        RecordRef::new(r.kind, &r.slug, &r.title, r.english.as_deref())
    }
}

impl From<&LinkedRow> for RecordRef {
    fn from(r: &LinkedRow) -> Self {
        RecordRef::new(r.kind, &r.slug, &r.title, r.english.as_deref())
    }
}
