//! The search page. The JSON API in `api.rs` shares [`run_range`], so both answer
//! the same results.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::lang::Lang;
use super::pager::{Pager, PagerView, with_page};
use super::params::Params;
use super::views::{
    CitationView, ParagraphLink, RecordRef, errata_of_paragraph, kind_labels, paragraph_links,
    paragraph_snippet, paragraph_url, record_url,
};
use super::{AppError, AppState, render};
use crate::db::queries::{self, ErratumRow};
use crate::db::search::{self as db_search, Hit, SearchResults};
use crate::model::Kind;
use crate::search::highlight::{escape, match_ranges, snippet};
use crate::search::{Filters, Query, kinds};

/// Results shown on one page.
pub const PAGE_SIZE: usize = 50;

/// One result, ready for the page or JSON.
pub struct ResultView {
    pub kind: String,
    pub kind_label: &'static str,
    pub kind_label_en: &'static str,
    pub slug: String,
    pub title_html: String,
    pub title: String,
    pub english: Option<String>,
    /// The English name with the matched words marked.
    pub english_html: Option<String>,
    pub url: String,
    pub snippet_html: String,
    /// The snippet for the English edition: from the record's English
    /// summary, the matched words marked where they are in it.
    pub snippet_en_html: String,
    pub citations: Vec<CitationView>,
    /// The page's ¶ links: one per cited paragraph, in reading order.
    pub paragraphs: Vec<ParagraphLink>,
    /// What the result matched that was not typed (a synonym, a corrected
    /// spelling, a name matched in order), as its text writes it.
    pub also_matched: Vec<String>,
}

pub struct Facet {
    pub value: String,
    pub label: String,
    pub label_en: Option<String>,
    pub count: usize,
    pub url: String,
    pub active: bool,
}

/// A search run and shaped for display.
pub struct SearchView {
    pub query: Query,
    pub filters: Filters,
    pub total: usize,
    /// How many results were ranked: the results the pages reach.
    pub ranked: usize,
    /// The ranked results asked for.
    pub results: Vec<ResultView>,
    pub kind_facets: Vec<Facet>,
    pub country_facets: Vec<Facet>,
    pub nearest: Vec<RecordRef>,
    /// Set when a kind word in the query narrowed the results.
    pub narrowed: Option<Narrowed>,
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

/// A query narrowed by a kind word (`托卡耶夫 引语`): what the page says,
/// and the way back to searching the word as text.
pub struct Narrowed {
    pub word: String,
    pub kind_label: &'static str,
    pub kind_label_en: &'static str,
    pub undo_url: String,
}

/// `narrow=off` searches a kind word as text.
pub const NARROW_OFF: &str = "off";

/// A search with the results at places `shown(ranked)` of the ranking
/// alone ([`db_search::Shown`]), ready to show: a late page builds its own
/// 50 results, not all before it.
pub async fn run_range(
    state: &AppState,
    params: &Params,
    shown: db_search::Shown<'_>,
) -> Result<SearchView, AppError> {
    let typed = Query::parse(params.get("q").unwrap_or(""));
    let explicit_kind = params
        .get("kind")
        .filter(|k| *k == "paragraph" || Kind::from_singular(k).is_some())
        .map(str::to_owned);
    let country = params
        .get("country")
        .filter(|c| crate::model::is_valid_slug(c))
        .map(str::to_owned);
    let pool = &state.pool;
    // A kind word beside other terms narrows to its kind (an explicit kind
    // filter wins), unless the person asked for it as text; if nothing of
    // that kind matches, the word is searched as text after all.
    let narrowing = (params.get("narrow") != Some(NARROW_OFF))
        .then(|| kinds::narrowing(&typed.terms))
        .flatten();
    let mut query = typed.clone();
    let mut filters = Filters {
        kind: explicit_kind.clone(),
        country: country.clone(),
    };
    let mut narrowed = None;
    let mut found: Option<SearchResults> = None;
    if let Some((i, kind)) = narrowing {
        let without = typed.without_term(i);
        let f = Filters {
            kind: explicit_kind.clone().or(Some(kind.as_str().to_owned())),
            country: country.clone(),
        };
        let r = db_search::search_range(pool, &without, &f, shown).await?;
        if r.total > 0 {
            let mut undo = search_url(&typed.raw, explicit_kind.as_deref(), country.as_deref());
            undo.push_str("&narrow=off");
            narrowed = Some(Narrowed {
                word: typed.terms[i].clone(),
                kind_label: kind.label_zh(),
                kind_label_en: kind.label_en(),
                undo_url: undo,
            });
            query = without;
            filters = f;
            found = Some(r);
        }
    }
    let found: SearchResults = match found {
        Some(r) => r,
        None => db_search::search_range(pool, &query, &filters, shown).await?,
    };
    let facet_slugs: Vec<&str> = found
        .facets
        .countries
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    let countries: HashMap<String, queries::CountryName> =
        queries::country_names(pool, &facet_slugs)
            .await?
            .into_iter()
            .map(|c| (c.slug.clone(), c))
            .collect();

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
    // Facet links keep what was typed, kind word included: choosing a kind
    // there replaces the narrowing.
    let link = |kind: Option<&str>, country: Option<&str>| search_url(&typed.raw, kind, country);
    let kind_facets = found
        .facets
        .kinds
        .iter()
        .map(|(k, count)| Facet {
            label: kind_labels(k).0.to_owned(),
            label_en: Some(kind_labels(k).1.to_owned()),
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
                .get(slug)
                .map(|c| c.title.clone())
                .unwrap_or_else(|| slug.clone()),
            label_en: countries.get(slug).and_then(|c| c.english.clone()),
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
        ranked: found.ranked,
        results,
        kind_facets,
        country_facets,
        nearest,
        narrowed,
        query: Query {
            raw: typed.raw.clone(),
            ..query
        },
        filters,
    })
}

/// The texts of `record` (English name first, then title, then summary)
/// holding `also`, folded as the index holds it, as the text writes it.
fn as_written(also: &str, texts: &[&str]) -> String {
    let term = [also.to_owned()];
    for t in texts {
        if let Some((s, e)) = match_ranges(t, &term).first() {
            return t.chars().skip(*s).take(e - s).collect();
        }
    }
    also.to_owned()
}

/// The "也匹配" note put before a result's snippet; on English pages in
/// English, each matched text marked with its language.
fn also_note(also: &[String], lang: Lang) -> String {
    if also.is_empty() {
        return String::new();
    }
    let list: Vec<String> = also
        .iter()
        .map(|a| match lang {
            Lang::En if super::lang::has_han(a) => {
                format!("<span lang=\"zh-Hans\">{}</span>", escape(a))
            }
            _ => escape(a),
        })
        .collect();
    match lang {
        Lang::Zh => format!(
            "<span class=\"also\">也匹配 <span lang=\"en\">also matched</span>: {}</span> ",
            list.join("、")
        ),
        Lang::En => format!(
            "<span class=\"also\">also matched: {}</span> ",
            list.join(", ")
        ),
    }
}

fn result_view(hit: &Hit, q: &Query, errata: &[ErratumRow]) -> ResultView {
    match hit {
        Hit::Record {
            record,
            citations,
            also,
            ..
        } => {
            let texts = [
                record.english.as_deref().unwrap_or(""),
                record.title.as_str(),
                record.summary.as_str(),
            ];
            let also: Vec<String> = also.iter().map(|a| as_written(a, &texts)).collect();
            let marks = marked_terms(q, &also);
            ResultView {
                kind: record.kind.as_str().to_owned(),
                kind_label: record.kind.label_zh(),
                kind_label_en: record.kind.label_en(),
                snippet_en_html: format!(
                    "{}{}",
                    also_note(&also, Lang::En),
                    match &record.summary_en {
                        // An English summary may quote the Chinese.
                        Some(en) => super::lang::runs_html(&snippet(en, &marks, 120)),
                        None => format!(
                            "<span lang=\"zh-Hans\">{}</span>",
                            snippet(&record.summary, &marks, 120)
                        ),
                    }
                ),
                slug: record.slug.clone(),
                title_html: snippet(&record.title, &marks, 200),
                title: record.title.clone(),
                english: record.english.clone(),
                english_html: record.english.as_ref().map(|e| snippet(e, &marks, 200)),
                url: record_url(record.kind, &record.slug),
                snippet_html: format!(
                    "{}{}",
                    also_note(&also, Lang::Zh),
                    snippet(&record.summary, &marks, 120)
                ),
                citations: citations
                    .iter()
                    // Results link to citations; they quote no paragraph, so
                    // they need no [sic] notes.
                    .map(|c| CitationView::new(c, &record.slug, &[]))
                    .collect(),
                also_matched: also,
                paragraphs: Vec::new(),
            }
        }
        Hit::Paragraph {
            source_slug,
            source_title,
            publisher,
            published,
            n,
            text,
            also,
        } => {
            let also: Vec<String> = also.iter().map(|a| as_written(a, &[text])).collect();
            let marks = marked_terms(q, &also);
            let url = paragraph_url(source_slug, *n);
            let title = format!("{source_title} ¶{n}");
            let window = paragraph_snippet(
                text,
                &marks,
                &errata_of_paragraph(errata, source_slug, *n),
                120,
            );
            ResultView {
                kind: "paragraph".to_owned(),
                kind_label: kind_labels("paragraph").0,
                kind_label_en: kind_labels("paragraph").1,
                // The source's words stay as published, marked as Chinese.
                snippet_en_html: format!(
                    "{}<span lang=\"zh-Hans\">{window}</span>",
                    also_note(&also, Lang::En)
                ),
                slug: format!("{source_slug}#p{n}"),
                title_html: escape(&title),
                title,
                english: None,
                english_html: None,
                url: format!("{url}?q={}", encode(&q.raw)),
                snippet_html: format!("{}{window}", also_note(&also, Lang::Zh)),
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
                also_matched: also,
                paragraphs: Vec::new(),
            }
        }
    }
}

/// The terms to mark in a result: the typed ones and what it also matched.
fn marked_terms(q: &Query, also: &[String]) -> Vec<String> {
    let mut marks = q.terms.clone();
    marks.extend(also.iter().map(|a| crate::search::fold(a)));
    marks
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
    pub lang: Lang,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,

    pub q: String,
    pub view: SearchView,
    pub clear_kind_url: String,
    pub clear_country_url: String,
    /// This page's place among the results.
    pub pager: PagerView,
    /// How many results the pages reach, when fewer than match.
    pub shown_max: Option<String>,
    /// What was wrong with the request's `page`, if anything.
    pub problem: Option<String>,
}

/// Results the HTML pages reach, in ranked order: ranking reads a bounded
/// number of candidates (`src/db/search.rs`); past it, the facets narrow.
pub const SHOWN_MAX: usize = 2000;

pub async fn page(
    State(state): State<AppState>,
    params: Params,
    lang: Lang,
) -> Result<Response, AppError> {
    // Ranking reads a bounded number of candidates: those are the results
    // to page through. The page asked for is checked against how many were
    // ranked before any result is built, so a page past the last (refused,
    // the first shown instead) runs the search once, as any other.
    let asked = params.get("page");
    let pager_of = |ranked: usize| Pager::or_first(asked, ranked.min(SHOWN_MAX), PAGE_SIZE);
    let view = run_range(&state, &params, &|ranked| pager_of(ranked).0.range()).await?;
    let reachable = view.ranked.min(SHOWN_MAX);
    let (pager, problem) = pager_of(view.ranked);
    let asked_filters = filters_of(&params);
    let mut address = search_url(
        params.get("q").unwrap_or(""),
        asked_filters.kind.as_deref(),
        asked_filters.country.as_deref(),
    );
    if params.get("narrow") == Some(NARROW_OFF) {
        address.push_str("&narrow=off");
    }
    let mut pager = pager.view(|n| with_page(&address, n));
    // The line counts every match; the pages reach the first SHOWN_MAX.
    pager.total = super::pager::grouped(view.total);
    let mut res = render(&SearchPage {
        jsonld: super::jsonld::script_text(&super::jsonld::web_page(
            &state.base_url,
            "/search",
            "搜索 Search",
        )),
        lang,
        q: view.query.raw.clone(),
        clear_kind_url: search_url(&view.query.raw, None, view.filters.country.as_deref()),
        clear_country_url: search_url(&view.query.raw, view.filters.kind.as_deref(), None),
        shown_max: (reachable < view.total).then(|| super::pager::grouped(reachable)),
        view,
        pager,
        problem: problem.clone(),
    })?;
    if problem.is_some() {
        *res.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(res)
}
