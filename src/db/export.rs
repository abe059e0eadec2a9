//! Named queries for the downloads: every row of a table, in the order the
//! pages show them, for `web::export`.

use sqlx::{FromRow, SqlitePool};

use crate::model::Kind;

type Result<T> = std::result::Result<T, sqlx::Error>;

#[derive(Debug, Clone, FromRow)]
pub struct ExportRecord {
    pub id: i64,
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub english_basis: Option<String>,
    pub english_note: Option<String>,
    pub summary: String,
}

/// Every record, or those of one kind, in curated order.
pub async fn records(pool: &SqlitePool, kind: Option<Kind>) -> Result<Vec<ExportRecord>> {
    sqlx::query_as(
        "SELECT id, kind, slug, title, english, english_basis, english_note, summary \
         FROM records WHERE (?1 IS NULL OR kind = ?1) ORDER BY position",
    )
    .bind(kind)
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ExportField {
    pub record_id: i64,
    pub name: String,
    pub value: String,
}

pub async fn fields(pool: &SqlitePool) -> Result<Vec<ExportField>> {
    sqlx::query_as("SELECT record_id, name, value FROM record_fields ORDER BY record_id, name")
        .fetch_all(pool)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ExportAlias {
    pub record_id: i64,
    pub alias: String,
}

pub async fn aliases(pool: &SqlitePool) -> Result<Vec<ExportAlias>> {
    sqlx::query_as("SELECT record_id, alias FROM record_aliases ORDER BY record_id, position")
        .fetch_all(pool)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ExportLink {
    pub from_kind: Kind,
    pub from_slug: String,
    pub role: String,
    pub to_kind: Kind,
    pub to_slug: String,
}

/// Every link, by the linking record's order, then role and position.
pub async fn links(pool: &SqlitePool) -> Result<Vec<ExportLink>> {
    sqlx::query_as(
        "SELECT f.kind AS from_kind, f.slug AS from_slug, l.role, t.kind AS to_kind, \
         t.slug AS to_slug FROM record_links l JOIN records f ON f.id = l.from_id \
         JOIN records t ON t.id = l.to_id ORDER BY f.position, l.role, l.position",
    )
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ExportCitation {
    pub record_id: i64,
    pub record_kind: Kind,
    pub record_slug: String,
    pub source_slug: String,
    pub paragraph: i64,
    pub paragraph_text: String,
    pub span: String,
    pub span_start: i64,
}

/// Every citation, by record order and then the record's own order.
pub async fn citations(pool: &SqlitePool) -> Result<Vec<ExportCitation>> {
    sqlx::query_as(
        "SELECT c.record_id, r.kind AS record_kind, r.slug AS record_slug, \
         s.slug AS source_slug, c.paragraph, b.text AS paragraph_text, c.span, c.span_start \
         FROM citations c JOIN records r ON r.id = c.record_id \
         JOIN sources s ON s.id = c.source_id \
         JOIN source_blocks b ON b.source_id = c.source_id AND b.n = c.paragraph \
         ORDER BY r.position, c.position",
    )
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ExportParagraph {
    pub source_slug: String,
    pub n: i64,
    pub text: String,
}

/// Every body paragraph of every source, in reading order.
pub async fn paragraphs(pool: &SqlitePool) -> Result<Vec<ExportParagraph>> {
    sqlx::query_as(
        "SELECT s.slug AS source_slug, b.n, b.text FROM source_blocks b \
         JOIN sources s ON s.id = b.source_id WHERE b.n IS NOT NULL \
         ORDER BY s.published, s.slug, b.n",
    )
    .fetch_all(pool)
    .await
}

/// The file the pool reads, for the snapshot download: SQLite names it in
/// `PRAGMA database_list`.
pub async fn database_file(pool: &SqlitePool) -> Result<Option<String>> {
    sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .fetch_optional(pool)
        .await
}

/// A record as a feed entry: dated by the publication of the source its
/// first citation is from, the day it became known to the collection.
#[derive(Debug, Clone, FromRow)]
pub struct FeedEntry {
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub summary: String,
    pub published: Option<String>,
    pub source_title: Option<String>,
}

/// Records of `kind`, or those linking to the country `country` (any
/// role), or both; newest source first, then curated order.
pub async fn feed_entries(
    pool: &SqlitePool,
    kind: Option<Kind>,
    country: Option<&str>,
) -> Result<Vec<FeedEntry>> {
    sqlx::query_as(
        "SELECT r.kind, r.slug, r.title, r.english, r.summary, s.published, \
         s.title AS source_title FROM records r \
         LEFT JOIN citations c ON c.record_id = r.id AND c.position = 0 \
         LEFT JOIN sources s ON s.id = c.source_id \
         WHERE (?1 IS NULL OR r.kind = ?1) AND (?2 IS NULL OR EXISTS ( \
           SELECT 1 FROM record_links l JOIN records t ON t.id = l.to_id \
           WHERE l.from_id = r.id AND t.kind = 'country' AND t.slug = ?2)) \
         ORDER BY s.published DESC, r.position",
    )
    .bind(kind)
    .bind(country)
    .fetch_all(pool)
    .await
}
