//! Named read queries, each returning exactly what its name says.

use sqlx::{FromRow, SqlitePool};

use crate::model::{EnglishBasis, Kind};

type Result<T> = std::result::Result<T, sqlx::Error>;

#[derive(Debug, Clone, FromRow)]
pub struct SourceRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub title_en: Option<String>,
    pub publisher: String,
    pub publisher_en: Option<String>,
    pub published: String,
    pub url: Option<String>,
    pub language: String,
    pub sha256: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct BlockRow {
    pub kind: String,
    pub n: Option<i64>,
    pub text: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct RecordRow {
    pub id: i64,
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub english_note: Option<String>,
    pub summary: String,
    /// The summary in English; its reference, for an official one, is in
    /// [`record_english_refs`].
    pub summary_en: Option<String>,
    pub summary_en_basis: Option<EnglishBasis>,
    /// Where the English of the record's fields ([`FieldRow::value_en`])
    /// comes from.
    pub fields_en_basis: Option<EnglishBasis>,
}

/// A record seen from another: through a link, a citation or a list.
#[derive(Debug, Clone, FromRow)]
pub struct LinkedRow {
    pub role: String,
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct CitationRow {
    pub record_id: i64,
    pub source_slug: String,
    pub source_title: String,
    pub publisher: String,
    pub published: String,
    pub paragraph: i64,
    pub paragraph_text: String,
    pub span: String,
    pub span_start: i64,
}

/// A record citing a paragraph, with the words it rests on.
#[derive(Debug, Clone, FromRow)]
pub struct CitingRow {
    pub paragraph: i64,
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub span: String,
    pub span_start: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct FieldRow {
    pub record_id: i64,
    pub name: String,
    pub value: String,
    /// The value in English, for prose fields (see `FieldName::needs_english`).
    pub value_en: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct LinkPairRow {
    pub from_id: i64,
    pub role: String,
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
}

/// Runs `sql`, whose `{ids}` stands for a list of `?` placeholders, with one
/// bound key (an id, a slug) each. Only placeholders are formatted in: keys
/// are always bound.
pub(crate) async fn fetch_by_ids<T, K>(pool: &SqlitePool, sql: &str, ids: &[K]) -> Result<Vec<T>>
where
    T: for<'r> FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
    K: for<'q> sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Sync,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sql.replace("{ids}", &vec!["?"; ids.len()].join(","));
    let mut q = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(id);
    }
    q.fetch_all(pool).await
}

/// Columns of a [`CitationRow`], joined from citations, sources and blocks.
const CITATION_SELECT: &str = "SELECT c.record_id, s.slug AS source_slug, s.title AS source_title, \
     s.publisher, s.published, c.paragraph, b.text AS paragraph_text, c.span, c.span_start \
     FROM citations c JOIN sources s ON s.id = c.source_id \
     JOIN source_blocks b ON b.source_id = c.source_id AND b.n = c.paragraph";

pub async fn data_version(pool: &SqlitePool) -> Result<Option<String>> {
    sqlx::query_scalar("SELECT value FROM meta WHERE key = 'data_version'")
        .fetch_optional(pool)
        .await
}

pub async fn all_sources(pool: &SqlitePool) -> Result<Vec<SourceRow>> {
    sqlx::query_as("SELECT * FROM sources ORDER BY published, slug")
        .fetch_all(pool)
        .await
}

/// The first `limit` sources in the sources' order (by date, then slug).
pub async fn first_sources(pool: &SqlitePool, limit: i64) -> Result<Vec<SourceRow>> {
    sqlx::query_as("SELECT * FROM sources ORDER BY published, slug LIMIT ?")
        .bind(limit)
        .fetch_all(pool)
        .await
}

pub async fn source_by_slug(pool: &SqlitePool, slug: &str) -> Result<Option<SourceRow>> {
    sqlx::query_as("SELECT * FROM sources WHERE slug = ?")
        .bind(slug)
        .fetch_optional(pool)
        .await
}

pub async fn source_blocks(pool: &SqlitePool, source_id: i64) -> Result<Vec<BlockRow>> {
    sqlx::query_as("SELECT kind, n, text FROM source_blocks WHERE source_id = ? ORDER BY position")
        .bind(source_id)
        .fetch_all(pool)
        .await
}

pub async fn paragraph_count(pool: &SqlitePool, source_id: i64) -> Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM source_blocks WHERE source_id = ? AND n IS NOT NULL")
        .bind(source_id)
        .fetch_one(pool)
        .await
}

/// Paragraphs `from..=to` of a source, for a paragraph with its neighbours.
pub async fn paragraphs_between(
    pool: &SqlitePool,
    source_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<BlockRow>> {
    sqlx::query_as(
        "SELECT kind, n, text FROM source_blocks WHERE source_id = ? AND n BETWEEN ? AND ? ORDER BY n",
    )
    .bind(source_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
}

/// The section heading a paragraph stands under, if any.
pub async fn heading_before_paragraph(
    pool: &SqlitePool,
    source_id: i64,
    n: i64,
) -> Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT text FROM source_blocks WHERE source_id = ?1 AND kind = 'heading' AND position < \
         (SELECT position FROM source_blocks WHERE source_id = ?1 AND n = ?2) \
         ORDER BY position DESC LIMIT 1",
    )
    .bind(source_id)
    .bind(n)
    .fetch_optional(pool)
    .await
}

/// Every citation into a source, by paragraph, with the citing record.
pub async fn citations_into_source(pool: &SqlitePool, source_id: i64) -> Result<Vec<CitingRow>> {
    sqlx::query_as(
        "SELECT c.paragraph, r.kind, r.slug, r.title, r.english, c.span, c.span_start \
         FROM citations c JOIN records r ON r.id = c.record_id \
         WHERE c.source_id = ? ORDER BY c.paragraph, r.position, c.position",
    )
    .bind(source_id)
    .fetch_all(pool)
    .await
}

/// The English summary of every record citing a source, by slug: what the
/// English source and paragraph pages show beside each paragraph.
pub async fn summaries_en_citing_source(
    pool: &SqlitePool,
    source_id: i64,
) -> Result<Vec<(String, Option<String>)>> {
    sqlx::query_as(
        "SELECT DISTINCT r.slug, r.summary_en FROM citations c JOIN records r ON r.id = c.record_id \
         WHERE c.source_id = ?",
    )
    .bind(source_id)
    .fetch_all(pool)
    .await
}

pub async fn citations_into_paragraph(
    pool: &SqlitePool,
    source_id: i64,
    n: i64,
) -> Result<Vec<CitingRow>> {
    sqlx::query_as(
        "SELECT c.paragraph, r.kind, r.slug, r.title, r.english, c.span, c.span_start \
         FROM citations c JOIN records r ON r.id = c.record_id \
         WHERE c.source_id = ? AND c.paragraph = ? ORDER BY r.position, c.position",
    )
    .bind(source_id)
    .bind(n)
    .fetch_all(pool)
    .await
}

/// The first `limit` events the sources report on, in order, for the home
/// page, which shows a few and counts the rest.
pub async fn first_subject_records(pool: &SqlitePool, limit: i64) -> Result<Vec<RecordRow>> {
    sqlx::query_as(
        "SELECT id, kind, slug, title, english, english_note, summary, summary_en, summary_en_basis, fields_en_basis FROM records WHERE id IN (SELECT record_id FROM source_subjects) ORDER BY position LIMIT ?",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// How many records the sources report on.
pub async fn subject_count(pool: &SqlitePool) -> Result<i64> {
    sqlx::query_scalar("SELECT COUNT(DISTINCT record_id) FROM source_subjects")
        .fetch_one(pool)
        .await
}

/// The first `limit` records of a kind, in order: previews need no more.
pub async fn first_records_of_kind(
    pool: &SqlitePool,
    kind: Kind,
    limit: i64,
) -> Result<Vec<RecordRow>> {
    sqlx::query_as(
        "SELECT id, kind, slug, title, english, english_note, summary, summary_en, summary_en_basis, fields_en_basis FROM records WHERE kind = ? \
         ORDER BY position LIMIT ?",
    )
    .bind(kind)
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub async fn records_of_kind(pool: &SqlitePool, kind: Kind) -> Result<Vec<RecordRow>> {
    sqlx::query_as(
        "SELECT id, kind, slug, title, english, english_note, summary, summary_en, summary_en_basis, fields_en_basis FROM records WHERE kind = ? ORDER BY position",
    )
    .bind(kind)
    .fetch_all(pool)
    .await
}

pub async fn record_by_kind_and_slug(
    pool: &SqlitePool,
    kind: Kind,
    slug: &str,
) -> Result<Option<RecordRow>> {
    sqlx::query_as(
        "SELECT id, kind, slug, title, english, english_note, summary, summary_en, summary_en_basis, fields_en_basis FROM records WHERE kind = ? AND slug = ?",
    )
    .bind(kind)
    .bind(slug)
    .fetch_optional(pool)
    .await
}

pub async fn records_by_ids(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<RecordRow>> {
    fetch_by_ids(
        pool,
        "SELECT id, kind, slug, title, english, english_note, summary, summary_en, summary_en_basis, fields_en_basis FROM records WHERE id IN ({ids})",
        ids,
    )
    .await
}

/// Number of records of each kind.
pub async fn kind_counts(pool: &SqlitePool) -> Result<Vec<(Kind, i64)>> {
    sqlx::query_as("SELECT kind, count(*) FROM records GROUP BY kind")
        .fetch_all(pool)
        .await
}

pub async fn record_aliases(pool: &SqlitePool, record_id: i64) -> Result<Vec<String>> {
    sqlx::query_scalar("SELECT alias FROM record_aliases WHERE record_id = ? ORDER BY position")
        .bind(record_id)
        .fetch_all(pool)
        .await
}

/// An alias with why it names its record, if the seeds say (a spelling
/// the source does not use): its basis and note.
#[derive(Debug, Clone, FromRow)]
pub struct AliasRow {
    pub alias: String,
    pub basis: Option<String>,
    pub note: Option<String>,
}

impl AliasRow {
    /// The basis in Chinese and English, for the record page.
    pub fn basis_label(&self) -> Option<(&'static str, &'static str)> {
        match self.basis.as_deref()? {
            "official" => Some(("官方", "official")),
            "transliteration" => Some(("音译", "transliteration")),
            "former" => Some(("旧称", "former name")),
            "abbreviation" => Some(("简称", "abbreviation")),
            _ => None,
        }
    }
}

pub async fn record_alias_bases(pool: &SqlitePool, record_id: i64) -> Result<Vec<AliasRow>> {
    sqlx::query_as(
        "SELECT alias, basis, note FROM record_aliases WHERE record_id = ? ORDER BY position",
    )
    .bind(record_id)
    .fetch_all(pool)
    .await
}

/// Where a record's English name comes from: its basis, and for an official
/// name the English text that uses it.
#[derive(Debug, Clone, FromRow)]
pub struct EnglishBasisRow {
    pub english_basis: Option<String>,
    pub english_ref_publisher: Option<String>,
    pub english_ref_title: Option<String>,
    pub english_ref_date: Option<String>,
    pub english_ref_url: Option<String>,
}

pub async fn record_english_basis(pool: &SqlitePool, record_id: i64) -> Result<EnglishBasisRow> {
    sqlx::query_as(
        "SELECT english_basis, english_ref_publisher, english_ref_title, english_ref_date, \
         english_ref_url FROM records WHERE id = ?",
    )
    .bind(record_id)
    .fetch_one(pool)
    .await
}

/// The English texts that an official English summary and official field
/// English of a record are quoted from; all null for our translations.
#[derive(Debug, Clone, FromRow)]
pub struct EnglishRefsRow {
    pub summary_en_ref_publisher: Option<String>,
    pub summary_en_ref_title: Option<String>,
    pub summary_en_ref_date: Option<String>,
    pub summary_en_ref_url: Option<String>,
    pub fields_en_ref_publisher: Option<String>,
    pub fields_en_ref_title: Option<String>,
    pub fields_en_ref_date: Option<String>,
    pub fields_en_ref_url: Option<String>,
}

pub async fn record_english_refs(pool: &SqlitePool, record_id: i64) -> Result<EnglishRefsRow> {
    sqlx::query_as(
        "SELECT summary_en_ref_publisher, summary_en_ref_title, summary_en_ref_date, \
         summary_en_ref_url, fields_en_ref_publisher, fields_en_ref_title, fields_en_ref_date, \
         fields_en_ref_url FROM records WHERE id = ?",
    )
    .bind(record_id)
    .fetch_one(pool)
    .await
}

/// An editorial note: a fact from outside the sources, with its reference.
#[derive(Debug, Clone, FromRow)]
pub struct EditorialRow {
    pub text: String,
    pub text_en: Option<String>,
    pub ref_publisher: String,
    pub ref_title: String,
    pub ref_date: String,
    pub ref_url: Option<String>,
}

pub async fn record_editorial(pool: &SqlitePool, record_id: i64) -> Result<Vec<EditorialRow>> {
    sqlx::query_as(
        "SELECT text, text_en, ref_publisher, ref_title, ref_date, ref_url FROM record_editorial \
         WHERE record_id = ? ORDER BY position",
    )
    .bind(record_id)
    .fetch_all(pool)
    .await
}

/// A misprint in a source as published, located in its block.
#[derive(Debug, Clone, FromRow)]
pub struct ErratumRow {
    pub source_id: i64,
    pub source_slug: String,
    pub block_position: i64,
    /// The paragraph's number; none for a heading.
    pub n: Option<i64>,
    pub line: i64,
    pub char_offset: i64,
    pub published: String,
    pub reading: String,
    pub note: Option<String>,
}

/// Columns of an [`ErratumRow`].
const ERRATUM_SELECT: &str = "SELECT e.source_id, s.slug AS source_slug, e.block_position, b.n, \
     e.line, e.char_offset, e.published, e.reading, e.note FROM source_errata e \
     JOIN sources s ON s.id = e.source_id \
     JOIN source_blocks b ON b.source_id = e.source_id AND b.position = e.block_position";

/// Every erratum of every source, in text order. There are a handful per
/// source, so pages filter them rather than ask per paragraph.
pub async fn errata(pool: &SqlitePool) -> Result<Vec<ErratumRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ERRATUM_SELECT} ORDER BY e.source_id, e.block_position, e.char_offset"
    )))
    .fetch_all(pool)
    .await
}

/// The errata of the sources named by slug, in the order of [`errata`]: a
/// page citing a few sources reads theirs alone.
pub async fn errata_of_sources(pool: &SqlitePool, slugs: &[&str]) -> Result<Vec<ErratumRow>> {
    fetch_by_ids(
        pool,
        &format!(
            "{ERRATUM_SELECT} WHERE s.slug IN ({{ids}}) \
             ORDER BY e.source_id, e.block_position, e.char_offset"
        ),
        slugs,
    )
    .await
}

/// The sources named by slug, each once, in the order of [`all_sources`].
pub async fn sources_by_slugs(pool: &SqlitePool, slugs: &[&str]) -> Result<Vec<SourceRow>> {
    fetch_by_ids(
        pool,
        "SELECT * FROM sources WHERE slug IN ({ids}) ORDER BY published, slug",
        slugs,
    )
    .await
}

pub async fn record_fields(pool: &SqlitePool, record_id: i64) -> Result<Vec<FieldRow>> {
    sqlx::query_as("SELECT record_id, name, value, value_en FROM record_fields WHERE record_id = ?")
        .bind(record_id)
        .fetch_all(pool)
        .await
}

/// One field of every record of a kind (a project's sector, an agreement's
/// form), for grouping list pages.
pub async fn field_of_kind(pool: &SqlitePool, kind: Kind, name: &str) -> Result<Vec<FieldRow>> {
    sqlx::query_as(
        "SELECT f.record_id, f.name, f.value, f.value_en FROM record_fields f JOIN records r ON r.id = f.record_id \
         WHERE r.kind = ? AND f.name = ?",
    )
    .bind(kind)
    .bind(name)
    .fetch_all(pool)
    .await
}

/// The records a record links to.
pub async fn links_from(pool: &SqlitePool, record_id: i64) -> Result<Vec<LinkedRow>> {
    sqlx::query_as(
        "SELECT l.role, t.kind, t.slug, t.title, t.english FROM record_links l \
         JOIN records t ON t.id = l.to_id WHERE l.from_id = ? ORDER BY l.role, l.position",
    )
    .bind(record_id)
    .fetch_all(pool)
    .await
}

/// The records that link to a record (its backlinks).
pub async fn links_to(pool: &SqlitePool, record_id: i64) -> Result<Vec<LinkedRow>> {
    sqlx::query_as(
        "SELECT l.role, f.kind, f.slug, f.title, f.english FROM record_links l \
         JOIN records f ON f.id = l.from_id WHERE l.to_id = ? ORDER BY f.position",
    )
    .bind(record_id)
    .fetch_all(pool)
    .await
}

/// How many records of each kind link to a country (in any role, each
/// once).
pub async fn country_backlink_counts(
    pool: &SqlitePool,
    country_id: i64,
) -> Result<Vec<(Kind, i64)>> {
    sqlx::query_as(
        "SELECT kind, COUNT(*) FROM country_backlinks WHERE country_id = ? GROUP BY kind",
    )
    .bind(country_id)
    .fetch_all(pool)
    .await
}

/// The first `limit` records of `kind` linking to a country, in the
/// sources' order (`role` is the empty string: a record may link in
/// several).
pub async fn first_country_backlinks(
    pool: &SqlitePool,
    country_id: i64,
    kind: Kind,
    limit: i64,
) -> Result<Vec<LinkedRow>> {
    sqlx::query_as(
        "SELECT '' AS role, f.kind, f.slug, f.title, f.english FROM country_backlinks b \
         JOIN records f ON f.id = b.record_id \
         WHERE b.country_id = ?1 AND b.kind = ?2 ORDER BY b.position LIMIT ?3",
    )
    .bind(country_id)
    .bind(kind)
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub async fn record_citations(pool: &SqlitePool, record_id: i64) -> Result<Vec<CitationRow>> {
    citations_of_records(pool, &[record_id]).await
}

/// Citations of several records at once, in each record's order.
pub async fn citations_of_records(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<CitationRow>> {
    let sql = format!(
        "{CITATION_SELECT} WHERE c.record_id IN ({{ids}}) ORDER BY c.record_id, c.position"
    );
    fetch_by_ids(pool, &sql, ids).await
}

/// A paragraph found by search, with the source it belongs to.
#[derive(Debug, Clone, FromRow)]
pub struct ParagraphHitRow {
    pub source_id: i64,
    pub n: i64,
    pub text: String,
    pub slug: String,
    pub title: String,
    pub publisher: String,
    pub published: String,
}

/// The paragraphs at `keys` (source id, paragraph number), with their
/// sources: only those a page of results shows, where reading every
/// paragraph of their sources, and every source, grew with the corpus.
pub async fn paragraph_hits(
    pool: &SqlitePool,
    keys: &[(i64, i64)],
) -> Result<Vec<ParagraphHitRow>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let keys = serde_json::to_string(keys).expect("numbers serialise");
    sqlx::query_as(
        "SELECT b.source_id, b.n, b.text, s.slug, s.title, s.publisher, s.published \
         FROM json_each(?1) k \
         JOIN source_blocks b ON b.source_id = k.value ->> 0 AND b.n = k.value ->> 1 \
         JOIN sources s ON s.id = b.source_id",
    )
    .bind(keys)
    .fetch_all(pool)
    .await
}

/// A country outline on the map, with the country record it belongs to (if
/// one has its ISO code) and how the outcomes involve that country.
#[derive(Debug, Clone, FromRow)]
pub struct MapCountryRow {
    pub iso: String,
    /// GeoJSON MultiPolygon coordinates, as JSON text.
    pub polygons: String,
    pub capital_lon: Option<f64>,
    pub capital_lat: Option<f64>,
    pub label_lon: Option<f64>,
    pub label_lat: Option<f64>,
    pub slug: Option<String>,
    pub title: Option<String>,
    pub english: Option<String>,
    pub capital_name: Option<String>,
    pub capital_name_en: Option<String>,
    /// Outcomes naming the country as a party or a country involved.
    pub outcomes: i64,
    /// Of those, the ones not shared by every country: outcomes whose
    /// countries are fewer than the widest outcome's.
    pub specific: i64,
    /// Outcomes that only mention the country (`related`), not counted above.
    pub mentions: i64,
    /// Outcomes counted above that have a status statement.
    pub latest_total: i64,
    /// Their kinds, space-separated.
    pub latest_kinds: String,
}

/// Every shape on the map, with its country's record and counts (written by
/// the import: migration 0015) where the corpus has one.
pub async fn map_countries(pool: &SqlitePool) -> Result<Vec<MapCountryRow>> {
    sqlx::query_as(
        "SELECT s.iso, s.polygons, s.capital_lon, s.capital_lat, s.label_lon, s.label_lat, \
           r.slug, r.title, r.english, cap.value AS capital_name, cap.value_en AS capital_name_en, \
           COALESCE(n.outcomes, 0) AS outcomes, COALESCE(n.specific, 0) AS specific, \
           COALESCE(n.mentions, 0) AS mentions, COALESCE(n.latest_total, 0) AS latest_total, \
           COALESCE(n.latest_kinds, '') AS latest_kinds \
         FROM country_shapes s \
         LEFT JOIN record_fields f ON f.name = 'iso' AND f.value = s.iso \
         LEFT JOIN records r ON r.id = f.record_id AND r.kind = 'country' \
         LEFT JOIN record_fields cap ON cap.record_id = r.id AND cap.name = 'capital' \
         LEFT JOIN map_country_counts n ON n.country_id = r.id \
         ORDER BY s.iso",
    )
    .fetch_all(pool)
    .await
}

/// How many outcomes name every country that any outcome names (the
/// region-wide ones), and how many countries that is.
pub async fn region_wide_outcomes(pool: &SqlitePool) -> Result<(i64, i64)> {
    let row: Option<(i64, i64)> = sqlx::query_as("SELECT outcomes, countries FROM map_region")
        .fetch_optional(pool)
        .await?;
    Ok(row.unwrap_or((0, 0)))
}

/// One country a project links, in the order the record lists them.
#[derive(Debug, Clone, FromRow)]
pub struct ProjectCountryRow {
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub country: String,
}

/// How many projects the map can draw as a dot (one country it draws), a
/// route (two up to `most_drawn`) or region-wide (more).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromRow)]
pub struct MapProjectCounts {
    pub single: i64,
    pub routes: i64,
    pub region_wide: i64,
}

pub async fn map_project_counts(pool: &SqlitePool, most_drawn: i64) -> Result<MapProjectCounts> {
    sqlx::query_as(
        "SELECT COALESCE(SUM(drawn = 1), 0) AS single, \
                COALESCE(SUM(drawn BETWEEN 2 AND ?1), 0) AS routes, \
                COALESCE(SUM(drawn > ?1), 0) AS region_wide \
         FROM map_projects",
    )
    .bind(most_drawn)
    .fetch_one(pool)
    .await
}

/// The countries of the first `routes` projects drawn as routes (two up to
/// `most_drawn` countries drawn) and of the first `shown` dots and
/// region-wide projects, in the records' order: all the map draws and
/// lists.
pub async fn map_project_countries(
    pool: &SqlitePool,
    most_drawn: i64,
    routes: i64,
    shown: i64,
) -> Result<Vec<ProjectCountryRow>> {
    // The ids first, a few small index reads each, then their countries:
    // as one statement joining a union of the three, the server's build
    // of SQLite took 50 ms for it at 1000x.
    let mut ids: Vec<i64> = Vec::new();
    for (fewest, most, limit) in [
        (2, most_drawn, routes),
        (1, 1, shown),
        (most_drawn + 1, i64::MAX, shown),
    ] {
        ids.extend(
            sqlx::query_scalar::<_, i64>(
                "SELECT project_id FROM map_projects WHERE drawn BETWEEN ?1 AND ?2 \
                 ORDER BY position LIMIT ?3",
            )
            .bind(fewest)
            .bind(most)
            .bind(limit)
            .fetch_all(pool)
            .await?,
        );
    }
    fetch_by_ids(
        pool,
        "SELECT p.slug, p.title, p.english, c.slug AS country \
         FROM records p \
         JOIN record_links l ON l.from_id = p.id AND l.role = 'countries' \
         JOIN records c ON c.id = l.to_id \
         WHERE p.id IN ({ids}) \
         ORDER BY p.position, l.position",
        &ids,
    )
    .await
}

/// A dated record, with how its date is known and the paragraph of its first
/// citation.
#[derive(Debug, Clone, FromRow)]
pub struct DatedRow {
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub date: String,
    pub basis: Option<String>,
    pub derivation: Option<String>,
    pub derivation_en: Option<String>,
    pub source_slug: Option<String>,
    pub paragraph: Option<i64>,
}

/// Columns of a [`DatedRow`] of the records `r`; they need [`DATED_JOINS`]
/// after the `FROM` that names `r`.
const DATED_COLUMNS: &str = "SELECT r.kind, r.slug, r.title, r.english, d.value AS date, \
     b.value AS basis, v.value AS derivation, v.value_en AS derivation_en, \
     s.slug AS source_slug, c.paragraph";
const DATED_JOINS: &str = "JOIN record_fields d ON d.record_id = r.id AND d.name = 'date' \
     LEFT JOIN record_fields b ON b.record_id = r.id AND b.name = 'date_basis' \
     LEFT JOIN record_fields v ON v.record_id = r.id AND v.name = 'derivation' \
     LEFT JOIN citations c ON c.record_id = r.id AND c.position = 0 \
     LEFT JOIN sources s ON s.id = c.source_id";

pub async fn dated_records(pool: &SqlitePool) -> Result<Vec<DatedRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DATED_COLUMNS} FROM records r {DATED_JOINS} ORDER BY r.position"
    )))
    .fetch_all(pool)
    .await
}

/// The timeline's counts over every dated record (migration 0016): how
/// many have a stated date, and each year's count, in date order.
pub async fn timeline_counts(pool: &SqlitePool) -> Result<(i64, Vec<(i64, i64)>)> {
    let stated: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(stated), 0) FROM timeline_keys")
        .fetch_one(pool)
        .await?;
    let years =
        sqlx::query_as("SELECT year, COUNT(*) FROM timeline_keys GROUP BY year ORDER BY year")
            .fetch_all(pool)
            .await?;
    Ok((stated, years))
}

/// One page of [`dated_records`] in the timeline's order (date, then list
/// order): `limit` of them from place `offset`.
pub async fn dated_records_page(
    pool: &SqlitePool,
    offset: i64,
    limit: i64,
) -> Result<Vec<DatedRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DATED_COLUMNS} FROM (SELECT record_id, sort_key, position FROM timeline_keys \
           ORDER BY sort_key, position LIMIT ? OFFSET ?) k \
         JOIN records r ON r.id = k.record_id {DATED_JOINS} \
         ORDER BY k.sort_key, k.position"
    )))
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}

/// A record with its place in list order, for keyset pagination.
#[derive(Debug, Clone, FromRow)]
pub struct PositionedRecordRow {
    pub position: i64,
    #[sqlx(flatten)]
    pub record: RecordRow,
}

/// One page of a kind's records in list order: at most `limit` of those
/// after position `after` (keyset pagination: see `web::paginate`), so a
/// page costs the same wherever it is in the list (`records_kind` index).
pub async fn records_of_kind_after(
    pool: &SqlitePool,
    kind: Kind,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<PositionedRecordRow>> {
    sqlx::query_as(
        "SELECT position, id, kind, slug, title, english, english_note, summary, summary_en, summary_en_basis, fields_en_basis FROM records \
         WHERE kind = ?1 AND (?2 IS NULL OR position > ?2) ORDER BY position LIMIT ?3",
    )
    .bind(kind)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// How many records of a kind cite a source.
#[derive(Debug, Clone, FromRow)]
pub struct SourceKindCount {
    pub source_id: i64,
    pub kind: Kind,
    pub count: i64,
}

/// The record counts by kind of the given sources only: a page that shows
/// a few sources' scope reads those, not every source's (counted at
/// import: `source_kind_counts`).
pub async fn record_counts_of_sources(
    pool: &SqlitePool,
    ids: &[i64],
) -> Result<Vec<SourceKindCount>> {
    fetch_by_ids(
        pool,
        "SELECT source_id, kind, count FROM source_kind_counts WHERE source_id IN ({ids})",
        ids,
    )
    .await
}

/// How many sources have records (of `kind`, when given): the size of the
/// scope a page states.
pub async fn sources_with_records_count(pool: &SqlitePool, kind: Option<Kind>) -> Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(DISTINCT source_id) FROM source_kind_counts WHERE ?1 IS NULL OR kind = ?1",
    )
    .bind(kind)
    .fetch_one(pool)
    .await
}

/// The most recent `limit` sources with records (of `kind`, when given),
/// newest first, ties by slug: the few a bounded scope names.
pub async fn latest_sources_with_records(
    pool: &SqlitePool,
    kind: Option<Kind>,
    limit: i64,
) -> Result<Vec<SourceRow>> {
    sqlx::query_as(
        "SELECT * FROM sources s WHERE EXISTS (SELECT 1 FROM source_kind_counts k \
           WHERE k.source_id = s.id AND (?1 IS NULL OR k.kind = ?1)) \
         ORDER BY s.published DESC, s.slug LIMIT ?2",
    )
    .bind(kind)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// One page of the sources, in the sources' order, with each one's
/// paragraph count: the `/sources` list, read a page at a time.
pub async fn sources_page(
    pool: &SqlitePool,
    offset: i64,
    limit: i64,
) -> Result<Vec<SourceWithParagraphs>> {
    sqlx::query_as(
        "SELECT s.*, (SELECT COUNT(*) FROM source_blocks b \
           WHERE b.source_id = s.id AND b.n IS NOT NULL) AS paragraphs \
         FROM sources s ORDER BY s.published, s.slug LIMIT ?1 OFFSET ?2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}

/// A source with the number of its body paragraphs.
#[derive(Debug, Clone, FromRow)]
pub struct SourceWithParagraphs {
    #[sqlx(flatten)]
    pub source: SourceRow,
    pub paragraphs: i64,
}

pub async fn source_count(pool: &SqlitePool) -> Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM sources")
        .fetch_one(pool)
        .await
}

/// Every field of the given records.
pub async fn fields_of_records(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<FieldRow>> {
    fetch_by_ids(
        pool,
        "SELECT record_id, name, value, value_en FROM record_fields WHERE record_id IN ({ids})",
        ids,
    )
    .await
}

/// The links the given records make, with their targets, in each record's
/// order (as [`links_from`] gives them for one).
pub async fn links_from_records(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<LinkPairRow>> {
    fetch_by_ids(
        pool,
        "SELECT l.from_id, l.role, t.kind, t.slug, t.title, t.english \
         FROM record_links l JOIN records t ON t.id = l.to_id \
         WHERE l.from_id IN ({ids}) ORDER BY l.from_id, l.role, l.position",
        ids,
    )
    .await
}

/// A figure in which a source counts the outcomes it reports on (百余项合作成果),
/// with the source and paragraph of its first citation. Such figures are
/// told apart by their `measure`, which names a 成果数量.
#[derive(Debug, Clone, FromRow)]
pub struct OutcomeClaimRow {
    pub source_id: i64,
    pub slug: String,
    pub original: String,
    pub paragraph: i64,
    pub source_slug: String,
}

/// The outcome-count claims of the given sources.
pub async fn outcome_count_claims(
    pool: &SqlitePool,
    source_ids: &[i64],
) -> Result<Vec<OutcomeClaimRow>> {
    fetch_by_ids(
        pool,
        // The given sources' first citations first: driven from the
        // figures, the plan looked through every figure's measure (11 ms
        // at 1000x, on every page with a scope aside; 0.4 ms this way).
        "WITH c AS MATERIALIZED (SELECT record_id, source_id, paragraph FROM citations \
           WHERE source_id IN ({ids}) AND position = 0) \
         SELECT c.source_id, r.slug, o.value AS original, c.paragraph, s.slug AS source_slug \
         FROM c JOIN records r ON r.id = c.record_id AND r.kind = 'figure' \
         JOIN record_fields m ON m.record_id = r.id AND m.name = 'measure' AND m.value LIKE '%成果数量' \
         JOIN record_fields o ON o.record_id = r.id AND o.name = 'original' \
         JOIN sources s ON s.id = c.source_id \
         ORDER BY r.position",
        source_ids,
    )
    .await
}

/// A record's English beside its Chinese, with where each comes from: the
/// summary's basis and, for an official one, the English text it is quoted
/// from; the same for the English of its prose fields.
#[derive(Debug, Clone, FromRow)]
pub struct EnglishRow {
    pub id: i64,
    pub kind: Kind,
    pub slug: String,
    pub summary_en: Option<String>,
    pub summary_en_basis: Option<EnglishBasis>,
    pub summary_en_ref_publisher: Option<String>,
    pub summary_en_ref_title: Option<String>,
    pub summary_en_ref_date: Option<String>,
    pub summary_en_ref_url: Option<String>,
    pub fields_en_basis: Option<EnglishBasis>,
    pub fields_en_ref_publisher: Option<String>,
    pub fields_en_ref_title: Option<String>,
    pub fields_en_ref_date: Option<String>,
    pub fields_en_ref_url: Option<String>,
}

const ENGLISH_SELECT: &str = "SELECT id, kind, slug, summary_en, summary_en_basis, \
     summary_en_ref_publisher, summary_en_ref_title, summary_en_ref_date, summary_en_ref_url, \
     fields_en_basis, fields_en_ref_publisher, fields_en_ref_title, fields_en_ref_date, \
     fields_en_ref_url FROM records";

/// The English of the records `ids`, in no particular order.
pub async fn english_of_records(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<EnglishRow>> {
    fetch_by_ids(
        pool,
        &format!("{ENGLISH_SELECT} WHERE id IN ({{ids}})"),
        ids,
    )
    .await
}

/// A country's names, for a facet that counts it.
#[derive(Debug, Clone, FromRow)]
pub struct CountryName {
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
}

/// The names of the countries with these slugs: the ones a page's country
/// facets count, where reading every country record (and its summary) grew
/// with the corpus.
pub async fn country_names(pool: &SqlitePool, slugs: &[&str]) -> Result<Vec<CountryName>> {
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    let slugs = serde_json::to_string(slugs).expect("strings serialise");
    sqlx::query_as(
        "SELECT slug, title, english FROM records \
         WHERE kind = 'country' AND slug IN (SELECT value FROM json_each(?1))",
    )
    .bind(slugs)
    .fetch_all(pool)
    .await
}

/// The English of the records with these slugs, of any kind (answers that
/// name records by kind and slug pick theirs out).
pub async fn english_of_slugs(pool: &SqlitePool, slugs: &[&str]) -> Result<Vec<EnglishRow>> {
    fetch_by_ids(
        pool,
        &format!("{ENGLISH_SELECT} WHERE slug IN ({{ids}})"),
        slugs,
    )
    .await
}
