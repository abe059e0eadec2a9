//! Citations at stable addresses (`/sources/{slug}/p/{n}/cite?style=…`,
//! `/{kind}/{slug}/cite?style=…`), the copy controls on the paragraph and
//! record pages, and links that land on the cited words (text fragments).
//! The formats themselves are [`crate::cite`]'s pure functions.

use std::collections::HashMap;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::pages::record_at;
use super::params::Params;
use super::sources::source_and_number;
use super::{AppError, AppState};
use crate::cite::fragment::directive;
use crate::cite::{self, Cited, Style, Work};
use crate::db::queries::{self, CitationRow, CitingRow, ErratumRow, SourceRow};
use crate::refs::paragraph_url;

pub fn work_of(s: &SourceRow) -> Work {
    Work {
        slug: s.slug.clone(),
        title: s.title.clone(),
        subtitle: s.subtitle.clone(),
        publisher: s.publisher.clone(),
        publisher_en: s.publisher_en.clone(),
        published: s.published.clone(),
        language: s.language.clone(),
    }
}

/// One style in a page's copy controls.
pub struct StyleView {
    pub label: &'static str,
    /// The element id the copy button reads.
    pub id: String,
    pub text: String,
    /// The stable address of the same citation.
    pub url: String,
}

/// A link to the exact cited words in the full text.
pub struct WordLink {
    pub id: String,
    pub paragraph: i64,
    pub span: String,
    /// Absolute, to copy.
    pub url: String,
}

impl WordLink {
    /// The same address without the site's base, for the page's own link.
    pub fn href<'a>(&'a self, base_url: &str) -> &'a str {
        self.url.strip_prefix(base_url).unwrap_or(&self.url)
    }
}

/// What the copy controls include shows (`templates/cite_controls.html`).
pub struct CiteBlock {
    pub styles: Vec<StyleView>,
    pub links: Vec<WordLink>,
    /// The site's base URL, which the links' absolute addresses start with.
    pub base_url: String,
}

impl CiteBlock {
    /// Every style of `cited`, whose stable address is `cite_path?style=…`.
    /// Pages are the same for every reader and every day, so GB/T's access
    /// date is left as its slot (引用日期) for `static/cite.js` to fill with
    /// the reader's date; the stable address fills it itself.
    pub fn new(cited: &[Cited], cite_path: &str, links: Vec<WordLink>, base_url: &str) -> Self {
        CiteBlock {
            base_url: base_url.to_owned(),
            styles: Style::ALL
                .into_iter()
                .map(|st| StyleView {
                    label: st.label(),
                    id: format!("cite-{}", st.as_str()),
                    text: cite::format(st, cited, None),
                    url: format!(
                        "{cite_path}{}style={}",
                        if cite_path.contains('?') { '&' } else { '?' },
                        st.as_str()
                    ),
                })
                .collect(),
            links,
        }
    }
}

/// Where the page shows a note after the published words of an erratum,
/// as character offsets in paragraph `n`.
pub fn note_offsets(errata: &[ErratumRow], source: &str, n: i64) -> Vec<usize> {
    errata
        .iter()
        .filter(|e| e.source_slug == source && e.n == Some(n))
        .map(|e| e.char_offset.max(0) as usize + e.published.chars().count())
        .collect()
}

/// The text of a source page, block by block, as text directives search it.
pub fn page_text(blocks: &[queries::BlockRow]) -> String {
    blocks
        .iter()
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds links to cited words: `/sources/{slug}#p{n}:~:text=…`, absolute.
/// Holds what every link needs to be unique and to match what the page
/// shows: each source's text and where the page prints [sic] notes.
pub struct Linker {
    base_url: String,
    pages: HashMap<String, String>,
    errata: Vec<ErratumRow>,
}

impl Linker {
    /// A linker into every source: for the export, which links them all.
    pub async fn load(pool: &sqlx::SqlitePool, base_url: &str) -> Result<Linker, AppError> {
        let sources = queries::all_sources(pool).await?;
        Self::over(pool, base_url, sources, queries::errata(pool).await?).await
    }

    /// A linker into the sources named (slugs) alone: a page links into the
    /// few sources it cites, and reading every source's text for it made
    /// each record page cost a third of a second at a thousand sources.
    pub async fn for_sources(
        pool: &sqlx::SqlitePool,
        base_url: &str,
        slugs: &[&str],
    ) -> Result<Linker, AppError> {
        let sources = queries::sources_by_slugs(pool, slugs).await?;
        let errata = queries::errata_of_sources(pool, slugs).await?;
        Self::over(pool, base_url, sources, errata).await
    }

    async fn over(
        pool: &sqlx::SqlitePool,
        base_url: &str,
        sources: Vec<SourceRow>,
        errata: Vec<ErratumRow>,
    ) -> Result<Linker, AppError> {
        let mut pages = HashMap::new();
        for s in sources {
            let text = page_text(&queries::source_blocks(pool, s.id).await?);
            pages.insert(s.slug, text);
        }
        Ok(Linker {
            base_url: base_url.to_owned(),
            pages,
            errata,
        })
    }

    /// The link to `span`, at character `span_start` of paragraph `n`
    /// (whose text is `paragraph`) of `source`.
    pub fn link(
        &self,
        source: &str,
        n: i64,
        paragraph: &str,
        span_start: i64,
        span: &str,
    ) -> String {
        let d = directive(
            paragraph,
            span_start.max(0) as usize,
            span.chars().count(),
            &note_offsets(&self.errata, source, n),
            self.pages.get(source).map_or("", String::as_str),
        );
        format!(
            "{}/sources/{source}#p{n}:~:{}",
            self.base_url,
            d.to_fragment()
        )
    }
}

/// The style asked for, or a 400 naming the allowed ones.
fn style_param(params: &Params) -> Result<Style, AppError> {
    let Some(raw) = params.get("style") else {
        return Err(AppError::bad_request(
            "style",
            format!(
                "missing style: add ?style= with one of {}",
                Style::allowed()
            ),
        ));
    };
    Style::parse(raw).ok_or_else(|| {
        AppError::bad_request(
            "style",
            format!("unknown style {raw:?}: the styles are {}", Style::allowed()),
        )
    })
}

/// The access date asked for (`?accessed=YYYY-MM-DD`), or today's. An
/// answer dated today must not be kept past today, so it is not kept.
fn accessed_param(params: &Params) -> Result<(String, bool), AppError> {
    match params.get("accessed") {
        Some(a) if cite::parse_ymd(a).is_some() => Ok((a.to_owned(), true)),
        Some(a) => Err(AppError::bad_request(
            "accessed",
            format!("accessed {a:?} is not a date: write YYYY-MM-DD"),
        )),
        None => Ok((cite::today_utc(), false)),
    }
}

fn answer(style: Style, body: String, keep: bool, filename: &str) -> Response {
    let cache = if keep {
        "public, max-age=300, must-revalidate"
    } else {
        "no-store"
    };
    (
        [
            (header::CONTENT_TYPE, style.media_type().to_owned()),
            (header::CACHE_CONTROL, cache.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}.{}\"", style.extension()),
            ),
        ],
        body,
    )
        .into_response()
}

/// Paragraph `n` cited for the spans of `rows` (one entry each), or as a
/// whole when there are none.
pub fn paragraph_cited(work: &Work, n: i64, url: &str, rows: &[&CitingRow]) -> Vec<Cited> {
    let entry = |row: Option<&CitingRow>| Cited {
        work: work.clone(),
        paragraph: n,
        span: row.map(|c| c.span.clone()),
        url: url.to_owned(),
        record: row.map(|c| c.slug.clone()),
    };
    if rows.is_empty() {
        vec![entry(None)]
    } else {
        rows.iter().map(|c| entry(Some(c))).collect()
    }
}

/// A paragraph's citation; with `?from=record` the words that record
/// quotes from it, one entry per span.
pub async fn paragraph(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    params: Params,
) -> Result<Response, AppError> {
    let pool = &state.pool;
    let (source, n) = source_and_number(pool, path).await?;
    if queries::paragraphs_between(pool, source.id, n, n)
        .await?
        .is_empty()
    {
        return Err(AppError::NotFound);
    }
    let style = style_param(&params)?;
    let (accessed, keep) = accessed_param(&params)?;
    let url = format!("{}{}", state.base_url, paragraph_url(&source.slug, n));
    let mine: Vec<CitingRow> = match params.get("from") {
        Some(from) => {
            let rows: Vec<CitingRow> = queries::citations_into_paragraph(pool, source.id, n)
                .await?
                .into_iter()
                .filter(|c| c.slug == from)
                .collect();
            if rows.is_empty() {
                return Err(AppError::NotFound);
            }
            rows
        }
        None => Vec::new(),
    };
    let cited = paragraph_cited(&work_of(&source), n, &url, &mine.iter().collect::<Vec<_>>());
    let body = cite::format(style, &cited, Some(&accessed));
    Ok(answer(style, body, keep, &format!("{}-p{n}", source.slug)))
}

/// The citations of a record's cited spans, one entry each, in its order.
pub async fn cited_of(
    pool: &sqlx::SqlitePool,
    base_url: &str,
    rows: &[CitationRow],
    record: &str,
) -> Result<Vec<Cited>, AppError> {
    let mut out = Vec::with_capacity(rows.len());
    let mut work: Option<Work> = None;
    for c in rows {
        if work.as_ref().is_none_or(|w| w.slug != c.source_slug) {
            let source = queries::source_by_slug(pool, &c.source_slug)
                .await?
                .ok_or(AppError::NotFound)?;
            work = Some(work_of(&source));
        }
        out.push(Cited {
            work: work.clone().expect("set above"),
            paragraph: c.paragraph,
            span: Some(c.span.clone()),
            url: format!("{base_url}{}", paragraph_url(&c.source_slug, c.paragraph)),
            record: Some(record.to_owned()),
        });
    }
    Ok(out)
}

/// Every citation of a record. A record citing several sources gets the
/// entries of each, in its order.
pub async fn record(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    params: Params,
) -> Result<Response, AppError> {
    let pool = &state.pool;
    let (_, r) = record_at(pool, path).await?;
    let style = style_param(&params)?;
    let (accessed, keep) = accessed_param(&params)?;
    let rows = queries::record_citations(pool, r.id).await?;
    let cited = cited_of(pool, &state.base_url, &rows, &r.slug).await?;
    let body = cite::format(style, &cited, Some(&accessed));
    Ok(answer(style, body, keep, &r.slug))
}
