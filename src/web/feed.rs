//! Atom feeds (RFC 4287) of records: `/feeds/{kind}.atom` for one kind
//! (`/feeds/projects.atom`), `/feeds/countries/{slug}.atom` for the records
//! that involve a country, and `/feeds/records.atom` for all. An entry is
//! dated by the publication of the source its record first cites, so a
//! reader sees new outcomes when a new source brings them.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::export::LICENCE;
use super::{AppError, AppState};
use crate::db::export::{self, FeedEntry};
use crate::db::queries;
use crate::model::Kind;
use crate::refs::record_url;

pub struct EntryView {
    pub url: String,
    pub title: String,
    pub updated: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
pub struct Feed {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    pub updated: String,
    pub alternate: String,
    pub base_url: String,
    pub rights: String,
    pub entries: Vec<EntryView>,
}

/// An RFC 3339 timestamp for a YYYY-MM-DD date: its first instant, UTC.
fn instant(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

fn feed(
    state: &AppState,
    path: &str,
    alternate: &str,
    title: String,
    rows: Vec<FeedEntry>,
) -> Result<Response, AppError> {
    let entries: Vec<EntryView> = rows
        .into_iter()
        .map(|r| EntryView {
            url: format!("{}{}", state.base_url, record_url(r.kind, &r.slug)),
            title: match &r.english {
                Some(en) => format!("{} {en}", r.title),
                None => r.title.clone(),
            },
            updated: instant(r.published.as_deref().unwrap_or("1970-01-01")),
            kind: r.kind.as_str(),
            kind_label: r.kind.label_zh(),
            summary: match &r.source_title {
                Some(s) => format!("{}（据《{s}》）", r.summary),
                None => r.summary,
            },
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| instant("1970-01-01"));
    let body = Feed {
        id: format!("{}{path}", state.base_url),
        title,
        subtitle: "峰会成果，逐条注明出处。Summit outcomes, each cited to its paragraph."
            .to_owned(),
        updated,
        alternate: format!("{}{alternate}", state.base_url),
        base_url: state.base_url.to_string(),
        rights: LICENCE.to_owned(),
        entries,
    }
    .render()?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

/// `/feeds/{name}.atom`: `records` or a kind's plural.
pub async fn of_kind(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let Ok(Path(name)) = path else {
        return Err(AppError::NotFound);
    };
    let Some(stem) = name.strip_suffix(".atom") else {
        return Err(AppError::not_found_because(
            "feed",
            format!("no feed {name:?}: feeds end in .atom (records.atom, projects.atom, …)"),
        ));
    };
    let (kind, title, alternate) = match stem {
        "records" => (
            None,
            "summitkb 峰会成果库：全部记录 All records".to_owned(),
            "/".to_owned(),
        ),
        other => match Kind::from_plural(other) {
            Some(k) => (
                Some(k),
                format!("summitkb 峰会成果库：{} {}", k.label_zh(), k.label_en()),
                format!("/{}", k.plural()),
            ),
            None => {
                return Err(AppError::not_found_because(
                    "feed",
                    format!(
                        "no feed {name:?}: the feeds are records.atom, {} and countries/{{slug}}.atom",
                        Kind::ALL.map(|k| format!("{}.atom", k.plural())).join(", ")
                    ),
                ));
            }
        },
    };
    let rows = export::feed_entries(&state.pool, kind, None).await?;
    feed(&state, &format!("/feeds/{name}"), &alternate, title, rows)
}

/// `/feeds/countries/{slug}.atom`: the records that involve a country.
pub async fn of_country(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let Ok(Path(name)) = path else {
        return Err(AppError::NotFound);
    };
    let slug = name.strip_suffix(".atom").ok_or(AppError::NotFound)?;
    let country = queries::record_by_kind_and_slug(&state.pool, Kind::Country, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = export::feed_entries(&state.pool, None, Some(slug)).await?;
    feed(
        &state,
        &format!("/feeds/countries/{name}"),
        &record_url(Kind::Country, slug),
        format!("summitkb 峰会成果库：{}", country.title),
        rows,
    )
}
