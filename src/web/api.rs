//! The JSON API: the same data as the pages, for people who script against
//! it. Errors answer `{"errors":[{"detail": …}]}`.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde::Serialize;

use super::params::Params;
use super::views::{
    CitationView, CitingView, EditorialView, EnglishBasisView, ErratumView, RecordRef,
    ReferenceView, errata_of_paragraph, paragraph_url, record_url,
};
use super::{ApiError, AppError, AppState};
use crate::db::queries;
use crate::db::search as db_search;
use crate::model::Kind;

#[derive(Serialize)]
pub struct SourceSummary {
    slug: String,
    title: String,
    subtitle: Option<String>,
    publisher: String,
    publisher_en: Option<String>,
    published: String,
    language: String,
    sha256: String,
    paragraphs: i64,
    url: String,
}

#[derive(Serialize)]
pub struct SourcesAnswer {
    sources: Vec<SourceSummary>,
}

pub async fn sources(State(state): State<AppState>) -> Result<Json<SourcesAnswer>, ApiError> {
    let mut out = Vec::new();
    for s in queries::all_sources(&state.pool).await? {
        out.push(SourceSummary {
            paragraphs: queries::paragraph_count(&state.pool, s.id).await?,
            url: format!("/sources/{}", s.slug),
            slug: s.slug,
            title: s.title,
            subtitle: s.subtitle,
            publisher: s.publisher,
            publisher_en: s.publisher_en,
            published: s.published,
            language: s.language,
            sha256: s.sha256,
        });
    }
    Ok(Json(SourcesAnswer { sources: out }))
}

#[derive(Serialize)]
pub struct ParagraphAnswer {
    n: i64,
    /// As published; `errata` say where it misprints and what it should read.
    text: String,
    url: String,
    cited_by: Vec<CitingView>,
    errata: Vec<ErratumView>,
}

#[derive(Serialize)]
pub struct BlockAnswer {
    kind: String,
    text: String,
}

#[derive(Serialize)]
pub struct SourceAnswer {
    slug: String,
    title: String,
    subtitle: Option<String>,
    publisher: String,
    published: String,
    sha256: String,
    url: String,
    /// Every block as published: title, headings, paragraphs, dateline.
    blocks: Vec<BlockAnswer>,
    paragraphs: Vec<ParagraphAnswer>,
    /// Every misprint in the text as published, in paragraphs and headings.
    errata: Vec<ErratumView>,
}

pub async fn source(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<SourceAnswer>, ApiError> {
    let Path(slug) = path.map_err(|_| AppError::NotFound)?;
    let pool = &state.pool;
    let s = queries::source_by_slug(pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let blocks = queries::source_blocks(pool, s.id).await?;
    let cites = queries::citations_into_source(pool, s.id).await?;
    let errata = queries::errata(pool).await?;
    let paragraphs = blocks
        .iter()
        .filter_map(|b| {
            let n = b.n?;
            let rows: Vec<_> = cites.iter().filter(|c| c.paragraph == n).collect();
            Some(ParagraphAnswer {
                n,
                text: b.text.clone(),
                url: paragraph_url(&s.slug, n),
                cited_by: rows.iter().map(|c| CitingView::from(*c)).collect(),
                errata: errata_of_paragraph(&errata, &s.slug, n)
                    .into_iter()
                    .map(ErratumView::from)
                    .collect(),
            })
        })
        .collect();
    Ok(Json(SourceAnswer {
        url: format!("/sources/{}", s.slug),
        blocks: blocks
            .into_iter()
            .map(|b| BlockAnswer {
                kind: b.kind,
                text: b.text,
            })
            .collect(),
        slug: s.slug,
        title: s.title,
        subtitle: s.subtitle,
        publisher: s.publisher,
        published: s.published,
        sha256: s.sha256,
        paragraphs,
        errata: errata
            .iter()
            .filter(|e| e.source_id == s.id)
            .map(ErratumView::from)
            .collect(),
    }))
}

#[derive(Serialize)]
pub struct LinkAnswer {
    role: String,
    #[serde(flatten)]
    record: RecordRef,
}

#[derive(Serialize)]
pub struct RecordAnswer {
    kind: Kind,
    slug: String,
    title: String,
    english: Option<String>,
    /// `official` or `translation` (ours), whenever `english` is set.
    english_basis: Option<&'static str>,
    /// For an official name, the English text that uses it.
    english_ref: Option<ReferenceView>,
    english_note: Option<String>,
    aliases: Vec<String>,
    summary: String,
    /// Facts from outside the sources, each with its reference.
    editorial: Vec<EditorialView>,
    url: String,
    fields: serde_json::Map<String, serde_json::Value>,
    links: Vec<LinkAnswer>,
    backlinks: Vec<LinkAnswer>,
    citations: Vec<CitationAnswer>,
}

#[derive(Serialize)]
pub struct CitationAnswer {
    source: String,
    paragraph: i64,
    span: String,
    url: String,
    /// Misprints the span quotes as published, when it holds any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errata: Vec<ErratumView>,
}

impl From<&CitationView> for CitationAnswer {
    fn from(c: &CitationView) -> Self {
        CitationAnswer {
            source: c.source.clone(),
            paragraph: c.paragraph,
            span: c.span.clone(),
            url: c.url.clone(),
            errata: c.errata.clone(),
        }
    }
}

pub async fn record(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<RecordAnswer>, ApiError> {
    let Path((kind, slug)) = path.map_err(|_| AppError::NotFound)?;
    let kind = Kind::from_singular(&kind).ok_or(AppError::NotFound)?;
    let pool = &state.pool;
    let r = queries::record_by_kind_and_slug(pool, kind, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = queries::record_fields(pool, r.id)
        .await?
        .into_iter()
        .map(|f| (f.name, serde_json::Value::String(f.value)))
        .collect();
    let basis = EnglishBasisView::from_row(&queries::record_english_basis(pool, r.id).await?);
    let errata = queries::errata(pool).await?;
    let link = |l: &queries::LinkedRow| LinkAnswer {
        role: l.role.clone(),
        record: RecordRef::from(l),
    };
    Ok(Json(RecordAnswer {
        aliases: queries::record_aliases(pool, r.id).await?,
        links: queries::links_from(pool, r.id)
            .await?
            .iter()
            .map(link)
            .collect(),
        backlinks: queries::links_to(pool, r.id)
            .await?
            .iter()
            .map(link)
            .collect(),
        citations: queries::record_citations(pool, r.id)
            .await?
            .iter()
            .map(|c| CitationAnswer::from(&CitationView::new(c, &r.slug, &errata)))
            .collect(),
        editorial: queries::record_editorial(pool, r.id)
            .await?
            .iter()
            .map(EditorialView::from)
            .collect(),
        english_basis: basis.as_ref().map(|b| b.basis),
        english_ref: basis.and_then(|b| b.reference),
        url: record_url(r.kind, &r.slug),
        kind: r.kind,
        slug: r.slug,
        title: r.title,
        english: r.english,
        english_note: r.english_note,
        summary: r.summary,
        fields,
    }))
}

#[derive(Serialize)]
pub struct RecordListAnswer {
    kind: Kind,
    records: Vec<RecordRef>,
}

pub async fn records_of_kind(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<RecordListAnswer>, ApiError> {
    let Path(kind) = path.map_err(|_| AppError::NotFound)?;
    let kind = Kind::from_singular(&kind).ok_or(AppError::NotFound)?;
    let records = queries::records_of_kind(&state.pool, kind).await?;
    Ok(Json(RecordListAnswer {
        kind,
        records: records.iter().map(RecordRef::from).collect(),
    }))
}

#[derive(Serialize)]
pub struct SearchResultAnswer {
    kind: String,
    slug: String,
    title: String,
    english: Option<String>,
    url: String,
    /// HTML: the text is escaped, matches are in `<mark>`; a result found
    /// by a synonym or a corrected spelling starts with a "也匹配" note.
    snippet: String,
    /// What it matched that was not typed, as its text writes it.
    also_matched: Vec<String>,
    citations: Vec<CitationAnswer>,
}

#[derive(Serialize)]
pub struct FacetAnswer {
    value: String,
    label: String,
    count: usize,
}

#[derive(Serialize)]
pub struct Facets {
    kind: Vec<FacetAnswer>,
    country: Vec<FacetAnswer>,
}

#[derive(Serialize)]
pub struct SearchAnswer {
    query: String,
    kind: Option<String>,
    country: Option<String>,
    total: usize,
    results: Vec<SearchResultAnswer>,
    facets: Facets,
    /// For a query with no results: the nearest records.
    suggestions: Vec<RecordRef>,
    /// The kind word that narrowed the results (`引语`), if one did; the
    /// `kind` is then that kind, and `narrow=off` searches the word as text.
    narrowed_by: Option<String>,
}

pub async fn search(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<SearchAnswer>, ApiError> {
    let v = super::search::run(&state, &params).await?;
    let facet = |f: &super::search::Facet| FacetAnswer {
        value: f.value.clone(),
        label: f.label.clone(),
        count: f.count,
    };
    Ok(Json(SearchAnswer {
        query: v.query.raw.clone(),
        kind: v.filters.kind.clone(),
        country: v.filters.country.clone(),
        total: v.total,
        results: v
            .results
            .iter()
            .map(|r| SearchResultAnswer {
                kind: r.kind.clone(),
                slug: r.slug.clone(),
                title: r.title.clone(),
                english: r.english.clone(),
                url: r.url.clone(),
                snippet: r.snippet_html.clone(),
                also_matched: r.also_matched.clone(),
                citations: r.citations.iter().map(CitationAnswer::from).collect(),
            })
            .collect(),
        facets: Facets {
            kind: v.kind_facets.iter().map(facet).collect(),
            country: v.country_facets.iter().map(facet).collect(),
        },
        suggestions: v.nearest,
        narrowed_by: v.narrowed.map(|n| n.word),
    }))
}

#[derive(Serialize)]
pub struct SuggestAnswer {
    query: String,
    suggestions: Vec<RecordRef>,
}

pub async fn suggest(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<SuggestAnswer>, ApiError> {
    let typed: String = params
        .get("q")
        .unwrap_or("")
        .chars()
        .take(crate::search::query::MAX_QUERY_CHARS)
        .collect();
    let found = db_search::suggest(&state.pool, &typed, 8).await?;
    Ok(Json(SuggestAnswer {
        query: typed,
        suggestions: found
            .iter()
            .map(|s| RecordRef::new(s.kind, &s.slug, &s.title, s.english.as_deref()))
            .collect(),
    }))
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}
