//! Running a search over the `search_index` table, in SQL: the matches,
//! narrowed by the filters, counted by kind and by country, and the best
//! candidates for ranking ([`crate::search::rank`]); then the details of
//! the page that is shown.

use sqlx::{FromRow, SqlitePool};

use super::queries::{self, CitationRow, RecordRow};
use crate::model::Kind;
use crate::search::query::{match_condition, prefix_pattern};
use crate::search::rank::{self, Candidate};
use crate::search::{Facets, Filters, Query, fold, pinyin};

/// Most candidates ranked for one query, taken after the filters, records
/// first, in document order. Totals and facet counts are over every match.
const MAX_CANDIDATES: i64 = 2000;

/// The filters as SQL over `search_index`, with the kind bound at `?{at}`
/// and the country at the next index (`NULL` for no filter), after the
/// condition's `at - 1` plain `?`s. A row's `countries` is its countries'
/// slugs separated by spaces.
fn filters_sql(at: usize) -> (String, String) {
    let country = at + 1;
    (
        format!("(?{at} IS NULL OR target = ?{at})"),
        format!(
            "(?{country} IS NULL OR instr(' ' || countries || ' ', ' ' || ?{country} || ' ') > 0)"
        ),
    )
}

/// One row of the search statement: a count (`facet` is `total`, `kind` or
/// `country`) or, with `facet` `candidate`, a match to rank (`value` is its
/// target, the other columns are set).
#[derive(Debug, Clone, FromRow)]
struct SearchRow {
    facet: String,
    value: String,
    count: i64,
    ref_id: Option<i64>,
    n: Option<i64>,
    names: Option<String>,
    pinyin: Option<String>,
    linked: Option<String>,
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
        publisher: String,
        published: String,
        n: i64,
        text: String,
    },
}

#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// Matches the filters leave.
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

/// Runs `sql`: a condition's `?`s, bound to `binds`, then the filters'
/// values (see [`filters_sql`]).
async fn fetch<T>(
    pool: &SqlitePool,
    binds: &[String],
    filters: &Filters,
    sql: String,
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for b in binds {
        query = query.bind(b.clone());
    }
    // The filters' values, at the indices `filters_sql` gives them.
    query
        .bind(filters.kind.clone())
        .bind(filters.country.clone())
        .fetch_all(pool)
        .await
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
    let (kind_filter, country_filter) = filters_sql(binds.len() + 1);
    // One statement, so the condition is evaluated once per row: the
    // matches are materialised, counted (each facet under the other filter,
    // the total under both), and the first `MAX_CANDIDATES` the filters
    // leave, records first in document order, are read back by rowid for
    // ranking. Two statements evaluated it twice, and a short term's
    // condition is a scan of every row.
    let rows: Vec<SearchRow> = fetch(
        pool,
        &binds,
        filters,
        format!(
            "WITH m AS MATERIALIZED \
           (SELECT rowid AS id, target, countries FROM search_index WHERE {cond}) \
         SELECT 'total' AS facet, '' AS value, count(*) AS count, NULL AS ref_id, NULL AS n, \
           NULL AS names, NULL AS pinyin, NULL AS linked FROM m \
           WHERE {kind_filter} AND {country_filter} \
         UNION ALL SELECT 'kind', target, count(*), NULL, NULL, NULL, NULL, NULL FROM m \
           WHERE {country_filter} GROUP BY target \
         UNION ALL SELECT 'country', j.value, count(*), NULL, NULL, NULL, NULL, NULL FROM m, \
           json_each('[\"' || replace(m.countries, ' ', '\",\"') || '\"]') j \
           WHERE m.countries != '' AND {kind_filter} GROUP BY j.value \
         UNION ALL SELECT 'candidate', s.target, 0, s.ref_id, s.n, s.names, s.pinyin, s.linked \
           FROM (SELECT id FROM m WHERE {kind_filter} AND {country_filter} \
             ORDER BY target = 'paragraph', id LIMIT {MAX_CANDIDATES}) c \
           JOIN search_index s ON s.rowid = c.id"
        ),
    )
    .await?;
    let mut total = 0;
    let (mut kinds, mut countries, mut candidates) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        let count = usize::try_from(row.count).unwrap_or(0);
        match row.facet.as_str() {
            "total" => total = count,
            "kind" => kinds.push((row.value, count)),
            "country" => countries.push((row.value, count)),
            _ => candidates.push(Candidate {
                is_record: row.value != "paragraph",
                ref_id: row.ref_id.unwrap_or_default(),
                n: row.n,
                names: row.names.unwrap_or_default(),
                pinyin: row.pinyin.unwrap_or_default(),
                linked: row.linked.unwrap_or_default(),
            }),
        }
    }
    let mut scored = rank::order(q, candidates);
    scored.truncate(limit);

    // Details for the shown page, in three queries whatever its length.
    let record_ids: Vec<i64> = scored
        .iter()
        .filter(|(_, c)| c.is_record)
        .map(|(_, c)| c.ref_id)
        .collect();
    let mut source_ids: Vec<i64> = scored
        .iter()
        .filter(|(_, c)| !c.is_record)
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
        if !c.is_record {
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
                publisher: source.publisher.clone(),
                published: source.published.clone(),
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

    Ok(SearchResults {
        total,
        hits,
        facets: Facets::new(kinds, countries),
    })
}

#[derive(Debug, Clone, FromRow)]
pub struct Suggestion {
    pub kind: Kind,
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
