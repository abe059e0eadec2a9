//! Named queries for sources over time: a record's status statements and
//! the fields its sources disagree on. Each row names one of the record's
//! citations by position, so pages show it with its source's words.

use sqlx::{FromRow, SqlitePool};

type Result<T> = std::result::Result<T, sqlx::Error>;

/// One dated statement of a record's status.
#[derive(Debug, Clone, FromRow)]
pub struct StatusRow {
    pub status: String,
    /// Its English, where curated.
    pub status_en: Option<String>,
    pub date: String,
    /// `published` (the cited source's day) or `stated` (in the span).
    pub date_basis: String,
    pub citation_position: i64,
}

/// The record's status statements, oldest first.
pub async fn record_status(pool: &SqlitePool, record_id: i64) -> Result<Vec<StatusRow>> {
    sqlx::query_as(
        "SELECT status, status_en, date, date_basis, citation_position FROM record_status \
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

/// A commitment with its record and the record's latest status.
#[derive(Debug, Clone, FromRow)]
pub struct CommitmentRow {
    pub record_id: i64,
    pub kind: crate::model::Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub said_by: String,
    pub verb: String,
    pub citation_position: i64,
    pub deadline: Option<String>,
    pub deadline_basis: Option<String>,
    pub derivation: Option<String>,
    pub status: Option<String>,
    pub status_en: Option<String>,
    pub status_date: Option<String>,
    pub status_publisher: Option<String>,
}

/// Columns of a [`CommitmentRow`]: the latest status is the statement with
/// the highest position, with the publisher of the source it cites.
const COMMITMENT_SELECT: &str = "SELECT r.id AS record_id, r.kind, r.slug, r.title, r.english, \
     c.said_by, c.verb, c.citation_position, c.deadline, c.deadline_basis, c.derivation, \
     st.status, st.status_en, st.date AS status_date, so.publisher AS status_publisher \
     FROM record_commitments c JOIN records r ON r.id = c.record_id \
     LEFT JOIN record_status st ON st.record_id = r.id AND st.position = \
       (SELECT MAX(position) FROM record_status WHERE record_id = r.id) \
     LEFT JOIN citations ci ON ci.record_id = r.id AND ci.position = st.citation_position \
     LEFT JOIN sources so ON so.id = ci.source_id";

/// Every commitment, in the records' order.
pub async fn commitments(pool: &SqlitePool) -> Result<Vec<CommitmentRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{COMMITMENT_SELECT} ORDER BY r.position"
    )))
    .fetch_all(pool)
    .await
}

pub async fn record_commitment(pool: &SqlitePool, record_id: i64) -> Result<Option<CommitmentRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{COMMITMENT_SELECT} WHERE r.id = ?"
    )))
    .bind(record_id)
    .fetch_optional(pool)
    .await
}

/// A record a commitment names as who committed.
#[derive(Debug, Clone, FromRow)]
pub struct PartyRow {
    pub record_id: i64,
    pub kind: crate::model::Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
}

/// Who committed, for every commitment, in order.
pub async fn commitment_parties(pool: &SqlitePool) -> Result<Vec<PartyRow>> {
    sqlx::query_as(
        "SELECT p.record_id, r.kind, r.slug, r.title, r.english FROM commitment_parties p \
         JOIN records r ON r.id = p.party_id ORDER BY p.record_id, p.position",
    )
    .fetch_all(pool)
    .await
}

/// An outcome naming a country (as a party or a country involved) with the
/// outcome's latest status statement: what the map lists per country.
#[derive(Debug, Clone, FromRow)]
pub struct CountryStatusRow {
    pub country: String,
    pub kind: crate::model::Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub status: String,
    pub status_en: Option<String>,
    pub date: String,
}

/// The first `shown` of every country's outcomes that have a status, the
/// latest statement of each (highest position), most recent first: read
/// from the import's `map_latest` (migration 0015), a few rows per country.
pub async fn country_latest_statuses(
    pool: &SqlitePool,
    shown: i64,
) -> Result<Vec<CountryStatusRow>> {
    sqlx::query_as(
        "SELECT c.slug AS country, o.kind, o.slug, o.title, o.english, st.status, st.status_en, st.date \
         FROM records c JOIN map_latest x ON x.country_id = c.id \
         JOIN records o ON o.id = x.outcome_id \
         JOIN record_status st ON st.record_id = o.id AND st.position = \
           (SELECT MAX(position) FROM record_status WHERE record_id = o.id) \
         WHERE c.kind = 'country' AND x.outcome_id IN (SELECT y.outcome_id FROM map_latest y \
           WHERE y.country_id = c.id ORDER BY y.date DESC, y.position LIMIT ?) \
         ORDER BY c.slug, x.date DESC, x.position",
    )
    .bind(shown)
    .fetch_all(pool)
    .await
}

/// A dated status statement of any record, with the record it is about:
/// what the timeline marks on each record's row.
#[derive(Debug, Clone, FromRow)]
pub struct StatusPointRow {
    pub kind: crate::model::Kind,
    pub slug: String,
    pub status: String,
    pub status_en: Option<String>,
    pub date: String,
}

/// The status statements of the records named by slug, each record's
/// oldest first: what one page of the timeline marks.
pub async fn status_points_of(pool: &SqlitePool, slugs: &[&str]) -> Result<Vec<StatusPointRow>> {
    super::queries::fetch_by_ids(
        pool,
        "SELECT r.kind, r.slug, st.status, st.status_en, st.date FROM record_status st \
         JOIN records r ON r.id = st.record_id WHERE r.slug IN ({ids}) \
         ORDER BY r.position, st.position",
        slugs,
    )
    .await
}
