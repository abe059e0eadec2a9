//! Running a search over the search tables (`search_rows` and its
//! indexes), in SQL: the matches, narrowed by the filters, counted by kind
//! and by country, and the best candidates for ranking
//! ([`crate::search::rank`]); then the details of the page that is shown.

use std::ops::Range;

use sqlx::{FromRow, SqlitePool};

use super::queries::{self, CitationRow, RecordRow};
use crate::model::Kind;
use crate::search::facets::FacetCount;
use crate::search::query::{Condition, match_condition, prefix_pattern};
use crate::search::rank::{self, Candidate};
use crate::search::{Facets, Filters, Plan, Query, facets, fold, fuzzy, pinyin};

/// Most candidates ranked for one query, taken after the filters, records
/// first, in document order. Totals and facet counts are over every match.
const MAX_CANDIDATES: i64 = 2000;

/// The filters as SQL over `search_facet_values` (migration 0021), with
/// the kind bound at `?{at}` and the country at the next index (`NULL` for
/// no filter), after the condition's plain `?`s. A value's `countries` is
/// its countries' slugs separated by spaces; the test is
/// [`Filters`]' own, which sums the counts.
fn filters_sql(at: usize) -> String {
    let country = at + 1;
    format!(
        "(?{at} IS NULL OR target = ?{at}) AND \
         (?{country} IS NULL OR instr(' ' || countries || ' ', ' ' || ?{country} || ' ') > 0)"
    )
}

/// One row of the search statement: with `facet` `count`, how many
/// matches have one facet value (`value` its target, `countries` its
/// countries); with `facet` `candidate`, a match to rank (`value` is its
/// target, the columns after `count` are set).
#[derive(Debug, Clone, FromRow)]
struct SearchRow {
    facet: String,
    value: String,
    countries: Option<String>,
    count: i64,
    ref_id: Option<i64>,
    n: Option<i64>,
    names: Option<String>,
    pinyin: Option<String>,
    linked: Option<String>,
    body: Option<String>,
    about: Option<bool>,
    cited: Option<i64>,
}

#[derive(Debug, Clone)]
pub enum Hit {
    Record {
        record: RecordRow,
        score: u32,
        citations: Vec<CitationRow>,
        /// What it matched that was not typed (a synonym, a corrected
        /// spelling, a name matched in order), for the "也匹配" note.
        also: Vec<String>,
    },
    Paragraph {
        source_slug: String,
        source_title: String,
        publisher: String,
        published: String,
        n: i64,
        text: String,
        also: Vec<String>,
    },
}

#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// Matches the filters leave.
    pub total: usize,
    /// How many of them were ranked (at most [`MAX_CANDIDATES`]): the
    /// results that can be shown, a page at a time.
    pub ranked: usize,
    /// How many of those ranking could tell how they matched (a score
    /// above 0, [`rank::score`]).
    pub placed: usize,
    /// The ranked results asked for (a page of them).
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

/// Runs `sql`: a condition's `?`s, bound to `binds` (`copies` times, once
/// per copy of the condition), then the filters' values (see
/// [`filters_sql`]).
async fn fetch<T>(
    pool: &SqlitePool,
    binds: &[String],
    copies: usize,
    filters: &Filters,
    sql: String,
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for b in std::iter::repeat_n(binds, copies).flatten() {
        query = query.bind(b.clone());
    }
    // The filters' values, at the indices `filters_sql` gives them.
    query
        .bind(filters.kind.clone())
        .bind(filters.country.clone())
        .fetch_all(pool)
        .await
}

/// Searches for `q`, the first `limit` results built: as typed, with its
/// synonyms and, for Latin words of five letters or more, near spellings
/// (ranked below matches as typed); if that finds nothing, Chinese terms
/// by their characters in order and pinyin terms by their syllables in
/// order or as initials typed with `zh`, `ch`, `sh`; if that finds nothing
/// either, Chinese terms by their words in another order too (see
/// [`Plan::loose_passes`]).
pub async fn search(
    pool: &SqlitePool,
    q: &Query,
    filters: &Filters,
    limit: usize,
) -> Result<SearchResults, sqlx::Error> {
    search_range(pool, q, filters, &|_| 0..limit).await
}

/// Which places of the ranking to build, given how many were ranked: a
/// page chooses itself once it knows how many there are (a page past the
/// last shows the first), so the search runs once.
pub type Shown<'a> = &'a (dyn Fn(usize) -> Range<usize> + Sync);

/// [`search`], with the details of the results at places `shown(ranked)`
/// of the ranking alone: a late page (`page=40`) ranks every candidate, as
/// it must to keep the order, but reads and builds only the 50 it shows.
pub async fn search_range(
    pool: &SqlitePool,
    q: &Query,
    filters: &Filters,
    shown: Shown<'_>,
) -> Result<SearchResults, sqlx::Error> {
    if q.is_empty() {
        return Ok(SearchResults::default());
    }
    let plan = forgiving_plan(pool, Plan::exact(q)).await?;
    let mut found = rank_matches(pool, &plan, filters).await?;
    if found.total > 0 {
        return build_page(pool, found, shown).await;
    }
    // Looser readings while nothing is found: characters in order, then
    // words in another order ([`Plan::loose_passes`]). The SQL checks
    // characters in order over all of a row's names at once, ranking name
    // by name: a row matched only across two names (中吉乌铁路 | … |
    // 中吉乌… for 铁路中吉乌) is no match ranking can place, and the next
    // pass may place it. Only the pass whose results are shown builds
    // their details.
    for loose in plan.loose_passes() {
        found = rank_matches(pool, &loose, filters).await?;
        if found.placed > 0 {
            break;
        }
    }
    build_page(pool, found, shown).await
}

#[derive(Debug, Clone, FromRow)]
struct SynonymRow {
    group_id: i64,
    folded: String,
}

/// `plan` with the synonyms of its terms and near spellings of its long
/// Latin words, from the database.
async fn forgiving_plan(pool: &SqlitePool, plan: Plan) -> Result<Plan, sqlx::Error> {
    let runs = serde_json::to_string(&plan.runs()).unwrap_or_else(|_| "[]".to_owned());
    let rows: Vec<SynonymRow> = sqlx::query_as(
        "SELECT group_id, folded FROM synonym_terms WHERE group_id IN \
           (SELECT group_id FROM synonym_terms WHERE folded IN (SELECT value FROM json_each(?1))) \
         ORDER BY group_id, position",
    )
    .bind(runs)
    .fetch_all(pool)
    .await?;
    let mut groups: Vec<(i64, Vec<String>)> = Vec::new();
    for r in rows {
        match groups.last_mut() {
            Some((id, terms)) if *id == r.group_id => terms.push(r.folded),
            _ => groups.push((r.group_id, vec![r.folded])),
        }
    }
    let groups: Vec<Vec<String>> = groups.into_iter().map(|(_, g)| g).collect();
    let plan = plan.with_synonyms(&groups);

    let terms = plan.fuzzy_terms();
    if terms.is_empty() {
        return Ok(plan);
    }
    let shortest = terms.iter().map(|t| t.len()).min().unwrap_or(0);
    let longest = terms.iter().map(|t| t.len()).max().unwrap_or(0);
    let words: Vec<String> =
        sqlx::query_scalar("SELECT word FROM search_words WHERE len BETWEEN ?1 AND ?2")
            .bind(shortest.saturating_sub(2) as i64)
            .bind((longest + 2) as i64)
            .fetch_all(pool)
            .await?;
    let near: Vec<(String, Vec<String>)> = terms
        .into_iter()
        .map(|t| {
            let n = fuzzy::near(&t, words.iter().map(String::as_str));
            (t, n)
        })
        .collect();
    Ok(plan.with_fuzzy(&near))
}

/// One plan's matches, counted and ranked, before any detail is read.
struct Ranking {
    total: usize,
    /// Ranked best first, every candidate.
    ranked: Vec<rank::Ranked>,
    /// How many of them have a score above 0.
    placed: usize,
    facets: Facets,
}

/// Runs one plan: matches, counts, candidates, ranking.
async fn rank_matches(
    pool: &SqlitePool,
    plan: &Plan,
    filters: &Filters,
) -> Result<Ranking, sqlx::Error> {
    let (cond, binds) = match_condition(plan);
    // One term-index lookup is read twice, once for the counts and once
    // for the candidates, the second time only as far as the last
    // candidate (峰 at 1000x: 48,000 matches, of which the first 2,000 are
    // read again). Under a filter the second read may go further (峰 among
    // paragraphs passes every record first), yet it still ran fewer
    // instructions than materialising (callgrind at 1000x, three searches
    // each, millions: 峰 as paragraphs 721 against 880, 峰 as quotes 731
    // against 930, 峰 in Kazakhstan 685 against 1,027). Anything else (a
    // trigram lookup, which checks positions too; an index lookup filtered
    // by another; a union of sets; a scan) is evaluated once into `m`,
    // which both read.
    let (with, source, key, copies) = if cond.is_one_lookup() {
        let Condition { from, key, .. } = &cond;
        (String::new(), format!("{from} WHERE 1"), *key, 2)
    } else {
        let Condition { from, filter, key } = &cond;
        (
            format!(
                "WITH m AS MATERIALIZED (SELECT {key} AS id, f.facet FROM {from} WHERE {filter}) "
            ),
            "m f WHERE 1".to_owned(),
            "f.id",
            1,
        )
    };
    let filters_sql = filters_sql(copies * binds.len() + 1);
    // Ranking reads a row's body only to tell which alternative it matched;
    // with the terms as typed, whatever is not in its names is in its body.
    let body = if plan.is_exact() { "''" } else { "s.body" };
    // One statement, so that the counts and the candidates see the same
    // rows: the matches counted per facet value (an integer a row, joined
    // to its target and countries once per value, not per match); and the
    // first `MAX_CANDIDATES` the filters leave, in rowid order (records
    // first, in document order: migration 0021), read back from
    // `search_rows` for ranking with what the import wrote of each
    // (`about`, `cited`). A candidate is a row whose record (or
    // paragraph) this same statement sees, so every candidate ranked can
    // be built: the count of ranked results, which the pages are cut
    // from, is the count of results there are to show.
    let rows: Vec<SearchRow> = fetch(
        pool,
        &binds,
        copies,
        filters,
        format!(
            "{with}SELECT 'count' AS facet, v.target AS value, v.countries AS countries, \
               c.n AS count, NULL AS ref_id, NULL AS n, NULL AS names, NULL AS pinyin, \
               NULL AS linked, NULL AS body, NULL AS about, NULL AS cited \
             FROM (SELECT f.facet, count(*) AS n FROM {source} GROUP BY f.facet) c \
             JOIN search_facet_values v ON v.id = c.facet \
           UNION ALL SELECT 'candidate', s.target, NULL, 0, s.ref_id, s.n, s.names, s.pinyin, \
             s.linked, {body}, s.about, s.cited \
             FROM (SELECT {key} AS id FROM {source} AND f.facet IN \
               (SELECT id FROM search_facet_values WHERE {filters_sql}) \
               ORDER BY {key} LIMIT {MAX_CANDIDATES}) c \
             JOIN search_rows s ON s.id = c.id \
             WHERE CASE WHEN s.target = 'paragraph' \
               THEN EXISTS (SELECT 1 FROM source_blocks b JOIN sources so ON so.id = b.source_id \
                 WHERE b.source_id = s.ref_id AND b.n = s.n) \
               ELSE EXISTS (SELECT 1 FROM records r WHERE r.id = s.ref_id) END"
        ),
    )
    .await?;
    let (mut counts, mut candidates) = (Vec::new(), Vec::new());
    for row in rows {
        match row.facet.as_str() {
            "count" => counts.push(FacetCount {
                target: row.value,
                countries: row.countries.unwrap_or_default(),
                count: usize::try_from(row.count).unwrap_or(0),
            }),
            _ => candidates.push(Candidate {
                is_record: row.value != "paragraph",
                kind: row.value,
                ref_id: row.ref_id.unwrap_or_default(),
                n: row.n,
                names: row.names.unwrap_or_default(),
                pinyin: row.pinyin.unwrap_or_default(),
                linked: row.linked.unwrap_or_default(),
                body: row.body.unwrap_or_default(),
                about: row.about.unwrap_or(false),
                cited_paragraphs: row.cited.unwrap_or(0),
            }),
        }
    }
    let ranked = rank::order(plan, candidates);
    let placed = ranked.iter().filter(|r| r.score > 0).count();
    let (total, facets) = facets::tally(&counts, filters);
    Ok(Ranking {
        total,
        ranked,
        placed,
        facets,
    })
}

/// The results at places `shown(ranked)` of a ranking, with their
/// details read in three queries whatever the page's length.
async fn build_page(
    pool: &SqlitePool,
    found: Ranking,
    shown: Shown<'_>,
) -> Result<SearchResults, sqlx::Error> {
    let ranked = found.ranked.len();
    let shown = shown(ranked);
    let scored: Vec<rank::Ranked> = found
        .ranked
        .into_iter()
        .skip(shown.start)
        .take(shown.len())
        .collect();

    let record_ids: Vec<i64> = scored
        .iter()
        .filter(|r| r.candidate.is_record)
        .map(|r| r.candidate.ref_id)
        .collect();
    let paragraph_keys: Vec<(i64, i64)> = scored
        .iter()
        .filter(|r| !r.candidate.is_record)
        .map(|r| (r.candidate.ref_id, r.candidate.n.unwrap_or_default()))
        .collect();
    let records = queries::records_by_ids(pool, &record_ids).await?;
    let citations = queries::citations_of_records(pool, &record_ids).await?;
    let paragraphs = queries::paragraph_hits(pool, &paragraph_keys).await?;
    let mut hits = Vec::with_capacity(scored.len());
    for rank::Ranked {
        score,
        candidate: c,
        also,
    } in scored
    {
        if !c.is_record {
            let n = c.n.unwrap_or_default();
            let Some(p) = paragraphs
                .iter()
                .find(|p| p.source_id == c.ref_id && p.n == n)
            else {
                continue;
            };
            hits.push(Hit::Paragraph {
                source_slug: p.slug.clone(),
                source_title: p.title.clone(),
                publisher: p.publisher.clone(),
                published: p.published.clone(),
                n,
                text: p.text.clone(),
                also,
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
                also,
            });
        }
    }

    Ok(SearchResults {
        total: found.total,
        ranked,
        placed: found.placed,
        hits,
        facets: found.facets,
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
    let rows: Vec<NameRow> =
        sqlx::query_as("SELECT ref_id, names, pinyin FROM search_rows WHERE target != 'paragraph'")
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
