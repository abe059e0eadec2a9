//! Source documents: the list, the whole text, and one paragraph's permalink.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;

use super::cite::{CiteBlock, Linker, WordLink, paragraph_cited, work_of};
use super::lang::Lang;
use super::pager::{PAGE_SIZE, Pager, PagerView, answer_status, with_page};
use super::params::{Params, canonical_number};
use super::views::{
    CitingView, Scope, distinct_citing, errata_of_paragraph, paragraph_html, paragraph_url,
    sic_notes,
};
use super::{AppError, AppState, jsonld, render};
use crate::db::queries::{self, CitingRow, SourceRow};
use crate::search::Query;
use crate::search::highlight::{match_ranges, render_with_notes};

#[derive(Template)]
#[template(path = "sources.html")]
pub struct SourcesPage {
    pub lang: Lang,
    pub q: String,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,

    /// This page's sources with their paragraph counts.
    pub sources: Vec<(SourceRow, i64)>,
    pub pager: PagerView,
    /// What was wrong with the request's `page`, if anything.
    pub problem: Option<String>,
}

/// The sources, in pages of [`PAGE_SIZE`] like the kind lists: only the
/// page's sources are read, so the page stays the same size however many
/// sources there are. A bad `page` answers 400 with the first page.
pub async fn list(
    State(state): State<AppState>,
    params: Params,
    lang: Lang,
) -> Result<Response, AppError> {
    let total = queries::source_count(&state.pool).await?.max(0) as usize;
    let (pager, problem) = Pager::or_first(params.get("page"), total, PAGE_SIZE);
    let range = pager.range();
    let sources: Vec<(SourceRow, i64)> =
        queries::sources_page(&state.pool, range.start as i64, range.len() as i64)
            .await?
            .into_iter()
            .map(|s| (s.source, s.paragraphs))
            .collect();
    let items: Vec<(String, String)> = sources
        .iter()
        .map(|(s, _)| (s.title.clone(), format!("/sources/{}", s.slug)))
        .collect();
    let status = answer_status(&problem);
    let mut res = render(&SourcesPage {
        jsonld: jsonld::script_text(&jsonld::item_list(&state.base_url, "原文 Sources", &items)),
        lang,
        q: String::new(),
        sources,
        pager: pager.view(|n| with_page("/sources", n)),
        problem,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

/// The English summaries of the records citing a source, read only for the
/// English edition, which shows them beside each paragraph.
async fn english_summaries(
    pool: &sqlx::SqlitePool,
    lang: Lang,
    source_id: i64,
) -> Result<Vec<(String, Option<String>)>, AppError> {
    Ok(match lang {
        Lang::En => queries::summaries_en_citing_source(pool, source_id).await?,
        Lang::Zh => Vec::new(),
    })
}

/// How a paragraph is cited when someone copies it: publisher, date, title,
/// paragraph number and the paragraph's permanent URL.
/// `n` is a number, or the placeholder `{n}` the source page's script fills.
pub(super) fn citation_text(
    base_url: &str,
    source: &SourceRow,
    n: impl std::fmt::Display,
) -> String {
    format!(
        "{publisher}，{date}，《{title}》，第{n}段。{base_url}/sources/{slug}/p/{n}",
        publisher = source.publisher,
        date = source.published,
        title = source.title,
        slug = source.slug,
    )
}

/// One block of the source page.
pub struct BlockView {
    pub kind: String,
    pub n: i64,
    pub html: String,
    pub text: String,
    pub permalink: String,
    pub citing: Vec<CitingView>,
}

#[derive(Template)]
#[template(path = "source.html")]
pub struct SourcePage {
    pub lang: Lang,
    pub q: String,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,

    pub source: SourceRow,
    pub blocks: Vec<BlockView>,
    pub cited: usize,
    pub paragraphs: usize,
    /// The citation of any paragraph, with `{n}` for its number: written
    /// once, so the copy buttons do not repeat it eighteen times.
    pub citation_template: String,
    /// What the source covers, as the lists and the home page say it.
    pub scope: Scope,
}

/// The source a `/sources/{slug}…` address names, or 404.
pub(super) async fn source_at(
    pool: &sqlx::SqlitePool,
    path: Result<Path<String>, PathRejection>,
) -> Result<SourceRow, AppError> {
    let Ok(Path(slug)) = path else {
        return Err(AppError::NotFound);
    };
    queries::source_by_slug(pool, &slug)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn source(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    lang: Lang,
) -> Result<Response, AppError> {
    let pool = &state.pool;
    let source = source_at(pool, path).await?;
    let blocks = queries::source_blocks(pool, source.id).await?;
    let citations = queries::citations_into_source(pool, source.id).await?;
    let errata = queries::errata(pool).await?;
    let summaries = english_summaries(pool, lang, source.id).await?;
    let views: Vec<BlockView> = blocks
        .into_iter()
        .enumerate()
        .map(|(position, b)| {
            let n = b.n.unwrap_or(0);
            let cites: Vec<&CitingRow> = citations.iter().filter(|c| c.paragraph == n).collect();
            // Blocks are imported in order from position 0, so the index is
            // the block's position.
            let misprints: Vec<&queries::ErratumRow> = errata
                .iter()
                .filter(|e| e.source_id == source.id && e.block_position == position as i64)
                .collect();
            BlockView {
                html: if b.n.is_some() {
                    paragraph_html(&b.text, &cites, &misprints)
                } else {
                    paragraph_html(&b.text, &[], &misprints)
                },
                citing: if b.n.is_some() {
                    distinct_citing(&cites)
                        .into_iter()
                        .map(|c| c.with_summary(&summaries))
                        .collect()
                } else {
                    Vec::new()
                },
                permalink: paragraph_url(&source.slug, n),
                kind: b.kind,
                n,
                text: b.text,
            }
        })
        .collect();
    let paragraphs = views.iter().filter(|b| b.kind == "paragraph").count();
    let cited = views
        .iter()
        .filter(|b| b.kind == "paragraph" && !b.citing.is_empty())
        .count();
    let shown = super::pages::scope_views(pool, std::slice::from_ref(&source)).await?;
    // The page is about this source alone: its scope as if it were the only one.
    let scope = Scope {
        total: shown.len() as i64,
        this_kind: None,
        shown,
    };
    render(&SourcePage {
        jsonld: jsonld::script_text(&jsonld::news_article(
            &state.base_url,
            &source,
            paragraphs as i64,
        )),
        scope,
        citation_template: citation_text(&state.base_url, &source, "{n}"),
        lang,
        q: String::new(),
        source,
        blocks: views,
        cited,
        paragraphs,
    })
}

#[derive(Template)]
#[template(path = "paragraph.html")]
pub struct ParagraphPage {
    pub lang: Lang,
    pub q: String,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,

    pub source: SourceRow,
    pub n: i64,
    pub last: i64,
    pub heading: Option<String>,
    pub html: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub citing: Vec<CitingView>,
    /// The record whose citation led here, if any.
    pub from: Option<CitingView>,
    pub citation_text: String,
    pub permalink: String,
    /// Every citation style, and links to the cited words.
    pub cite: CiteBlock,
}

/// The source and paragraph number a `/sources/{slug}/p/{n}…` address
/// names; 404 for an unknown source or a number not written canonically
/// (whether the paragraph exists is the caller's question).
pub(super) async fn source_and_number(
    pool: &sqlx::SqlitePool,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(SourceRow, i64), AppError> {
    let Ok(Path((slug, n))) = path else {
        return Err(AppError::NotFound);
    };
    let n = canonical_number(&n).ok_or(AppError::NotFound)?;
    let source = queries::source_by_slug(pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((source, n))
}

pub async fn paragraph(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    params: Params,
    lang: Lang,
) -> Result<Response, AppError> {
    let pool = &state.pool;
    let (source, n) = source_and_number(pool, path).await?;
    let summaries = english_summaries(pool, lang, source.id).await?;
    let around = queries::paragraphs_between(pool, source.id, n - 1, n + 1).await?;
    let this = around
        .iter()
        .find(|b| b.n == Some(n))
        .ok_or(AppError::NotFound)?;
    let last = queries::paragraph_count(pool, source.id).await?;
    let citations = queries::citations_into_paragraph(pool, source.id, n).await?;
    let all: Vec<&CitingRow> = citations.iter().collect();
    let errata = queries::errata_of_sources(pool, &[source.slug.as_str()]).await?;
    let misprints = errata_of_paragraph(&errata, &source.slug, n);

    let query = params.get("q").map(Query::parse).filter(|q| !q.is_empty());
    let from_slug = params.get("from");
    let from_cites: Vec<&CitingRow> = citations
        .iter()
        .filter(|c| Some(c.slug.as_str()) == from_slug)
        .collect();
    // Mark what brought the reader here: a search's terms, the citing record's
    // spans, or else every cited span.
    // Each erratum's reading stands beside its words, marked when searched.
    let html = if let Some(q) = &query {
        render_with_notes(
            &this.text,
            &match_ranges(&this.text, &q.terms),
            &sic_notes(&misprints, &q.terms),
        )
    } else if !from_cites.is_empty() {
        paragraph_html(&this.text, &from_cites, &misprints)
    } else {
        paragraph_html(&this.text, &all, &misprints)
    };
    let permalink = format!("{}{}", state.base_url, paragraph_url(&source.slug, n));
    let citation_text = citation_text(&state.base_url, &source, n);
    let linker = Linker::for_sources(pool, &state.base_url, &[source.slug.as_str()]).await?;
    let links = citations
        .iter()
        .enumerate()
        .map(|(i, c)| WordLink {
            id: format!("words-{}", i + 1),
            paragraph: n,
            span: c.span.clone(),
            url: linker.link(&source.slug, n, &this.text, c.span_start, &c.span),
        })
        .collect();
    let cited = paragraph_cited(&work_of(&source), n, &permalink, &from_cites);
    let cite_path = match from_cites.first() {
        Some(c) => format!("{}/cite?from={}", paragraph_url(&source.slug, n), c.slug),
        None => format!("{}/cite", paragraph_url(&source.slug, n)),
    };
    let cite = CiteBlock::new(&cited, &cite_path, links, &state.base_url);
    render(&ParagraphPage {
        jsonld: jsonld::script_text(&jsonld::paragraph(&state.base_url, &source, n, &this.text)),
        cite,
        q: query.map(|q| q.raw).unwrap_or_default(),
        heading: queries::heading_before_paragraph(pool, source.id, n).await?,
        previous: around
            .iter()
            .find(|b| b.n == Some(n - 1))
            .map(|b| b.text.clone()),
        next: around
            .iter()
            .find(|b| b.n == Some(n + 1))
            .map(|b| b.text.clone()),
        from: from_cites.first().map(|c| CitingView::from(*c)),
        citing: distinct_citing(&all)
            .into_iter()
            .map(|c| c.with_summary(&summaries))
            .collect(),
        lang,
        html,
        source,
        n,
        last,
        citation_text,
        permalink,
    })
}
