//! Named queries for sources over time: a record's status statements and
//! the fields its sources disagree on. Each row names one of the record's
//! citations by position, so pages show it with its source's words.

use sqlx::{FromRow, SqlitePool};

type Result<T> = std::result::Result<T, sqlx::Error>;

/// One dated statement of a record's status.
#[derive(Debug, Clone, FromRow)]
pub struct StatusRow {
    pub status: String,
    pub date: String,
    /// `published` (the cited source's day) or `stated` (in the span).
    pub date_basis: String,
    pub citation_position: i64,
}

/// The record's status statements, oldest first.
pub async fn record_status(pool: &SqlitePool, record_id: i64) -> Result<Vec<StatusRow>> {
    sqlx::query_as(
        "SELECT status, date, date_basis, citation_position FROM record_status \
         WHERE record_id = ? ORDER BY position",
    )
    .bind(record_id)
    .fetch_all(pool)
    .await
}

/// A field two sources give differently.
#[derive(Debug, Clone, FromRow)]
pub struct DisagreementRow {
    pub field: String,
    pub value: String,
    pub citation_position: i64,
    pub other_value: String,
    pub other_citation_position: i64,
}

pub async fn record_disagreements(
    pool: &SqlitePool,
    record_id: i64,
) -> Result<Vec<DisagreementRow>> {
    sqlx::query_as(
        "SELECT field, value, citation_position, other_value, other_citation_position \
         FROM record_disagreements WHERE record_id = ? ORDER BY position",
    )
    .bind(record_id)
    .fetch_all(pool)
    .await
}
