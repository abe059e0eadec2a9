//! The home page, kind lists and record pages.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::charts::load_map;
use super::views::{
    CitationView, EditorialView, EnglishBasisView, FieldView, LinkGroup, RecordRef,
    backlink_groups, link_groups,
};
use super::{AppError, AppState, render};
use crate::db::queries::{self, RecordRow};
use crate::model::{FieldName, Kind};
use crate::pictures::MapView;

/// Reads the data version from the database on every call, so a replica
/// whose database cannot be read reports it; `no-store` keeps the answer
/// out of the answer cache and any other.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let (status, body) = match queries::data_version(&state.pool).await {
        Ok(Some(version)) => (StatusCode::OK, format!("ok {version}\n")),
        Ok(None) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "no data loaded\n".to_owned(),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check cannot read the database");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database unreadable\n".to_owned(),
            )
        }
    };
    (status, [(header::CACHE_CONTROL, "no-store")], body)
}

/// One kind on the home page: its count and its first records.
pub struct KindSummary {
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub url: String,
    pub count: i64,
    pub items: Vec<RecordRef>,
}

/// The event a source reports on, at a glance.
pub struct Glance {
    pub record: RecordRef,
    pub summary: String,
    pub fields: Vec<FieldView>,
    pub links: Vec<LinkGroup>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub q: String,
    pub glances: Vec<Glance>,
    pub kinds: Vec<KindSummary>,
    pub countries: Vec<RecordRef>,
    pub sources: Vec<queries::SourceRow>,
    pub map: MapView,
}

/// Kinds shown as headline outcomes on the home page.
const HEADLINE_KINDS: [Kind; 6] = [
    Kind::Agreement,
    Kind::Project,
    Kind::Initiative,
    Kind::Figure,
    Kind::Quote,
    Kind::Event,
];

pub async fn home(State(state): State<AppState>) -> Result<Response, AppError> {
    let pool = &state.pool;
    let mut glances = Vec::new();
    for r in queries::subject_records(pool).await? {
        glances.push(Glance {
            record: RecordRef::from(&r),
            summary: r.summary.clone(),
            fields: fields_of(pool, r.id).await?,
            links: link_groups(&queries::links_from(pool, r.id).await?),
        });
    }
    let counts: BTreeMap<Kind, i64> = queries::kind_counts(pool).await?.into_iter().collect();
    let mut kinds = Vec::new();
    for k in HEADLINE_KINDS {
        let records = queries::first_records_of_kind(pool, k, 6).await?;
        kinds.push(KindSummary {
            label_zh: k.label_zh(),
            label_en: k.label_en(),
            url: format!("/{}", k.plural()),
            count: counts.get(&k).copied().unwrap_or(0),
            items: records.iter().map(RecordRef::from).collect(),
        });
    }
    let countries = queries::records_of_kind(pool, Kind::Country)
        .await?
        .iter()
        .map(RecordRef::from)
        .collect();
    render(&HomePage {
        q: String::new(),
        glances,
        kinds,
        countries,
        sources: queries::all_sources(pool).await?,
        map: load_map(&state).await?,
    })
}

async fn fields_of(pool: &sqlx::SqlitePool, id: i64) -> Result<Vec<FieldView>, AppError> {
    let rows = queries::record_fields(pool, id).await?;
    // Show fields in the order the kind defines them.
    let mut fields: Vec<FieldView> = FieldName::ALL
        .into_iter()
        .filter_map(|f| rows.iter().find(|r| r.name == f.as_str()))
        .map(|r| FieldView::new(&r.name, &r.value))
        .collect();
    fields.dedup_by(|a, b| a.name == b.name);
    Ok(fields)
}

/// A record in a list: its reference, summary, key fields and countries.
pub struct ListItem {
    pub record: RecordRef,
    pub summary: String,
    pub fields: Vec<FieldView>,
    pub countries: Vec<RecordRef>,
}

pub struct ListGroup {
    pub label: String,
    pub id: String,
    pub items: Vec<ListItem>,
}

#[derive(Template)]
#[template(path = "kind_list.html")]
pub struct KindListPage {
    pub q: String,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub count: usize,
    pub group_label: Option<(&'static str, &'static str)>,
    pub groups: Vec<ListGroup>,
    /// Projects and agreements again, by country.
    pub by_country: Vec<ListGroup>,
}

/// The field a kind's list page groups by.
fn group_field(kind: Kind) -> Option<FieldName> {
    match kind {
        Kind::Agreement => Some(FieldName::Form),
        Kind::Project => Some(FieldName::Sector),
        Kind::Initiative | Kind::Event | Kind::Organization => Some(FieldName::Type),
        _ => None,
    }
}

pub async fn kind_list(
    State(state): State<AppState>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response, AppError> {
    let Ok(Path(plural)) = path else {
        return Err(AppError::NotFound);
    };
    let kind = Kind::from_plural(&plural).ok_or(AppError::NotFound)?;
    let pool = &state.pool;
    let records = queries::records_of_kind(pool, kind).await?;
    let fields = queries::fields_of_kind(pool, kind).await?;
    let links = queries::links_from_kind(pool, kind).await?;

    // Rows by record, so building the page is linear in the records: the
    // list must stay fast when a kind has thousands of them.
    let mut fields_of: HashMap<i64, Vec<&queries::FieldRow>> = HashMap::new();
    for f in &fields {
        fields_of.entry(f.record_id).or_default().push(f);
    }
    let mut countries_of: HashMap<i64, Vec<&queries::LinkPairRow>> = HashMap::new();
    for l in links.iter().filter(|l| l.kind == Kind::Country) {
        countries_of.entry(l.from_id).or_default().push(l);
    }
    let field = |r: &RecordRow, name: FieldName| {
        fields_of
            .get(&r.id)
            .and_then(|fs| fs.iter().find(|x| x.name == name.as_str()))
            .copied()
    };

    let item = |r: &RecordRow| ListItem {
        record: RecordRef::from(r),
        summary: r.summary.clone(),
        fields: FieldName::ALL
            .into_iter()
            .filter(|f| Some(*f) != group_field(kind) && list_shows(kind, *f))
            .filter_map(|f| field(r, f))
            .map(|x| FieldView::new(&x.name, &x.value))
            .collect(),
        countries: countries_of
            .get(&r.id)
            .into_iter()
            .flatten()
            .map(|l| RecordRef::new(l.kind, &l.slug, &l.title, l.english.as_deref()))
            .collect(),
    };

    let groups = match group_field(kind) {
        Some(f) => {
            let mut order: Vec<String> = Vec::new();
            let mut grouped: HashMap<String, Vec<ListItem>> = HashMap::new();
            for r in &records {
                let value = field(r, f)
                    .map(|x| x.value.clone())
                    .unwrap_or_else(|| "其他".to_owned());
                let entry = grouped.entry(value.clone()).or_default();
                if entry.is_empty() {
                    order.push(value);
                }
                entry.push(item(r));
            }
            order
                .into_iter()
                .enumerate()
                .map(|(i, label)| ListGroup {
                    items: grouped.remove(&label).unwrap_or_default(),
                    label,
                    id: format!("g{}", i + 1),
                })
                .collect()
        }
        None => vec![ListGroup {
            label: String::new(),
            id: "all".to_owned(),
            items: records.iter().map(item).collect(),
        }],
    };

    let by_country = if matches!(kind, Kind::Project | Kind::Agreement) {
        // Countries in order of first mention, each with its records in order.
        let mut order: Vec<(&str, &str)> = Vec::new();
        let mut members: HashMap<&str, Vec<&RecordRow>> = HashMap::new();
        for r in &records {
            for l in countries_of.get(&r.id).into_iter().flatten() {
                let list = members.entry(l.slug.as_str()).or_default();
                if list.is_empty() {
                    order.push((&l.slug, &l.title));
                }
                if list.last().is_none_or(|last| last.id != r.id) {
                    list.push(r);
                }
            }
        }
        order
            .into_iter()
            .map(|(slug, title)| ListGroup {
                id: format!("c-{slug}"),
                label: title.to_owned(),
                items: members[slug].iter().map(|r| item(r)).collect(),
            })
            .collect()
    } else {
        Vec::new()
    };

    render(&KindListPage {
        q: String::new(),
        label_zh: kind.label_zh(),
        label_en: kind.label_en(),
        count: records.len(),
        group_label: group_field(kind).map(FieldName::labels),
        groups,
        by_country,
    })
}

/// Fields worth a place in a list row (long ones stay on the record page).
fn list_shows(kind: Kind, f: FieldName) -> bool {
    match kind {
        Kind::Quote => matches!(f, FieldName::QuoteType),
        Kind::Figure => matches!(
            f,
            FieldName::Original | FieldName::Normalized | FieldName::Period
        ),
        _ => !matches!(f, FieldName::Words | FieldName::Original),
    }
}

#[derive(Template)]
#[template(path = "record.html")]
pub struct RecordPage {
    pub q: String,
    pub record: RecordRef,
    pub kind_label_zh: &'static str,
    pub kind_label_en: &'static str,
    pub kind_url: String,
    pub english_note: Option<String>,
    /// Whether the English name is official (with its reference) or ours.
    pub english_basis: Option<EnglishBasisView>,
    /// What the record adds from outside its sources, shown apart.
    pub editorial: Vec<EditorialView>,
    pub summary: String,
    pub aliases: Vec<String>,
    pub words: Option<String>,
    pub fields: Vec<FieldView>,
    pub links: Vec<LinkGroup>,
    pub backlinks: Vec<LinkGroup>,
    pub citations: Vec<CitationView>,
    /// Status over time, the sources cited and where they disagree.
    pub history: super::history::RecordHistory,
}

pub async fn record(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<Response, AppError> {
    let Ok(Path((plural, slug))) = path else {
        return Err(AppError::NotFound);
    };
    let kind = Kind::from_plural(&plural).ok_or(AppError::NotFound)?;
    let pool = &state.pool;
    let r = queries::record_by_kind_and_slug(pool, kind, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut fields = fields_of(pool, r.id).await?;
    // A quote's words are the page's centrepiece, not a row in the table.
    let words = fields
        .iter()
        .position(|f| f.name == "words")
        .map(|i| fields.remove(i).value);
    let errata = queries::errata(pool).await?;
    let citations: Vec<CitationView> = queries::record_citations(pool, r.id)
        .await?
        .iter()
        .map(|c| CitationView::new(c, &r.slug, &errata))
        .collect();
    let history = super::history::RecordHistory::load(pool, r.id, &citations).await?;
    render(&RecordPage {
        q: String::new(),
        kind_label_zh: kind.label_zh(),
        kind_label_en: kind.label_en(),
        kind_url: format!("/{}", kind.plural()),
        english_note: r.english_note.clone(),
        english_basis: EnglishBasisView::from_row(
            &queries::record_english_basis(pool, r.id).await?,
        ),
        editorial: queries::record_editorial(pool, r.id)
            .await?
            .iter()
            .map(EditorialView::from)
            .collect(),
        summary: r.summary.clone(),
        aliases: queries::record_aliases(pool, r.id).await?,
        words,
        fields,
        links: link_groups(&queries::links_from(pool, r.id).await?),
        backlinks: backlink_groups(&queries::links_to(pool, r.id).await?),
        citations,
        history,
        record: RecordRef::from(&r),
    })
}
