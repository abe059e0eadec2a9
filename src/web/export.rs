//! Downloads: every table of the dataset, every kind's list and every
//! search, as CSV (UTF-8 with a byte-order mark, so Excel reads Chinese
//! right) and as JSON with the same rows; and the SQLite snapshot itself.
//! Each file is whole (no pages) and carries the data version, the
//! attribution of the source texts and the licence statement.
//!
//! Under `/api/export/`, so every error answers the JSON error shape.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::api::{DownloadAnswer, ErrorAnswer, ExportIndexAnswer, ExportTableAnswer};
use super::cite::Linker;
use super::params::Params;
use super::{ApiError, AppError, AppState};
use crate::db::export;
use crate::db::queries::{self, SourceRow};
use crate::db::search::{self as db_search, Hit};
use crate::model::{FieldName, Kind};
use crate::refs::{paragraph_url, record_url};
use crate::search::Query;

/// The licence of the curated data, and what it leaves out: the source
/// texts are their publishers', quoted, and no licence of ours can cover
/// them. Word for word as `LICENSE-DATA.md` states it (a test holds them
/// together), in every download, feed and the Dataset's JSON-LD.
pub const LICENCE: &str = "The curated data (records, citations, links, aliases, translations) \
     is released under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). The source \
     texts are not summitkb's: they remain the copyright of their publishers (Xinhua News \
     Agency), are reproduced for citation and research, and are excluded from the licence. \
     See LICENSE-DATA.md.";

/// The licence's own address, where a format has a field for one
/// (schema.org `license`).
pub const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";

/// The tables of the whole dataset.
pub const DATASETS: [&str; 5] = ["records", "citations", "links", "sources", "paragraphs"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    fn parse(ext: &str) -> Option<Format> {
        match ext {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// One cell: text, a number, or nothing (an empty CSV cell, JSON null).
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Int(i64),
    Null,
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Null, Into::into)
    }
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Null => String::new(),
        }
    }
    fn json(&self) -> Value {
        match self {
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Int(n) => json!(n),
            Cell::Null => Value::Null,
        }
    }
}

/// A table to download, with what every file says about itself.
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// What each file carries besides its rows.
pub struct Provenance {
    pub data_version: String,
    pub attribution: String,
}

/// The attribution of every source: publisher, title, date, and whose text it is.
pub fn attribution(sources: &[SourceRow]) -> String {
    sources
        .iter()
        .map(|s| {
            format!(
                "{}{}, 《{}》, {}: quoted verbatim for citation; the text is {}'s",
                s.publisher,
                s.publisher_en
                    .as_deref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default(),
                s.title,
                s.published,
                s.publisher_en.as_deref().unwrap_or(&s.publisher),
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The CSV columns that say where a file comes from, after the table's own.
pub const PROVENANCE_COLUMNS: [&str; 3] = ["data_version", "source_attribution", "licence"];

/// RFC 4180 CSV with CRLF line ends, preceded by a UTF-8 byte-order mark;
/// every row ends with the provenance columns.
pub fn to_csv(table: &Table, p: &Provenance) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let header: Vec<&str> = table
        .columns
        .iter()
        .map(String::as_str)
        .chain(PROVENANCE_COLUMNS)
        .collect();
    // Writing to memory fails only if a row has the wrong length, which
    // every row built here has not.
    w.write_record(&header).expect("CSV to memory");
    for row in &table.rows {
        let mut cells: Vec<String> = row.iter().map(Cell::csv).collect();
        cells.extend([
            p.data_version.clone(),
            p.attribution.clone(),
            LICENCE.to_owned(),
        ]);
        w.write_record(&cells).expect("CSV to memory");
    }
    w.into_inner().expect("CSV to memory")
}

/// The same table as JSON: provenance once, then the rows as objects keyed
/// by column.
pub fn to_json(table: &Table, p: &Provenance) -> Vec<u8> {
    let rows: Vec<Map<String, Value>> = table
        .rows
        .iter()
        .map(|row| {
            let mut obj = Map::new();
            for (c, v) in table.columns.iter().zip(row) {
                obj.insert(c.clone(), v.json());
            }
            obj
        })
        .collect();
    let doc = ExportTableAnswer {
        table: table.name.clone(),
        data_version: p.data_version.clone(),
        source_attribution: p.attribution.clone(),
        licence: LICENCE.to_owned(),
        columns: table.columns.clone(),
        rows,
    };
    let mut out = serde_json::to_vec_pretty(&doc).expect("JSON values serialise");
    out.push(b'\n');
    out
}

fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

/// Records, with one column per field any kind may have and the aliases
/// joined by ` | `.
async fn records_table(
    state: &AppState,
    kind: Option<Kind>,
    name: &str,
) -> Result<Table, AppError> {
    let pool = &state.pool;
    let records = export::records(pool, kind).await?;
    let mut fields: HashMap<(i64, String), String> = HashMap::new();
    for f in export::fields(pool).await? {
        fields.insert((f.record_id, f.name), f.value);
    }
    let mut aliases: HashMap<i64, Vec<String>> = HashMap::new();
    for a in export::aliases(pool).await? {
        aliases.entry(a.record_id).or_default().push(a.alias);
    }
    let mut cols = columns(&[
        "kind",
        "slug",
        "title",
        "english",
        "english_basis",
        "english_note",
        "aliases",
        "summary",
    ]);
    cols.extend(FieldName::ALL.iter().map(|f| f.as_str().to_owned()));
    cols.push("url".to_owned());
    let rows = records
        .iter()
        .map(|r| {
            let mut row: Vec<Cell> = vec![
                r.kind.as_str().into(),
                r.slug.as_str().into(),
                r.title.as_str().into(),
                r.english.clone().into(),
                r.english_basis.clone().into(),
                r.english_note.clone().into(),
                aliases.get(&r.id).map(|a| a.join(" | ")).into(),
                r.summary.as_str().into(),
            ];
            row.extend(
                FieldName::ALL
                    .iter()
                    .map(|f| fields.get(&(r.id, f.as_str().to_owned())).cloned().into()),
            );
            row.push(format!("{}{}", state.base_url, record_url(r.kind, &r.slug)).into());
            row
        })
        .collect();
    Ok(Table {
        name: name.to_owned(),
        columns: cols,
        rows,
    })
}

async fn citations_table(state: &AppState) -> Result<Table, AppError> {
    let pool = &state.pool;
    let linker = Linker::load(pool, &state.base_url).await?;
    let rows = export::citations(pool)
        .await?
        .into_iter()
        .map(|c| {
            let fragment = linker.link(
                &c.source_slug,
                c.paragraph,
                &c.paragraph_text,
                c.span_start,
                &c.span,
            );
            vec![
                c.record_kind.as_str().into(),
                c.record_slug.as_str().into(),
                c.source_slug.as_str().into(),
                c.paragraph.into(),
                c.span.as_str().into(),
                c.span_start.into(),
                (c.span_start + c.span.chars().count() as i64).into(),
                format!(
                    "{}{}",
                    state.base_url,
                    paragraph_url(&c.source_slug, c.paragraph)
                )
                .into(),
                fragment.into(),
            ]
        })
        .collect();
    Ok(Table {
        name: "citations".to_owned(),
        columns: columns(&[
            "record_kind",
            "record_slug",
            "source",
            "paragraph",
            "span",
            "span_start",
            "span_end",
            "paragraph_url",
            "text_fragment_url",
        ]),
        rows,
    })
}

async fn links_table(state: &AppState) -> Result<Table, AppError> {
    let rows = export::links(&state.pool)
        .await?
        .into_iter()
        .map(|l| {
            vec![
                l.from_kind.as_str().into(),
                l.from_slug.into(),
                l.role.into(),
                l.to_kind.as_str().into(),
                l.to_slug.into(),
            ]
        })
        .collect();
    Ok(Table {
        name: "links".to_owned(),
        columns: columns(&["from_kind", "from_slug", "role", "to_kind", "to_slug"]),
        rows,
    })
}

async fn sources_table(state: &AppState, sources: &[SourceRow]) -> Result<Table, AppError> {
    let mut rows = Vec::with_capacity(sources.len());
    for s in sources {
        rows.push(vec![
            s.slug.as_str().into(),
            s.title.as_str().into(),
            s.subtitle.clone().into(),
            s.publisher.as_str().into(),
            s.publisher_en.clone().into(),
            s.published.as_str().into(),
            s.language.as_str().into(),
            s.sha256.as_str().into(),
            queries::paragraph_count(&state.pool, s.id).await?.into(),
            s.url.clone().into(),
            format!("{}/sources/{}", state.base_url, s.slug).into(),
        ]);
    }
    Ok(Table {
        name: "sources".to_owned(),
        columns: columns(&[
            "slug",
            "title",
            "subtitle",
            "publisher",
            "publisher_en",
            "published",
            "language",
            "sha256",
            "paragraphs",
            "original_url",
            "url",
        ]),
        rows,
    })
}

async fn paragraphs_table(state: &AppState) -> Result<Table, AppError> {
    let rows = export::paragraphs(&state.pool)
        .await?
        .into_iter()
        .map(|p| {
            vec![
                p.source_slug.as_str().into(),
                p.n.into(),
                p.text.into(),
                format!("{}{}", state.base_url, paragraph_url(&p.source_slug, p.n)).into(),
            ]
        })
        .collect();
    Ok(Table {
        name: "paragraphs".to_owned(),
        columns: columns(&["source", "n", "text", "url"]),
        rows,
    })
}

/// Most matches a search download holds: every match the search ranks.
const SEARCH_ROWS: usize = 2000;

/// Every result of a search, ranked as the search page ranks them.
async fn search_table(state: &AppState, params: &Params) -> Result<Table, AppError> {
    let Some(raw) = params.get("q") else {
        return Err(AppError::bad_request(
            "q",
            "a search download needs ?q= (and may take kind= and country=)".to_owned(),
        ));
    };
    let query = Query::parse(raw);
    let filters = super::search::filters_of(params);
    let found = db_search::search(&state.pool, &query, &filters, SEARCH_ROWS).await?;
    let rows = found
        .hits
        .iter()
        .enumerate()
        .map(|(i, h)| match h {
            Hit::Record {
                record, citations, ..
            } => vec![
                (i as i64 + 1).into(),
                record.kind.as_str().into(),
                record.slug.as_str().into(),
                record.title.as_str().into(),
                record.english.clone().into(),
                record.summary.as_str().into(),
                citations
                    .iter()
                    .map(|c| format!("{}:{}", c.source_slug, c.paragraph))
                    .collect::<Vec<_>>()
                    .join(" | ")
                    .into(),
                format!(
                    "{}{}",
                    state.base_url,
                    record_url(record.kind, &record.slug)
                )
                .into(),
            ],
            Hit::Paragraph {
                source_slug,
                source_title,
                n,
                text,
                ..
            } => vec![
                (i as i64 + 1).into(),
                "paragraph".into(),
                Cell::Null,
                source_title.as_str().into(),
                Cell::Null,
                text.as_str().into(),
                format!("{source_slug}:{n}").into(),
                format!("{}{}", state.base_url, paragraph_url(source_slug, *n)).into(),
            ],
        })
        .collect();
    Ok(Table {
        name: format!("search {}", query.raw),
        columns: columns(&[
            "rank",
            "kind",
            "slug",
            "title",
            "english",
            "text",
            "paragraphs",
            "url",
        ]),
        rows,
    })
}

/// Every file `/api/export/` serves, by name.
pub fn downloads() -> Vec<String> {
    let mut names: Vec<String> = DATASETS
        .iter()
        .map(|d| (*d).to_owned())
        .chain(Kind::ALL.iter().map(|k| k.plural().to_owned()))
        .flat_map(|d| [format!("{d}.csv"), format!("{d}.json")])
        .collect();
    names.extend(["search.csv?q=…".to_owned(), "search.json?q=…".to_owned()]);
    names.push(SNAPSHOT.to_owned());
    names
}

/// The SQLite snapshot's download name.
pub const SNAPSHOT: &str = "summitkb.sqlite";

fn unknown(name: &str) -> AppError {
    AppError::not_found_because(
        "download",
        format!(
            "no download {name:?}: the tables are {} and the kinds {} (each .csv or .json), \
         search.csv or search.json with ?q=, and {SNAPSHOT}",
            DATASETS.join(", "),
            Kind::ALL.map(Kind::plural).join(", ")
        ),
    )
}

/// `/api/export/{name}`: a table as `.csv` or `.json`, or the snapshot.
#[utoipa::path(get, path = "/api/v1/export/{name}", tag = "downloads",
    summary = "A download",
    description = "A table of the dataset (`records`, `citations`, `links`, `sources`, \
        `paragraphs`) or a kind's records (`projects`, …), whole, as `.csv` (RFC 4180, UTF-8 \
        with a byte-order mark, the provenance columns at the end of every row) or `.json` \
        (the same rows, provenance once); `search.csv` and `search.json` with `?q=` (and \
        `kind=`, `country=`) for every match of a search, ranked; `summitkb.sqlite`, the \
        database itself.",
    params(("name" = String, Path, description = "The file: `{table}.csv`, `{table}.json`, `search.csv`, `search.json` or `summitkb.sqlite`"),
        ("q" = Option<String>, Query, description = "For `search.*` only: the words to find"),
        ("kind" = Option<String>, Query, description = "For `search.*` only: only this kind"),
        ("country" = Option<String>, Query, description = "For `search.*` only: only records involving this country")),
    responses(
        (status = 200, description = "The file, as an attachment",
            content((ExportTableAnswer = "application/json"), (String = "text/csv"), (String = "application/vnd.sqlite3"))),
        (status = 400, description = "A search download without `q`", body = ErrorAnswer),
        (status = 404, description = "No such download: the error names them all", body = ErrorAnswer)))]
pub async fn download(
    State(state): State<AppState>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    params: Params,
) -> Result<Response, ApiError> {
    let Ok(Path(name)) = path else {
        return Err(AppError::NotFound.into());
    };
    // A search download takes the search's filters; the others nothing.
    let allowed: &[&str] = if name.starts_with("search.") {
        &["q", "kind", "country"]
    } else {
        &[]
    };
    refuse_unknown(&params, allowed)?;
    if name.starts_with("search.") {
        // Unknown filter values are refused, as the search answer refuses them.
        let mut problems = Vec::new();
        super::api::search_filters(&state, &params, &mut problems).await?;
        if !problems.is_empty() {
            return Err(AppError::BadRequest(problems).into());
        }
    }
    if name == SNAPSHOT {
        return Ok(snapshot(&state).await?);
    }
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return Err(unknown(&name).into());
    };
    let Some(format) = Format::parse(ext) else {
        return Err(AppError::not_found_because(
            "format",
            format!("no format {ext:?}: downloads are .csv (UTF-8 with BOM) or .json"),
        )
        .into());
    };
    let pool = &state.pool;
    let sources = queries::all_sources(pool).await?;
    let table = match stem {
        "records" => records_table(&state, None, "records").await?,
        "citations" => citations_table(&state).await?,
        "links" => links_table(&state).await?,
        "sources" => sources_table(&state, &sources).await?,
        "paragraphs" => paragraphs_table(&state).await?,
        "search" => search_table(&state, &params).await?,
        other => match Kind::from_plural(other) {
            Some(kind) => records_table(&state, Some(kind), other).await?,
            None => return Err(unknown(&name).into()),
        },
    };
    let provenance = Provenance {
        data_version: queries::data_version(pool).await?.unwrap_or_default(),
        attribution: attribution(&sources),
    };
    let (body, media) = match format {
        Format::Csv => (to_csv(&table, &provenance), "text/csv; charset=utf-8"),
        Format::Json => (to_json(&table, &provenance), "application/json"),
    };
    let file = if stem == "search" {
        format!("summitkb-search.{ext}")
    } else {
        format!("summitkb-{stem}.{ext}")
    };
    Ok((
        [
            (header::CONTENT_TYPE, media.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Refuses parameters beyond `allowed`, as every API endpoint does.
fn refuse_unknown(params: &Params, allowed: &[&str]) -> Result<(), AppError> {
    let problems = super::api::check_names(params, allowed);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::BadRequest(problems))
    }
}

/// The database file itself, as served: every table, for SQL.
async fn snapshot(state: &AppState) -> Result<Response, AppError> {
    let file = export::database_file(&state.pool)
        .await?
        .filter(|f| !f.is_empty())
        .ok_or(AppError::NotFound)?;
    let bytes = tokio::fs::read(&file).await.map_err(|e| {
        tracing::error!(error = %e, file, "cannot read the snapshot");
        AppError::NotFound
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.sqlite3".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{SNAPSHOT}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `/api/export`: what can be downloaded, with addresses.
#[utoipa::path(get, path = "/api/v1/export", tag = "downloads",
    summary = "The downloads",
    description = "Every file that can be downloaded, with its address, and what every file \
        says of itself: the data version, whose the source texts are, and the licence.",
    responses((status = 200, description = "The downloads", body = ExportIndexAnswer),
        (status = 400, description = "Refused: this endpoint takes no parameters", body = ErrorAnswer)))]
pub async fn index(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    refuse_unknown(&params, &[])?;
    let pool = &state.pool;
    let sources = queries::all_sources(pool).await?;
    let downloads = downloads()
        .into_iter()
        .map(|d| DownloadAnswer {
            url: format!("{}/api/export/{d}", state.base_url),
            name: d,
        })
        .collect();
    Ok(axum::Json(ExportIndexAnswer {
        data_version: queries::data_version(pool).await?.unwrap_or_default(),
        source_attribution: attribution(&sources),
        licence: LICENCE.to_owned(),
        downloads,
    })
    .into_response())
}
