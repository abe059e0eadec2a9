//! Running a search over the `search_index` table: candidates by SQL, order,
//! facets and filters in Rust (the candidate set is small), details for the
//! page that is shown.

use std::collections::BTreeMap;

use sqlx::{FromRow, SqlitePool};

use super::queries::{self, CitationRow, RecordRow};
use crate::search::query::{match_condition, prefix_pattern};
use crate::search::{Query, fold, pinyin, rank};

/// Most candidates considered for one query.
const MAX_CANDIDATES: i64 = 2000;

#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// A record kind (`project`) or `paragraph`.
    pub kind: Option<String>,
    /// A country's slug.
    pub country: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
struct Candidate {
    target: String,
    ref_id: i64,
    n: Option<i64>,
    countries: String,
    names: String,
    pinyin: String,
    linked: String,
}

#[derive(Debug, Clone)]
pub enum Hit {
    Record {
        record: RecordRow,
        score: u32,
        citations: Vec<CitationRow>,
    },
    Paragraph {
        source_slug: String,
        source_title: String,
        n: i64,
        text: String,
    },
}

#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// (kind or `paragraph`, count), for the facet list.
    pub kinds: Vec<(String, usize)>,
    /// (country slug, count).
    pub countries: Vec<(String, usize)>,
}

pub async fn search(
    pool: &SqlitePool,
    q: &Query,
    filters: &Filters,
    limit: usize,
) -> Result<SearchResults, sqlx::Error> {
    if q.is_empty() {
        return Ok(SearchResults::default());
    }
    let (cond, binds) = match_condition(q);
    let sql = format!(
        "SELECT target, ref_id, n, countries, names, pinyin, linked FROM search_index WHERE {cond} LIMIT {MAX_CANDIDATES}"
    );
    let mut query = sqlx::query_as::<_, Candidate>(sqlx::AssertSqlSafe(sql));
    for b in binds {
        query = query.bind(b);
    }
    let candidates = query.fetch_all(pool).await?;

    let matches_country = |c: &Candidate| {
        filters
            .country
            .as_ref()
            .is_none_or(|slug| c.countries.split(' ').any(|x| x == slug))
    };
    let matches_kind = |c: &Candidate| filters.kind.as_ref().is_none_or(|k| &c.target == k);

    // Each facet counts what the other filter leaves, so a count says what
    // clicking it would show.
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut countries: BTreeMap<String, usize> = BTreeMap::new();
    for c in &candidates {
        if matches_country(c) {
            *kinds.entry(c.target.clone()).or_default() += 1;
        }
        if matches_kind(c) {
            for slug in c.countries.split(' ').filter(|s| !s.is_empty()) {
                *countries.entry(slug.to_owned()).or_default() += 1;
            }
        }
    }

    let mut scored: Vec<(u32, &Candidate)> = candidates
        .iter()
        .filter(|c| matches_kind(c) && matches_country(c))
        .map(|c| {
            let is_record = c.target != "paragraph";
            (rank::score(q, is_record, &c.names, &c.pinyin, &c.linked), c)
        })
        .collect();
    // Ties: shorter names first (the more specific record), then document order.
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.names.chars().count().cmp(&b.1.names.chars().count()))
            .then(a.1.ref_id.cmp(&b.1.ref_id))
            .then(a.1.n.cmp(&b.1.n))
    });
    let total = scored.len();
    scored.truncate(limit);

    // Details for the shown page, in three queries whatever its length.
    let record_ids: Vec<i64> = scored
        .iter()
        .filter(|(_, c)| c.target != "paragraph")
        .map(|(_, c)| c.ref_id)
        .collect();
    let mut source_ids: Vec<i64> = scored
        .iter()
        .filter(|(_, c)| c.target == "paragraph")
        .map(|(_, c)| c.ref_id)
        .collect();
    source_ids.sort_unstable();
    source_ids.dedup();
    let records = queries::records_by_ids(pool, &record_ids).await?;
    let citations = queries::citations_of_records(pool, &record_ids).await?;
    let paragraphs = queries::paragraphs_of_sources(pool, &source_ids).await?;
    let sources = if source_ids.is_empty() {
        Vec::new()
    } else {
        queries::all_sources(pool).await?
    };
    let mut hits = Vec::with_capacity(scored.len());
    for (score, c) in scored {
        if c.target == "paragraph" {
            let Some(source) = sources.iter().find(|s| s.id == c.ref_id) else {
                continue;
            };
            let n = c.n.unwrap_or_default();
            let text = paragraphs
                .iter()
                .find(|p| p.source_id == source.id && p.n == n)
                .map(|p| p.text.clone())
                .unwrap_or_default();
            hits.push(Hit::Paragraph {
                source_slug: source.slug.clone(),
                source_title: source.title.clone(),
                n,
                text,
            });
        } else if let Some(record) = records.iter().find(|r| r.id == c.ref_id) {
            hits.push(Hit::Record {
                record: record.clone(),
                score,
                citations: citations
                    .iter()
                    .filter(|ci| ci.record_id == record.id)
                    .cloned()
                    .collect(),
            });
        }
    }

    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut countries: Vec<(String, usize)> = countries.into_iter().collect();
    countries.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(SearchResults {
        total,
        hits,
        kinds,
        countries,
    })
}

#[derive(Debug, Clone, FromRow)]
pub struct Suggestion {
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
}

/// Records whose names, their pinyin or initials start with what was typed.
pub async fn suggest(
    pool: &SqlitePool,
    typed: &str,
    limit: i64,
) -> Result<Vec<Suggestion>, sqlx::Error> {
    let q = Query::parse(typed);
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let spaced = q.phrase();
    let squashed: String = spaced.chars().filter(|c| !c.is_whitespace()).collect();
    sqlx::query_as(
        "SELECT r.kind, r.slug, r.title, r.english FROM suggest_labels s \
         JOIN records r ON r.id = s.record_id \
         WHERE s.label LIKE ?1 ESCAPE '\\' OR s.label LIKE ?2 ESCAPE '\\' \
         GROUP BY r.id ORDER BY min(s.rank), length(r.title), r.position LIMIT ?3",
    )
    .bind(prefix_pattern(&spaced))
    .bind(prefix_pattern(&squashed))
    .bind(limit)
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, FromRow)]
struct NameRow {
    ref_id: i64,
    names: String,
    pinyin: String,
}

/// For a query with no results: the records nearest to it, by shared
/// characters of their names and by shared pinyin.
pub async fn nearest(
    pool: &SqlitePool,
    q: &Query,
    limit: usize,
) -> Result<Vec<RecordRow>, sqlx::Error> {
    let phrase: String = q.phrase().chars().filter(|c| !c.is_whitespace()).collect();
    if phrase.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<NameRow> = sqlx::query_as(
        "SELECT ref_id, names, pinyin FROM search_index WHERE target != 'paragraph'",
    )
    .fetch_all(pool)
    .await?;
    let (query_pinyin, _) = pinyin(&phrase);
    let query_chars: Vec<char> = fold(&phrase)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    let mut scored: Vec<(usize, i64)> = rows
        .iter()
        .filter_map(|r| {
            let shared = query_chars
                .iter()
                .filter(|c| !c.is_ascii() && r.names.contains(**c))
                .count();
            let py = query_pinyin.len() >= 4
                && r.pinyin.split(" | ").any(|p| {
                    p.contains(&query_pinyin) || (p.len() >= 4 && query_pinyin.contains(p))
                });
            let score = shared * 2 + if py { 10 } else { 0 };
            (score >= 2).then_some((score, r.ref_id))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let ids: Vec<i64> = scored.iter().take(limit).map(|(_, id)| *id).collect();
    let mut records = queries::records_by_ids(pool, &ids).await?;
    records.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(records)
}
