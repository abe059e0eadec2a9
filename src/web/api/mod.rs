//! The JSON API: the same data as the pages, for people who script against
//! it, described by the OpenAPI 3.1 document at `/api/v1/openapi.json`
//! ([`doc`]) and by the page at `/api`.
//!
//! - **Versioned by path.** `/api/v1/…` is canonical and every `api_url`
//!   names it. The same resources answer under `/api/…` (the addresses of
//!   the first, unversioned API), identically: a shape that changes
//!   incompatibly gets a new prefix, and both of these keep today's. A path
//!   is explicit in logs, links and caches, where a header would be one more
//!   thing to remember and would make every answer vary by it.
//! - **Links.** Every thing an answer names carries `url` (its page) and
//!   `api_url` (its answer here), so a client can walk from `/api/v1` to
//!   any record, citation and paragraph and back without building a URL.
//! - **Strict** ([`input`]): unknown or repeated parameters and values
//!   outside what is allowed answer `400 {"errors":[{"detail","parameter"}]}`.
//! - **Lists** are paginated by [`super::paginate`].
//! - **CORS**: any origin may read ([`cors`]).

mod commitments;
pub mod cors;
mod doc;
mod english;
mod fields;
mod input;
mod types;

use std::collections::HashMap;

use axum::Json;
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, any, get};
use utoipa::openapi::OpenApi;

use super::paginate::{self, PageBounds, PageRequest, ParamProblem};
use super::params::Params;
use super::views::{CitationView, EnglishBasisView, paragraph_url, record_url};
use super::{ApiError, AppError, AppState};
use crate::db::queries::{self, CitationRow, CitingRow, ErratumRow, LinkedRow};
use crate::db::search as db_search;
use crate::model::Kind;
use english::EnglishIndex;
pub(crate) use input::check_names;
use input::{parse_country, parse_kind, parse_kind_filter, unknown_kind};
pub use types::*;

pub use doc::openapi_json;

/// The canonical prefix of every API address.
pub const PREFIX: &str = "/api/v1";

/// The answer of a record in this API.
pub fn record_api_url(kind: Kind, slug: &str) -> String {
    format!("{PREFIX}/records/{}/{slug}", kind.plural())
}

/// The list of a kind's records in this API.
pub fn kind_api_url(kind: Kind) -> String {
    format!("{PREFIX}/records/{}", kind.plural())
}

pub fn source_api_url(slug: &str) -> String {
    format!("{PREFIX}/sources/{slug}")
}

pub fn paragraph_api_url(source: &str, n: i64) -> String {
    format!("{PREFIX}/sources/{source}/p/{n}")
}

/// Bounds of `limit` on the lists of records.
const RECORD_PAGES: PageBounds = PageBounds {
    default: 50,
    max: 200,
};
/// Bounds of `limit` on search results.
const SEARCH_PAGES: PageBounds = PageBounds {
    default: 50,
    max: 200,
};
/// Bounds of `limit` on the list of sources.
const SOURCE_PAGES: PageBounds = PageBounds {
    default: 50,
    max: 200,
};

/// One endpoint: what answers it, and its description in the OpenAPI
/// document, from the handler's own `#[utoipa::path]` (whose `path` is where
/// the router serves it). Both the router ([`routes`]) and the document
/// ([`document`]) are built from [`endpoints`], and only from it, so no
/// route can be served undocumented, nor documented and not served.
pub struct Endpoint {
    /// The canonical path, as the document names it.
    pub path: String,
    handler: MethodRouter<AppState>,
    describe: fn(&mut OpenApi),
}

/// The endpoint a `#[utoipa::path]`-annotated handler describes (`P` is the
/// type that annotation generates: `__path_<handler>`).
fn endpoint<P>(handler: MethodRouter<AppState>) -> Endpoint
where
    P: utoipa::Path + utoipa::__dev::SchemaReferences + utoipa::__dev::Tags<'static>,
{
    Endpoint {
        path: P::path(),
        handler,
        describe: describe::<P>,
    }
}

/// Adds `P`'s operation, with its tags, and the schemas it names.
fn describe<P>(doc: &mut OpenApi)
where
    P: utoipa::Path + utoipa::__dev::SchemaReferences + utoipa::__dev::Tags<'static>,
{
    let mut operation = P::operation();
    let tags = <P as utoipa::__dev::Tags<'static>>::tags();
    if operation.tags.is_none() && !tags.is_empty() {
        operation.tags = Some(tags.into_iter().map(str::to_owned).collect());
    }
    doc.paths
        .add_path_operation(P::path(), P::methods(), operation);
    let mut schemas = Vec::new();
    P::schemas(&mut schemas);
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
}

/// Every endpoint of the API: the `/api` page, the root, and the resources,
/// each served under [`PREFIX`] and, the same, under `/api`.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint::<doc::__path_page>(get(doc::page)),
        endpoint::<__path_index>(get(index)),
        endpoint::<doc::__path_openapi>(get(doc::openapi)),
        endpoint::<__path_sources>(get(sources)),
        endpoint::<__path_source>(get(source)),
        endpoint::<__path_paragraph>(get(paragraph)),
        endpoint::<__path_records_of_kind>(get(records_of_kind)),
        endpoint::<__path_record>(get(record)),
        endpoint::<commitments::__path_commitments>(get(commitments::commitments)),
        endpoint::<__path_search>(get(search)),
        endpoint::<__path_suggest>(get(suggest)),
        endpoint::<super::export::__path_index>(get(super::export::index)),
        endpoint::<super::export::__path_download>(get(super::export::download)),
    ]
}

/// The paths of the OpenAPI document, built from [`endpoints`].
pub(crate) fn document(doc: &mut OpenApi) {
    for e in endpoints() {
        (e.describe)(doc);
    }
}

/// Every path the API answers at, canonical form, as the OpenAPI document
/// lists them.
pub fn paths() -> Vec<String> {
    endpoints().into_iter().map(|e| e.path).collect()
}

/// The API's routes: every endpoint, a resource under both prefixes, and
/// a JSON 404 for anything else under `/api`.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new()
        .route("/api/", get(|| async { Redirect::permanent("/api") }))
        .route("/api/v1/", get(|| async { Redirect::permanent(PREFIX) }));
    for e in endpoints() {
        if let Some(rest) = e.path.strip_prefix(PREFIX).filter(|r| r.starts_with('/')) {
            router = router.route(&format!("/api{rest}"), e.handler.clone());
        }
        router = router.route(&e.path, e.handler);
    }
    router.route("/api/{*rest}", any(not_found))
}

/// The version of the data served, named in every answer.
async fn data_version(state: &AppState) -> Result<String, AppError> {
    Ok(queries::data_version(&state.pool)
        .await?
        .unwrap_or_default())
}

/// Refuses the request if any problem was found.
fn refuse(problems: Vec<ParamProblem>) -> Result<(), AppError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::BadRequest(problems))
    }
}

/// A list's request: its page and the item fields to keep (`fields=`, of
/// items of type `T`), every problem with the parameters refused at once.
fn list_request<T: utoipa::PartialSchema>(
    params: &Params,
    allowed: &[&str],
    bounds: PageBounds,
    version: &str,
) -> Result<(PageRequest, Option<Vec<String>>), AppError> {
    let mut problems = check_names(params, allowed);
    let page = PageRequest::parse(params.get("limit"), params.get("cursor"), bounds, version);
    let keep = fields::parse::<T>(params);
    match (page, keep) {
        (Ok(page), Ok(keep)) if problems.is_empty() => Ok((page, keep)),
        (page, keep) => {
            problems.extend(page.err().into_iter().flatten());
            problems.extend(keep.err());
            Err(AppError::BadRequest(problems))
        }
    }
}

/// Reads `limit` and `cursor` beside the parameter names already checked.
fn page_request(
    params: &Params,
    allowed: &[&str],
    bounds: PageBounds,
    version: &str,
) -> Result<PageRequest, AppError> {
    let mut problems = check_names(params, allowed);
    let page = PageRequest::parse(params.get("limit"), params.get("cursor"), bounds, version);
    match page {
        Ok(page) if problems.is_empty() => Ok(page),
        Ok(_) => Err(AppError::BadRequest(problems)),
        Err(more) => {
            problems.extend(more);
            Err(AppError::BadRequest(problems))
        }
    }
}

/// The key of the item a cursor continues after, written `{name}:{key}`
/// by this list; a cursor another list wrote is refused.
fn cursor_key<T: std::str::FromStr>(
    page: &PageRequest,
    name: &str,
) -> Result<Option<T>, ParamProblem> {
    let Some(key) = page.after.as_deref() else {
        return Ok(None);
    };
    key.strip_prefix(name)
        .and_then(|k| k.strip_prefix(':'))
        .and_then(|k| k.parse().ok())
        .map(Some)
        .ok_or_else(|| {
            ParamProblem::new(
                "cursor",
                "this cursor belongs to another list: pass back the `next` cursor of this one",
            )
        })
}

/// A page's answer, with its next page in a `Link` header.
fn paged<T: serde::Serialize>(answer: T, next: Option<&str>) -> Response {
    match next {
        Some(url) => ([(header::LINK, paginate::link_header(url))], Json(answer)).into_response(),
        None => Json(answer).into_response(),
    }
}

/// The request's parameters that were given a value, for the next page's URL.
fn given(params: &Params) -> Vec<(String, String)> {
    params
        .pairs()
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .cloned()
        .collect()
}

/// The API root: where everything else is.
#[utoipa::path(get, path = "/api/v1", tag = "api",
    summary = "The API root",
    description = "The versions of the API and of the data, and the address of every list: \
        start here and follow `api_url`s.",
    responses((status = 200, description = "The root", body = IndexAnswer), (status = 400, description = "Refused: each error names its parameter and what is allowed", body = ErrorAnswer)))]
pub async fn index(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    refuse(check_names(&params, &[]))?;
    let counts: HashMap<Kind, i64> = queries::kind_counts(&state.pool)
        .await?
        .into_iter()
        .collect();
    Ok(Json(IndexAnswer {
        api_version: "v1",
        data_version: data_version(&state).await?,
        documentation_url: "/api".to_owned(),
        openapi_url: format!("{PREFIX}/openapi.json"),
        sources_api_url: format!("{PREFIX}/sources"),
        search_api_url: format!("{PREFIX}/search"),
        suggest_api_url: format!("{PREFIX}/suggest"),
        commitments_api_url: format!("{PREFIX}/commitments"),
        export_api_url: format!("{PREFIX}/export"),
        kinds: Kind::ALL
            .into_iter()
            .map(|kind| KindEntry {
                kind,
                plural: kind.plural(),
                label_zh: kind.label_zh(),
                label_en: kind.label_en(),
                record_count: counts.get(&kind).copied().unwrap_or(0),
                url: format!("/{}", kind.plural()),
                api_url: kind_api_url(kind),
            })
            .collect(),
    })
    .into_response())
}

#[utoipa::path(get, path = "/api/v1/sources", tag = "sources",
    summary = "The sources",
    description = "Every source text, with its number of body paragraphs. Paginated.",
    params(
        ("limit" = Option<usize>, Query, minimum = 1, maximum = 200, description = "Sources per page, 1 to 200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `next` cursor of the previous page, unchanged"),
    ),
    responses(
        (status = 200, description = "A page of sources", body = SourcesAnswer,
            headers(("Link" = String, description = "`<next page>; rel=\"next\"` when there is one"))),
        (status = 400, description = "Refused: each error names its parameter and what is allowed", body = ErrorAnswer)))]
pub async fn sources(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let version = data_version(&state).await?;
    let page = page_request(&params, &["limit", "cursor"], SOURCE_PAGES, &version)?;
    let all = queries::all_sources(&state.pool).await?;
    let page = page.page_of(all, |s| format!("{}/{}", s.published, s.slug));
    let mut out = Vec::new();
    for s in &page.items {
        out.push(SourceSummary {
            paragraph_count: queries::paragraph_count(&state.pool, s.id).await?,
            url: format!("/sources/{}", s.slug),
            api_url: source_api_url(&s.slug),
            slug: s.slug.clone(),
            title: s.title.clone(),
            subtitle: s.subtitle.clone(),
            publisher: s.publisher.clone(),
            publisher_en: s.publisher_en.clone(),
            published: s.published.clone(),
            language: s.language.clone(),
            sha256: s.sha256.clone(),
        });
    }
    let next = page
        .next_cursor(&version)
        .map(|c| paginate::next_url(&format!("{PREFIX}/sources"), &given(&params), &c));
    Ok(paged(
        SourcesAnswer {
            data_version: version,
            sources: out,
            next: next.clone(),
        },
        next.as_deref(),
    ))
}

fn erratum(e: &ErratumRow) -> ErratumAnswer {
    ErratumAnswer::from(&super::views::ErratumView::from(e))
}

fn errata_of(errata: &[ErratumRow], source: &str, n: i64) -> Vec<ErratumAnswer> {
    super::views::errata_of_paragraph(errata, source, n)
        .into_iter()
        .map(erratum)
        .collect()
}

fn citing(c: &CitingRow, english: &EnglishIndex) -> CitingAnswer {
    let summary = english.summary(c.kind, &c.slug);
    CitingAnswer {
        kind: c.kind,
        slug: c.slug.clone(),
        title: c.title.clone(),
        english: c.english.clone(),
        summary_en: summary.text,
        summary_en_basis: summary.basis,
        summary_en_ref: summary.reference,
        url: record_url(c.kind, &c.slug),
        api_url: record_api_url(c.kind, &c.slug),
        span_start: c.span_start,
        span_end: c.span_start + c.span.chars().count() as i64,
        span: c.span.clone(),
    }
}

/// The source's slug from its path, or a 404.
async fn source_row(
    state: &AppState,
    path: Result<Path<String>, PathRejection>,
) -> Result<queries::SourceRow, AppError> {
    let Path(slug) = path.map_err(|_| AppError::NotFound)?;
    queries::source_by_slug(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[utoipa::path(get, path = "/api/v1/sources/{slug}", tag = "sources",
    summary = "A source, whole",
    description = "Every block of the text as published, each body paragraph with the records \
        citing it, and the misprints.",
    params(("slug" = String, Path, description = "The source's slug")),
    responses((status = 200, description = "The source", body = SourceAnswer), (status = 400, description = "Refused: each error names its parameter and what is allowed", body = ErrorAnswer),
        (status = 404, description = "Nothing at this address", body = ErrorAnswer)))]
pub async fn source(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    params: Params,
) -> Result<Response, ApiError> {
    refuse(check_names(&params, &[]))?;
    let s = source_row(&state, path).await?;
    let pool = &state.pool;
    let blocks = queries::source_blocks(pool, s.id).await?;
    let cites = queries::citations_into_source(pool, s.id).await?;
    let errata = queries::errata(pool).await?;
    let english = EnglishIndex::of_slugs(pool, cites.iter().map(|c| c.slug.as_str())).await?;
    let paragraphs: Vec<ParagraphEntry> = blocks
        .iter()
        .filter_map(|b| {
            let n = b.n?;
            Some(ParagraphEntry {
                n,
                text: b.text.clone(),
                url: paragraph_url(&s.slug, n),
                api_url: paragraph_api_url(&s.slug, n),
                cited_by: cites
                    .iter()
                    .filter(|c| c.paragraph == n)
                    .map(|c| citing(c, &english))
                    .collect(),
                errata: errata_of(&errata, &s.slug, n),
            })
        })
        .collect();
    Ok(Json(SourceAnswer {
        data_version: data_version(&state).await?,
        paragraph_count: paragraphs.len() as i64,
        url: format!("/sources/{}", s.slug),
        api_url: source_api_url(&s.slug),
        blocks: blocks
            .into_iter()
            .map(|b| BlockAnswer {
                kind: b.kind,
                text: b.text,
            })
            .collect(),
        paragraphs,
        errata: errata
            .iter()
            .filter(|e| e.source_id == s.id)
            .map(erratum)
            .collect(),
        slug: s.slug,
        title: s.title,
        subtitle: s.subtitle,
        publisher: s.publisher,
        published: s.published,
        sha256: s.sha256,
    })
    .into_response())
}

#[utoipa::path(get, path = "/api/v1/sources/{slug}/p/{n}", tag = "sources",
    summary = "One paragraph",
    description = "A body paragraph as published, its section heading, how to cite it, its \
        neighbours, each record citing it with the words it rests on, and its misprints.",
    params(("slug" = String, Path, description = "The source's slug"),
        ("n" = i64, Path, description = "The paragraph's number, from 1, as written (no leading zeros)")),
    responses((status = 200, description = "The paragraph", body = ParagraphAnswer), (status = 400, description = "Refused: each error names its parameter and what is allowed", body = ErrorAnswer),
        (status = 404, description = "Nothing at this address", body = ErrorAnswer)))]
pub async fn paragraph(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    params: Params,
) -> Result<Response, ApiError> {
    refuse(check_names(&params, &[]))?;
    let Path((slug, n_text)) = path.map_err(|_| AppError::NotFound)?;
    let pool = &state.pool;
    let s = queries::source_by_slug(pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let last = queries::paragraph_count(pool, s.id).await?;
    // One address per paragraph: `/p/007` is not `/p/7`.
    let n = match n_text.parse::<i64>() {
        Ok(n) if (1..=last).contains(&n) && n.to_string() == n_text => n,
        _ => {
            return Err(AppError::NotFoundBecause(ParamProblem::new(
                "n",
                format!(
                    "no paragraph {n_text:?} in {slug}: its paragraphs are numbered 1 to {last}"
                ),
            ))
            .into());
        }
    };
    let text = queries::paragraphs_between(pool, s.id, n, n)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?
        .text;
    let errata = queries::errata(pool).await?;
    let cites = queries::citations_into_paragraph(pool, s.id, n).await?;
    let english = EnglishIndex::of_slugs(pool, cites.iter().map(|c| c.slug.as_str())).await?;
    let neighbour = |m: i64| {
        (1..=last).contains(&m).then(|| ParagraphLink {
            n: m,
            url: paragraph_url(&s.slug, m),
            api_url: paragraph_api_url(&s.slug, m),
        })
    };
    Ok(Json(ParagraphAnswer {
        data_version: data_version(&state).await?,
        n,
        text,
        heading: queries::heading_before_paragraph(pool, s.id, n).await?,
        url: paragraph_url(&s.slug, n),
        api_url: paragraph_api_url(&s.slug, n),
        citation: super::sources::citation_text(&state.base_url, &s, n),
        previous: neighbour(n - 1),
        next: neighbour(n + 1),
        cited_by: cites.iter().map(|c| citing(c, &english)).collect(),
        errata: errata_of(&errata, &s.slug, n),
        source: SourceLink {
            url: format!("/sources/{}", s.slug),
            api_url: source_api_url(&s.slug),
            paragraph_count: last,
            slug: s.slug,
            title: s.title,
            publisher: s.publisher,
            published: s.published,
        },
    })
    .into_response())
}

fn link(role: &str, kind: Kind, slug: &str, title: &str, english: Option<&str>) -> LinkAnswer {
    LinkAnswer {
        role: role.to_owned(),
        kind,
        slug: slug.to_owned(),
        title: title.to_owned(),
        english: english.map(str::to_owned),
        url: record_url(kind, slug),
        api_url: record_api_url(kind, slug),
    }
}

fn linked(l: &LinkedRow) -> LinkAnswer {
    link(&l.role, l.kind, &l.slug, &l.title, l.english.as_deref())
}

fn citation(c: &CitationView) -> CitationAnswer {
    CitationAnswer {
        source: c.source.clone(),
        source_title: c.source_title.clone(),
        publisher: c.publisher.clone(),
        published: c.published.clone(),
        paragraph: c.paragraph,
        span: c.span.clone(),
        span_start: c.span_start,
        span_end: c.span_start + c.span.chars().count() as i64,
        url: c.url.clone(),
        api_url: paragraph_api_url(&c.source, c.paragraph),
        errata: c.errata.iter().map(ErratumAnswer::from).collect(),
    }
}

fn cited(c: &CitationRow, errata: &[ErratumRow]) -> CitationAnswer {
    citation(&CitationView::new(c, "", errata))
}

fn fields_map(
    rows: impl Iterator<Item = queries::FieldRow>,
) -> serde_json::Map<String, serde_json::Value> {
    rows.map(|f| (f.name, serde_json::Value::String(f.value)))
        .collect()
}

/// Search's `kind` and `country`, checked: an unknown value of either is a
/// problem naming what is allowed (the search answer and its download).
pub(crate) async fn search_filters(
    state: &AppState,
    params: &Params,
    problems: &mut Vec<ParamProblem>,
) -> Result<(Option<String>, Option<String>), AppError> {
    let kind = match params.get("kind").map(parse_kind_filter) {
        Some(Err(p)) => {
            problems.push(p);
            None
        }
        Some(Ok(k)) => Some(k),
        None => None,
    };
    let mut country = None;
    if let Some(c) = params.get("country") {
        let known: Vec<String> = queries::records_of_kind(&state.pool, Kind::Country)
            .await?
            .into_iter()
            .map(|r| r.slug)
            .collect();
        match parse_country(c, &known) {
            Ok(c) => country = Some(c),
            Err(p) => problems.push(p),
        }
    }
    Ok((kind, country))
}

/// The kind in a path, in either form; unknown, a 404 naming the kinds.
fn kind_of_path(kind: &str) -> Result<Kind, AppError> {
    parse_kind(kind).ok_or_else(|| AppError::NotFoundBecause(unknown_kind(kind)))
}

#[utoipa::path(get, path = "/api/v1/records/{kind}/{slug}", tag = "records",
    summary = "A record",
    description = "Everything about one record: its fields, English name and where it comes \
        from, editorial notes, links both ways, and each citation.",
    params(("kind" = KindSegment, Path,
            description = "The kind, plural as in page URLs (`projects`) or singular (`project`)"),
        ("slug" = String, Path, description = "The record's slug")),
    responses((status = 200, description = "The record", body = RecordAnswer), (status = 400, description = "Refused: each error names its parameter and what is allowed", body = ErrorAnswer),
        (status = 404, description = "Nothing at this address", body = ErrorAnswer)))]
pub async fn record(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    params: Params,
) -> Result<Response, ApiError> {
    refuse(check_names(&params, &[]))?;
    let Path((kind, slug)) = path.map_err(|_| AppError::NotFound)?;
    let kind = kind_of_path(&kind)?;
    let pool = &state.pool;
    let r = queries::record_by_kind_and_slug(pool, kind, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let basis = EnglishBasisView::from_row(&queries::record_english_basis(pool, r.id).await?);
    let errata = queries::errata(pool).await?;
    let reference = |r: super::views::ReferenceView| ReferenceAnswer {
        publisher: r.publisher,
        title: r.title,
        date: r.date,
        url: r.url,
    };
    let views: Vec<CitationView> = queries::record_citations(pool, r.id)
        .await?
        .iter()
        .map(|c| CitationView::new(c, &r.slug, &errata))
        .collect();
    let history = super::history::RecordHistory::load(pool, r.id, &views).await?;
    let english = EnglishIndex::of_ids(pool, &[r.id]).await?;
    let en = english.get(r.kind, &r.slug);
    let summary = english::summary_en(en);
    let field_rows = queries::record_fields(pool, r.id).await?;
    let fields_en = english::fields_en(&field_rows);
    let (fields_en_basis, fields_en_ref) = english::fields_en_basis(en, !fields_en.is_empty());
    Ok(Json(RecordAnswer {
        status_history: history
            .status
            .iter()
            .map(|s| StatusAnswer {
                status: s.status.clone(),
                status_en: s.status_en.clone(),
                date: s.date.clone(),
                date_basis: s.date_basis.clone(),
                citation: citation(&s.citation),
            })
            .collect(),
        disagreements: history
            .disagreements
            .iter()
            .map(|d| DisagreementAnswer {
                field: d.field.clone(),
                values: d
                    .values
                    .iter()
                    .map(|v| ValueAnswer {
                        value: v.value.clone(),
                        citation: citation(&v.citation),
                    })
                    .collect(),
            })
            .collect(),
        commitment: history
            .commitment
            .as_ref()
            .map(|c| commitments::commitment(c, &english)),
        data_version: data_version(&state).await?,
        aliases: queries::record_aliases(pool, r.id).await?,
        fields: fields_map(field_rows.into_iter()),
        fields_en,
        fields_en_basis,
        fields_en_ref,
        summary_en: summary.text,
        summary_en_basis: summary.basis,
        summary_en_ref: summary.reference,
        links: queries::links_from(pool, r.id)
            .await?
            .iter()
            .map(linked)
            .collect(),
        backlinks: queries::links_to(pool, r.id)
            .await?
            .iter()
            .map(linked)
            .collect(),
        citations: views.iter().map(citation).collect(),
        editorial: queries::record_editorial(pool, r.id)
            .await?
            .iter()
            .map(|e| {
                let v = super::views::EditorialView::from(e);
                EditorialAnswer {
                    text: v.text,
                    text_en: v.text_en,
                    reference: reference(v.reference),
                }
            })
            .collect(),
        english_basis: basis.as_ref().map(|b| b.basis),
        english_ref: basis.and_then(|b| b.reference).map(reference),
        url: record_url(r.kind, &r.slug),
        api_url: record_api_url(r.kind, &r.slug),
        list_api_url: kind_api_url(r.kind),
        kind: r.kind,
        slug: r.slug,
        title: r.title,
        english: r.english,
        english_note: r.english_note,
        summary: r.summary,
    })
    .into_response())
}

#[utoipa::path(get, path = "/api/v1/records/{kind}", tag = "records",
    summary = "The records of a kind",
    description = "Each record with its fields, links and citations, in list order. Paginated \
        by `limit` and `cursor`; the next page is in `next` and in the `Link` header.",
    params(("kind" = KindSegment, Path,
            description = "The kind, plural as in page URLs (`projects`) or singular (`project`)"),
        ("limit" = Option<usize>, Query, minimum = 1, maximum = 200, description = "Records per page, 1 to 200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `next` cursor of the previous page, unchanged"),
        ("fields" = Option<String>, Query, description = "Only these fields of each record, comma-separated (`slug` and `api_url` are always kept)")),
    responses(
        (status = 200, description = "A page of records", body = RecordListAnswer,
            headers(("Link" = String, description = "`<next page>; rel=\"next\"` when there is one"))),
        (status = 400, description = "Refused: each error names its parameter and what is allowed", body = ErrorAnswer), (status = 404, description = "Nothing at this address", body = ErrorAnswer)))]
pub async fn records_of_kind(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    params: Params,
) -> Result<Response, ApiError> {
    let Path(kind) = path.map_err(|_| AppError::NotFound)?;
    let kind = kind_of_path(&kind)?;
    let version = data_version(&state).await?;
    let (page, keep) = list_request::<RecordListItem>(
        &params,
        &["limit", "cursor", "fields"],
        RECORD_PAGES,
        &version,
    )?;
    let after = cursor_key(&page, "position").map_err(|p| AppError::BadRequest(vec![p]))?;
    let pool = &state.pool;
    let rows = queries::records_of_kind_after(pool, kind, after, page.fetch() as i64).await?;
    let page = paginate::Page::new(rows, &page, |r| format!("position:{}", r.position));
    let ids: Vec<i64> = page.items.iter().map(|r| r.record.id).collect();
    let mut fields = queries::fields_of_records(pool, &ids).await?;
    let links = queries::links_from_records(pool, &ids).await?;
    let citations = queries::citations_of_records(pool, &ids).await?;
    let errata = queries::errata(pool).await?;
    let english = EnglishIndex::of_ids(pool, &ids).await?;
    let record_count = queries::kind_counts(pool)
        .await?
        .into_iter()
        .find(|(k, _)| *k == kind)
        .map_or(0, |(_, n)| n);
    let records = page
        .items
        .iter()
        .map(|p| {
            let r = &p.record;
            let (mine, rest): (Vec<_>, Vec<_>) =
                fields.drain(..).partition(|f| f.record_id == r.id);
            fields = rest;
            let en = english.get(r.kind, &r.slug);
            let summary = english::summary_en(en);
            let fields_en = english::fields_en(&mine);
            let (fields_en_basis, fields_en_ref) =
                english::fields_en_basis(en, !fields_en.is_empty());
            RecordListItem {
                kind: r.kind,
                slug: r.slug.clone(),
                title: r.title.clone(),
                english: r.english.clone(),
                english_note: r.english_note.clone(),
                summary: r.summary.clone(),
                summary_en: summary.text,
                summary_en_basis: summary.basis,
                summary_en_ref: summary.reference,
                url: record_url(r.kind, &r.slug),
                api_url: record_api_url(r.kind, &r.slug),
                fields: fields_map(mine.into_iter()),
                fields_en,
                fields_en_basis,
                fields_en_ref,
                links: links
                    .iter()
                    .filter(|l| l.from_id == r.id)
                    .map(|l| link(&l.role, l.kind, &l.slug, &l.title, l.english.as_deref()))
                    .collect(),
                citations: citations
                    .iter()
                    .filter(|c| c.record_id == r.id)
                    .map(|c| cited(c, &errata))
                    .collect(),
            }
        })
        .collect();
    let next = page
        .next_cursor(&version)
        .map(|c| paginate::next_url(&kind_api_url(kind), &given(&params), &c));
    let answer = RecordListAnswer {
        data_version: version,
        kind,
        record_count,
        url: format!("/{}", kind.plural()),
        records,
        next: next.clone(),
    };
    Ok(paged(
        fields::apply(answer, "records", keep.as_deref()),
        next.as_deref(),
    ))
}

/// The plain text of an HTML snippet as the highlighter writes it (escaped
/// text, `<mark>` around matches, `[sic]` notes in `<span class="sic">`),
/// and where its marks were: the notes are dropped, so the text is as
/// published. Read from the HTML rather than computed again, so the two
/// cannot disagree about the window or the matches.
pub fn plain_snippet(html: &str) -> (String, Vec<TextRange>) {
    let mut text = String::new();
    let mut len = 0usize;
    let mut matches: Vec<TextRange> = Vec::new();
    let mut open: Option<usize> = None;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("<mark>") {
            open = Some(len);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("</mark>") {
            if let Some(start) = open.take().filter(|s| *s < len) {
                // A mark a note interrupted is one match in the plain text.
                match matches.last_mut() {
                    Some(last) if last.end == start => last.end = len,
                    _ => matches.push(TextRange { start, end: len }),
                }
            }
            rest = after;
        } else if rest.starts_with("<span class=\"sic\">") {
            // A note holds no `</span>` of its own: skip to its end.
            rest = rest
                .find("</span>")
                .map_or("", |i| &rest[i + "</span>".len()..]);
        } else if c == '&' {
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .into_iter()
                .find(|e| rest.starts_with(e));
            let (ch, skip) = match entity {
                Some(e) => (unescape(e), e.len()),
                None => ('&', 1),
            };
            text.push(ch);
            len += 1;
            rest = &rest[skip..];
        } else {
            text.push(c);
            len += 1;
            rest = &rest[c.len_utf8()..];
        }
    }
    (text, matches)
}

fn unescape(entity: &str) -> char {
    match entity {
        "&amp;" => '&',
        "&lt;" => '<',
        "&gt;" => '>',
        "&quot;" => '"',
        _ => '\'',
    }
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    summary = "Search",
    description = "Records and paragraphs matching every word of `q` (Chinese simplified or \
        traditional, pinyin, English), ranked, with the exact total and facets by kind and \
        country, each counting what the other filter leaves. Paginated by `limit` and \
        `cursor` through the first 2,000 matches.",
    params(("q" = Option<String>, Query, description = "The words to find"),
        ("limit" = Option<usize>, Query, minimum = 1, maximum = 200, description = "Results per page, 1 to 200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `next` cursor of the previous page, unchanged"),
        ("kind" = Option<String>, Query,
            description = "Only this kind: plural or singular (`projects`, `project`), or `paragraphs`"),
        ("country" = Option<String>, Query,
            description = "Only records involving this country: a country record's slug (`kazakhstan`)"),
        ("narrow" = Option<String>, Query,
            description = "`off`: search a kind word (`引语`, `quote`) as text instead of narrowing to its kind"),
        ("fields" = Option<String>, Query, description = "Only these fields of each result, comma-separated (`slug` and `api_url` are always kept)")),
    responses((status = 200, description = "The results", body = SearchAnswer,
            headers(("Link" = String, description = "`<next page>; rel=\"next\"` when there is one"))), (status = 400, description = "Refused: each error names its parameter and what is allowed", body = ErrorAnswer)))]
pub async fn search(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let version = data_version(&state).await?;
    let mut problems = check_names(
        &params,
        &[
            "q", "kind", "country", "narrow", "limit", "cursor", "fields",
        ],
    );
    let keep = fields::parse::<SearchResultAnswer>(&params).unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    if let Some(v) = params
        .get("narrow")
        .filter(|v| *v != super::search::NARROW_OFF)
    {
        problems.push(ParamProblem::new(
            "narrow",
            format!("narrow {v:?} is not allowed: the only value is \"off\""),
        ));
    }
    let page = match PageRequest::parse(
        params.get("limit"),
        params.get("cursor"),
        SEARCH_PAGES,
        &version,
    ) {
        Ok(page) => Some(page),
        Err(more) => {
            problems.extend(more);
            None
        }
    };
    // The key is a result's place in the ranking.
    let offset = match page.as_ref().map(|p| cursor_key::<usize>(p, "rank")) {
        Some(Ok(Some(i))) => i + 1,
        Some(Err(p)) => {
            problems.push(p);
            0
        }
        _ => 0,
    };
    let (kind, country) = search_filters(&state, &params, &mut problems).await?;
    refuse(problems)?;
    let page = page.expect("no problems, so the page parsed");
    let q = params.get("q").unwrap_or("");
    // The search the pages run, given the filters in the form it takes.
    let mut canonical = super::search::search_url(q, kind.as_deref(), country.as_deref());
    if params.get("narrow").is_some() {
        // Only `off` gets here: a kind word is searched as text.
        canonical.push_str("&narrow=off");
    }
    let canonical_params = Params::parse(canonical.split_once('?').map_or("", |(_, q)| q));
    // Only this page's results are built; their places count from `offset`.
    let fetch = page.fetch();
    let v =
        super::search::run_range(&state, &canonical_params, &|_| offset..offset + fetch).await?;
    let facet = |f: &super::search::Facet| FacetAnswer {
        value: f.value.clone(),
        label: f.label.clone(),
        count: f.count,
        api_url: format!("/api/v1{}", f.url),
    };
    let ranked: Vec<(usize, &super::search::ResultView)> = v
        .results
        .iter()
        .enumerate()
        .map(|(i, r)| (offset + i, r))
        .collect();
    let page = paginate::Page::new(ranked, &page, |(i, _)| format!("rank:{i}"));
    let english = EnglishIndex::of_slugs(
        &state.pool,
        page.items
            .iter()
            .filter(|(_, r)| Kind::from_singular(&r.kind).is_some())
            .map(|(_, r)| r.slug.as_str()),
    )
    .await?;
    let results = page
        .items
        .iter()
        .map(|(_, r)| {
            let (snippet_text, snippet_matches) = plain_snippet(&r.snippet_html);
            let api_url = match (Kind::from_singular(&r.kind), r.citations.first()) {
                (Some(kind), _) => record_api_url(kind, &r.slug),
                (None, Some(c)) => paragraph_api_url(&c.source, c.paragraph),
                (None, None) => String::new(),
            };
            let summary = match Kind::from_singular(&r.kind) {
                Some(kind) => english.summary(kind, &r.slug),
                None => english::summary_en(None),
            };
            let (snippet_en_text, snippet_en_matches) = match &summary.text {
                Some(en) => {
                    let (text, matches) = plain_snippet(&crate::search::highlight::snippet(
                        en,
                        &v.query.terms,
                        SNIPPET_EN_CHARS,
                    ));
                    (Some(text), matches)
                }
                None => (None, Vec::new()),
            };
            SearchResultAnswer {
                summary_en: summary.text,
                summary_en_basis: summary.basis,
                summary_en_ref: summary.reference,
                snippet_en_text,
                snippet_en_matches,
                kind: r.kind.clone(),
                slug: r.slug.clone(),
                title: r.title.clone(),
                english: r.english.clone(),
                url: r.url.clone(),
                api_url,
                snippet: r.snippet_html.clone(),
                snippet_text,
                snippet_matches,
                also_matched: r.also_matched.clone(),
                citations: r.citations.iter().map(citation).collect(),
            }
        })
        .collect();
    let next = page
        .next_cursor(&version)
        .map(|c| paginate::next_url(&format!("{PREFIX}/search"), &given(&params), &c));
    let answer = SearchAnswer {
        data_version: version,
        next: next.clone(),
        query: v.query.raw.clone(),
        kind: v.filters.kind.clone(),
        country: v.filters.country.clone(),
        total: v.total,
        url: canonical,
        results,
        facets: Facets {
            kind: v.kind_facets.iter().map(facet).collect(),
            country: v.country_facets.iter().map(facet).collect(),
        },
        suggestions: v.nearest.iter().map(record_link).collect(),
        narrowed_by: v.narrowed.as_ref().map(|n| n.word.clone()),
    };
    Ok(paged(
        fields::apply(answer, "results", keep.as_deref()),
        next.as_deref(),
    ))
}

/// How wide the English snippet of a search result is, in characters: an
/// English sentence is about three times as long as its Chinese.
const SNIPPET_EN_CHARS: usize = 160;

fn record_link(r: &super::views::RecordRef) -> RecordLink {
    RecordLink {
        kind: r.kind,
        slug: r.slug.clone(),
        title: r.title.clone(),
        english: r.english.clone(),
        url: r.url.clone(),
        api_url: record_api_url(r.kind, &r.slug),
    }
}

#[utoipa::path(get, path = "/api/v1/suggest", tag = "search",
    summary = "Suggestions while typing",
    description = "Up to 8 records whose name, pinyin, initials (`zjw`) or English words start \
        with `q`.",
    params(("q" = Option<String>, Query, description = "What has been typed so far")),
    responses((status = 200, description = "The suggestions", body = SuggestAnswer), (status = 400, description = "Refused: each error names its parameter and what is allowed", body = ErrorAnswer)))]
pub async fn suggest(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    refuse(check_names(&params, &["q"]))?;
    let typed: String = params
        .get("q")
        .unwrap_or("")
        .chars()
        .take(crate::search::query::MAX_QUERY_CHARS)
        .collect();
    let found = db_search::suggest(&state.pool, &typed, 8).await?;
    Ok(Json(SuggestAnswer {
        data_version: data_version(&state).await?,
        query: typed,
        suggestions: found
            .iter()
            .map(|s| {
                record_link(&super::views::RecordRef::new(
                    s.kind,
                    &s.slug,
                    &s.title,
                    s.english.as_deref(),
                ))
            })
            .collect(),
    })
    .into_response())
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::highlight::{escape, render_with_notes, snippet};

    #[test]
    fn plain_snippets_read_the_highlighters_html_back() {
        let terms = vec!["铁路".to_owned(), "a&b".to_owned()];
        let text = format!("{}中吉乌铁路 a&b <x>{}", "甲".repeat(80), "乙".repeat(80));
        let html = snippet(&text, &terms, 40);
        let (plain, matches) = plain_snippet(&html);
        assert!(plain.starts_with('…') && plain.ends_with('…'), "{plain}");
        let chars: Vec<char> = plain.chars().collect();
        let found: Vec<String> = matches
            .iter()
            .map(|m| chars[m.start..m.end].iter().collect())
            .collect();
        assert_eq!(found, ["铁路", "a&b"]);
        assert!(plain.contains("<x>"));
        // Notes are dropped, even with a marked reading inside; a mark the
        // note interrupts is one match.
        let html = render_with_notes(
            "拉赫蒙亿及习近平",
            &[(0, 8)],
            &[(
                5,
                "<span class=\"sic\">[sic: <mark>忆及</mark>]</span>".to_owned(),
            )],
        );
        let (plain, matches) = plain_snippet(&html);
        assert_eq!(plain, "拉赫蒙亿及习近平");
        assert_eq!(matches, [TextRange { start: 0, end: 8 }]);
        assert_eq!(plain_snippet(&escape("<&>")).0, "<&>");
    }
}
