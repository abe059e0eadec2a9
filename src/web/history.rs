//! Sources over time on a record's page and in its JSON: the status as
//! dated statements, the sources side by side, and where they disagree.
//! Every item rests on one of the record's citations, shown with its
//! source's publisher and date.

use serde::Serialize;
use sqlx::SqlitePool;

use super::error::AppError;
use super::views::CitationView;
use crate::db::history;
use crate::model::FieldName;

/// A status statement with the citation it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub status: String,
    /// Its English, where curated (the English edition shows it).
    pub status_en: Option<String>,
    pub date: String,
    /// `published` or `stated`.
    pub date_basis: String,
    #[serde(skip)]
    pub basis_zh: &'static str,
    #[serde(skip)]
    pub basis_en: &'static str,
    pub citation: CitationView,
}

/// One source's value for a field.
#[derive(Debug, Clone, Serialize)]
pub struct ValueView {
    pub value: String,
    pub citation: CitationView,
}

/// A field on which the sources disagree: each value with its citation.
#[derive(Debug, Clone, Serialize)]
pub struct DisagreementView {
    pub field: String,
    #[serde(skip)]
    pub label_zh: &'static str,
    #[serde(skip)]
    pub label_en: &'static str,
    pub values: Vec<ValueView>,
}

/// A source the record cites, with how many of its citations come from it.
#[derive(Debug, Clone, Serialize)]
pub struct CitedSource {
    pub slug: String,
    pub title: String,
    pub publisher: String,
    pub published: String,
    pub citations: usize,
}

#[derive(Debug, Clone, Default)]
pub struct RecordHistory {
    /// Oldest first; the last is the status lists show.
    pub status: Vec<StatusView>,
    pub disagreements: Vec<DisagreementView>,
    /// In order of first citation.
    pub sources: Vec<CitedSource>,
    /// Who committed and how, for an outcome that is a promise.
    pub commitment: Option<super::commitments::CommitmentView>,
}

impl RecordHistory {
    /// `citations` are the record's citations in their order, as views.
    pub async fn load(
        pool: &SqlitePool,
        record_id: i64,
        citations: &[CitationView],
    ) -> Result<RecordHistory, AppError> {
        let cite = |pos: i64| -> Result<CitationView, AppError> {
            usize::try_from(pos)
                .ok()
                .and_then(|i| citations.get(i))
                .cloned()
                // The schema's foreign keys make this unreachable.
                .ok_or(AppError::Database(sqlx::Error::RowNotFound))
        };
        let mut status = Vec::new();
        for row in history::record_status(pool, record_id).await? {
            let (basis_zh, basis_en) = basis_labels(&row.date_basis);
            status.push(StatusView {
                citation: cite(row.citation_position)?,
                status: row.status,
                status_en: row.status_en,
                date: row.date,
                date_basis: row.date_basis,
                basis_zh,
                basis_en,
            });
        }
        let mut disagreements = Vec::new();
        for row in history::record_disagreements(pool, record_id).await? {
            let (label_zh, label_en) = FieldName::parse(&row.field)
                .map(FieldName::labels)
                .unwrap_or(("", ""));
            disagreements.push(DisagreementView {
                values: vec![
                    ValueView {
                        value: row.value,
                        citation: cite(row.citation_position)?,
                    },
                    ValueView {
                        value: row.other_value,
                        citation: cite(row.other_citation_position)?,
                    },
                ],
                field: row.field,
                label_zh,
                label_en,
            });
        }
        let mut sources: Vec<CitedSource> = Vec::new();
        for c in citations {
            match sources.iter_mut().find(|s| s.slug == c.source) {
                Some(s) => s.citations += 1,
                None => sources.push(CitedSource {
                    slug: c.source.clone(),
                    title: c.source_title.clone(),
                    publisher: c.publisher.clone(),
                    published: c.published.clone(),
                    citations: 1,
                }),
            }
        }
        Ok(RecordHistory {
            status,
            disagreements,
            sources,
            commitment: super::commitments::CommitmentView::of_record(pool, record_id).await?,
        })
    }
}

/// How a statement's date was found, as the page says it.
fn basis_labels(basis: &str) -> (&'static str, &'static str) {
    match basis {
        "stated" => ("原文所述日期", "date stated in the source"),
        _ => ("来源发布日期", "the source's publication date"),
    }
}
