//! Commitments: every outcome that is a promise, who committed (linked),
//! the verb as said, a deadline where the source gives one, and the latest
//! status, as a page (`/commitments`); the API's answer of them
//! (`/api/v1/commitments`) is built from the same views in `api`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;
use sqlx::SqlitePool;

use super::error::AppError;
use super::lang::Lang;
use super::{AppState, render};
use crate::db::history::{self, CommitmentRow, PartyRow};
use crate::refs::RecordRef;

/// A commitment as pages and the JSON show it.
#[derive(Debug, Clone, Serialize)]
pub struct CommitmentView {
    #[serde(flatten)]
    pub record: RecordRef,
    /// Who committed, as the source says it.
    pub said_by: String,
    /// The records `said_by` names, where it names one.
    pub by: Vec<RecordRef>,
    pub verb: String,
    pub deadline: Option<String>,
    /// `stated` or `derived`, when there is a deadline.
    pub deadline_basis: Option<String>,
    pub derivation: Option<String>,
    /// The latest status statement: its words, date and publisher.
    pub status: Option<LatestStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LatestStatus {
    pub status: String,
    pub status_en: Option<String>,
    pub date: String,
    pub publisher: String,
}

impl CommitmentView {
    fn new(row: CommitmentRow, parties: &[PartyRow]) -> Self {
        let status = match (row.status, row.status_date, row.status_publisher) {
            (Some(status), Some(date), Some(publisher)) => Some(LatestStatus {
                status,
                status_en: row.status_en,
                date,
                publisher,
            }),
            _ => None,
        };
        CommitmentView {
            record: RecordRef::new(row.kind, &row.slug, &row.title, row.english.as_deref()),
            by: parties
                .iter()
                .filter(|p| p.record_id == row.record_id)
                .map(|p| RecordRef::new(p.kind, &p.slug, &p.title, p.english.as_deref()))
                .collect(),
            said_by: row.said_by,
            verb: row.verb,
            deadline: row.deadline,
            deadline_basis: row.deadline_basis,
            derivation: row.derivation,
            status,
        }
    }

    /// The record's commitment, if it makes one.
    pub async fn of_record(pool: &SqlitePool, record_id: i64) -> Result<Option<Self>, AppError> {
        let Some(row) = history::record_commitment(pool, record_id).await? else {
            return Ok(None);
        };
        let parties = history::commitment_parties(pool).await?;
        Ok(Some(CommitmentView::new(row, &parties)))
    }
}

/// Every commitment, in the records' order.
pub async fn all(pool: &SqlitePool) -> Result<Vec<CommitmentView>, AppError> {
    let parties = history::commitment_parties(pool).await?;
    Ok(history::commitments(pool)
        .await?
        .into_iter()
        .map(|row| CommitmentView::new(row, &parties))
        .collect())
}

#[derive(Template)]
#[template(path = "commitments.html")]
pub struct CommitmentsPage {
    pub lang: Lang,
    pub q: String,
    /// schema.org JSON-LD: the commitments as a list of their records.
    pub jsonld: String,
    pub commitments: Vec<CommitmentView>,
}

pub async fn page(State(state): State<AppState>, lang: Lang) -> Result<Response, AppError> {
    let commitments = all(&state.pool).await?;
    let items: Vec<(String, String)> = commitments
        .iter()
        .map(|c| (c.record.title.clone(), c.record.url.clone()))
        .collect();
    render(&CommitmentsPage {
        jsonld: super::jsonld::script_text(&super::jsonld::item_list(
            &state.base_url,
            "承诺 Commitments",
            &items,
        )),
        lang,
        q: String::new(),
        commitments,
    })
}
