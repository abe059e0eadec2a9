//! The search page. The JSON API in `api.rs` shares [`run`], so both answer
//! the same results.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::params::Params;
use super::views::{
    CitationView, ParagraphLink, RecordRef, errata_of_paragraph, kind_labels, paragraph_links,
    paragraph_snippet, paragraph_url, record_url,
};
use super::{AppError, AppState, render};
use crate::db::queries::{self, ErratumRow, RecordRow};
use crate::db::search::{self as db_search, Hit, SearchResults};
use crate::model::Kind;
use crate::search::highlight::{escape, snippet};
use crate::search::{Filters, Query};

/// Results shown on one page.
pub const PAGE_SIZE: usize = 50;

/// One result, ready for the page or JSON.
pub struct ResultView {
    pub kind: String,
    pub kind_label: &'static str,
    pub slug: String,
    pub title_html: String,
    pub title: String,
    pub english: Option<String>,
    pub url: String,
    pub snippet_html: String,
    pub citations: Vec<CitationView>,
    /// The page's ¶ links: one per cited paragraph, in reading order.
    pub paragraphs: Vec<ParagraphLink>,
}

pub struct Facet {
    pub value: String,
    pub label: String,
    pub count: usize,
    pub url: String,
    pub active: bool,
}

/// A search run and shaped for display.
pub struct SearchView {
    pub query: Query,
    pub filters: Filters,
    pub total: usize,
    pub results: Vec<ResultView>,
    pub kind_facets: Vec<Facet>,
    pub country_facets: Vec<Facet>,
    pub nearest: Vec<RecordRef>,
}

/// The filters a query string asks for; values that name no kind or
/// country are ignored, as an unknown parameter is.
pub fn filters_of(params: &Params) -> Filters {
    Filters {
        kind: params
            .get("kind")
            .filter(|k| *k == "paragraph" || Kind::from_singular(k).is_some())
            .map(str::to_owned),
        country: params
            .get("country")
            .filter(|c| crate::model::is_valid_slug(c))
            .map(str::to_owned),
    }
}

pub async fn run(state: &AppState, params: &Params) -> Result<SearchView, AppError> {
    run_with(state, params, PAGE_SIZE).await
}

/// [`run`], with up to `limit` results (the API pages through more).
pub async fn run_with(
    state: &AppState,
    params: &Params,
    limit: usize,
) -> Result<SearchView, AppError> {
    let query = Query::parse(params.get("q").unwrap_or(""));
    let filters = filters_of(params);
    let pool = &state.pool;
    let found: SearchResults = db_search::search(pool, &query, &filters, limit).await?;
    let countries: Vec<RecordRow> = queries::records_of_kind(pool, Kind::Country).await?;

    let errata = if found
        .hits
        .iter()
        .any(|h| matches!(h, Hit::Paragraph { .. }))
    {
        queries::errata(pool).await?
    } else {
        Vec::new()
    };
    let results = found
        .hits
        .iter()
        .map(|h| {
            let mut v = result_view(h, &query, &errata);
            v.paragraphs = paragraph_links(&v.citations);
            v
        })
        .collect();
    let link = |kind: Option<&str>, country: Option<&str>| search_url(&query.raw, kind, country);
    let kind_facets = found
        .facets
        .kinds
        .iter()
        .map(|(k, count)| Facet {
            label: kind_labels(k).0.to_owned(),
            count: *count,
            active: filters.kind.as_deref() == Some(k.as_str()),
            url: link(
                (filters.kind.as_deref() != Some(k.as_str())).then_some(k.as_str()),
                filters.country.as_deref(),
            ),
            value: k.clone(),
        })
        .collect();
    let country_facets = found
        .facets
        .countries
        .iter()
        .map(|(slug, count)| Facet {
            label: countries
                .iter()
                .find(|c| &c.slug == slug)
                .map(|c| c.title.clone())
                .unwrap_or_else(|| slug.clone()),
            count: *count,
            active: filters.country.as_deref() == Some(slug.as_str()),
            url: link(
                filters.kind.as_deref(),
                (filters.country.as_deref() != Some(slug.as_str())).then_some(slug.as_str()),
            ),
            value: slug.clone(),
        })
        .collect();
    let nearest = if found.total == 0 && !query.is_empty() {
        db_search::nearest(pool, &query, 5)
            .await?
            .iter()
            .map(RecordRef::from)
            .collect()
    } else {
        Vec::new()
    };
    Ok(SearchView {
        total: found.total,
        results,
        kind_facets,
        country_facets,
        nearest,
        query,
        filters,
    })
}

fn result_view(hit: &Hit, q: &Query, errata: &[ErratumRow]) -> ResultView {
    match hit {
        Hit::Record {
            record, citations, ..
        } => ResultView {
            kind: record.kind.as_str().to_owned(),
            kind_label: record.kind.label_zh(),
            slug: record.slug.clone(),
            title_html: snippet(&record.title, &q.terms, 200),
            title: record.title.clone(),
            english: record.english.clone(),
            url: record_url(record.kind, &record.slug),
            snippet_html: snippet(&record.summary, &q.terms, 120),
            citations: citations
                .iter()
                // Results link to citations; they quote no paragraph, so
                // they need no [sic] notes.
                .map(|c| CitationView::new(c, &record.slug, &[]))
                .collect(),
            paragraphs: Vec::new(),
        },
        Hit::Paragraph {
            source_slug,
            source_title,
            publisher,
            published,
            n,
            text,
        } => {
            let url = paragraph_url(source_slug, *n);
            let title = format!("{source_title} ¶{n}");
            ResultView {
                kind: "paragraph".to_owned(),
                kind_label: kind_labels("paragraph").0,
                slug: format!("{source_slug}#p{n}"),
                title_html: escape(&title),
                title,
                english: None,
                url: format!("{url}?q={}", encode(&q.raw)),
                snippet_html: paragraph_snippet(
                    text,
                    &q.terms,
                    &errata_of_paragraph(errata, source_slug, *n),
                    120,
                ),
                citations: vec![CitationView {
                    source: source_slug.clone(),
                    source_title: source_title.clone(),
                    publisher: publisher.clone(),
                    published: published.clone(),
                    paragraph: *n,
                    span: String::new(),
                    span_start: 0,
                    from_url: url.clone(),
                    url,
                    html: String::new(),
                    errata: Vec::new(),
                }],
                paragraphs: Vec::new(),
            }
        }
    }
}

pub fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A search URL that keeps the query and the given filters.
pub fn search_url(q: &str, kind: Option<&str>, country: Option<&str>) -> String {
    let mut url = format!("/search?q={}", encode(q));
    if let Some(k) = kind {
        url.push_str(&format!("&kind={}", encode(k)));
    }
    if let Some(c) = country {
        url.push_str(&format!("&country={}", encode(c)));
    }
    url
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,

    pub q: String,
    pub view: SearchView,
    pub clear_kind_url: String,
    pub clear_country_url: String,
}

pub async fn page(State(state): State<AppState>, params: Params) -> Result<Response, AppError> {
    let view = run(&state, &params).await?;
    render(&SearchPage {
        jsonld: super::jsonld::script_text(&super::jsonld::web_page(
            &state.base_url,
            "/search",
            "搜索 Search",
        )),
        q: view.query.raw.clone(),
        clear_kind_url: search_url(&view.query.raw, None, view.filters.country.as_deref()),
        clear_country_url: search_url(&view.query.raw, view.filters.kind.as_deref(), None),
        view,
    })
}
