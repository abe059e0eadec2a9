//! The home page, kind lists and record pages.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::charts::load_map;
use super::cite::{CiteBlock, Linker, WordLink, cited_of};
use super::lang::Lang;
use super::pager::{PAGE_SIZE, Pager, PagerView, with_page};
use super::params::Params;
use super::views::{
    BACKLINKS_SHOWN, BacklinkGroup, CitationView, CitedParagraphView, EditorialView,
    EnglishBasisView, FieldView, LinkGroup, RecordRef, SCOPE_SHOWN, Scope, ScopeView,
    bounded_backlinks, cited_paragraphs, link_groups, scopes,
};
use super::{AppError, AppState, jsonld, render};
use crate::db::lists::{self, ListGroup, ListView};
use crate::db::queries::{self, RecordRow};
use crate::lists::{Column, Content, Grouping, OTHER, columns, groupings};
use crate::model::{FieldName, Kind, LinkRole};
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
    pub summary_en: Option<String>,
    pub fields: Vec<FieldView>,
    pub links: Vec<LinkGroup>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub lang: Lang,
    pub q: String,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,
    pub glances: Vec<Glance>,
    pub kinds: Vec<KindSummary>,
    /// Countries that took part in the events the sources report on.
    pub participants: Vec<RecordRef>,
    /// Other countries with a record: the sources mention them, and they
    /// are not participants (Afghanistan, a country to be helped).
    pub mentioned: Vec<RecordRef>,
    pub scope: Scope,
    pub sources: Vec<queries::SourceRow>,
    pub map: MapView,
    /// How many of each group there are in all, for the links to the rest.
    pub more: HomeMore,
}

/// The size of each home page group over the whole data.
pub struct HomeMore {
    pub glances: usize,
    pub participants: usize,
    pub mentioned: usize,
    pub sources: usize,
}

/// How much of each group the home page shows: the top of each, with a
/// link to the full list when there is more (the real data fits whole).
struct HomeBound {
    glances: usize,
    countries: usize,
    sources: usize,
}

const HOME_BOUND: HomeBound = HomeBound {
    glances: 3,
    countries: 30,
    sources: 10,
};

/// Kinds shown as headline outcomes on the home page.
const HEADLINE_KINDS: [Kind; 6] = [
    Kind::Agreement,
    Kind::Project,
    Kind::Initiative,
    Kind::Figure,
    Kind::Quote,
    Kind::Event,
];

pub async fn home(State(state): State<AppState>, lang: Lang) -> Result<Response, AppError> {
    let pool = &state.pool;
    let mut glances = Vec::new();
    let mut taking_part: Vec<String> = Vec::new();
    let subjects_total = queries::subject_count(pool).await? as usize;
    for r in queries::first_subject_records(pool, HOME_BOUND.glances as i64).await? {
        let links = queries::links_from(pool, r.id).await?;
        taking_part.extend(
            links
                .iter()
                .filter(|l| {
                    l.kind == Kind::Country
                        && [LinkRole::Participants, LinkRole::Host]
                            .iter()
                            .any(|role| role.as_str() == l.role)
                })
                .map(|l| l.slug.clone()),
        );
        glances.push(Glance {
            record: RecordRef::from(&r),
            summary: r.summary.clone(),
            summary_en: r.summary_en.clone(),
            fields: fields_of(pool, r.id).await?,
            links: link_groups(&links),
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
    let (mut participants, mut mentioned): (Vec<RecordRef>, Vec<RecordRef>) =
        queries::records_of_kind(pool, Kind::Country)
            .await?
            .iter()
            .map(RecordRef::from)
            .partition(|c| taking_part.contains(&c.slug));
    let (participants_total, mentioned_total) = (participants.len(), mentioned.len());
    participants.truncate(HOME_BOUND.countries);
    mentioned.truncate(HOME_BOUND.countries);
    // The sources the page names, which its Dataset names as what it is
    // based on: every source's entry made the page 355 KB at 1000 sources.
    let sources = queries::first_sources(pool, HOME_BOUND.sources as i64).await?;
    let sources_total = queries::source_count(pool).await? as usize;
    render(&HomePage {
        jsonld: jsonld::script_text(&jsonld::dataset(
            &state.base_url,
            &queries::data_version(pool).await?.unwrap_or_default(),
            &sources,
            &super::export::downloads(),
            super::export::LICENCE,
        )),
        lang,
        q: String::new(),
        glances,
        more: HomeMore {
            glances: subjects_total,
            participants: participants_total,
            mentioned: mentioned_total,
            sources: sources_total,
        },
        kinds,
        participants,
        mentioned,
        scope: scope_of(pool, None, None).await?,
        sources,
        map: load_map(&state).await?,
    })
}

async fn fields_of(pool: &sqlx::SqlitePool, id: i64) -> Result<Vec<FieldView>, AppError> {
    let rows = queries::record_fields(pool, id).await?;
    // Show fields in the order the kind defines them.
    let mut fields: Vec<FieldView> = FieldName::ALL
        .into_iter()
        .filter_map(|f| rows.iter().find(|r| r.name == f.as_str()))
        .map(|r| FieldView::with_english(&r.name, &r.value, r.value_en.as_deref()))
        .collect();
    fields.dedup_by(|a, b| a.name == b.name);
    Ok(fields)
}

/// One cell: text, or records as links.
pub struct CellView {
    pub text: String,
    /// The text for the English edition, where it has English.
    pub text_en: Option<String>,
    pub records: Vec<RecordRef>,
}

pub struct RowView {
    pub record: RecordRef,
    pub cells: Vec<CellView>,
}

pub struct TableGroup {
    /// Empty when the table is not grouped.
    pub label: String,
    /// The label for the English edition, where it has English.
    pub label_en: Option<String>,
    pub id: String,
    /// Rows in the group over every page.
    pub total: usize,
    /// The group's rows on this page.
    pub rows: Vec<RowView>,
}

/// A link to a group: to the page where it starts, with its size.
pub struct ChipView {
    pub label: String,
    pub label_en: Option<String>,
    pub url: String,
    pub count: usize,
}

/// A column header: its label, the link that sorts by it, and whether the
/// table is sorted by it now (for `aria-sort`).
pub struct HeaderView {
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub url: String,
    /// `ascending`, `descending`, or empty.
    pub sorted: &'static str,
}

/// A link to another grouping of the same list.
pub struct SwitchView {
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub url: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "kind_list.html")]
pub struct KindListPage {
    pub lang: Lang,
    pub q: String,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub count: usize,
    /// The one country the list is narrowed to (`?country=`), if any.
    pub country: Option<RecordRef>,
    /// The same view of the whole list, without the country.
    pub all_url: String,
    pub headers: Vec<HeaderView>,
    /// The groups with rows on this page.
    pub groups: Vec<TableGroup>,
    /// Every group, whichever page it is on.
    pub chips: Vec<ChipView>,
    pub pager: PagerView,
    pub switches: Vec<SwitchView>,
    /// Whether the rows are in the sources' order (no sort chosen).
    pub source_order: bool,
    pub source_order_url: String,
    /// What was wrong with the request's `sort`, `dir` or `group`, if anything.
    pub problem: Option<String>,
    pub scope: Scope,
}

/// The list's address with the given grouping and sort; defaults are left
/// out, so the plain address is the default view.
fn list_url(
    kind: Kind,
    country: Option<&str>,
    group: Grouping,
    sort: Option<(&str, bool)>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(c) = country {
        parts.push(format!("country={c}"));
    }
    if groupings(kind).first() != Some(&group) {
        parts.push(format!("group={}", group.key()));
    }
    if let Some((key, desc)) = sort {
        parts.push(format!("sort={key}"));
        if desc {
            parts.push("dir=desc".to_owned());
        }
    }
    let base = format!("/{}", kind.plural());
    if parts.is_empty() {
        base
    } else {
        format!("{base}?{}", parts.join("&amp;").replace("&amp;", "&"))
    }
}

/// The sort a list is in, as its address names it: the column's key and
/// whether descending; `None` for the sources' order.
fn sort_now_of(sort: Option<Option<Column>>, desc: bool) -> Option<(&'static str, bool)> {
    sort.map(|c| (c.map_or("title", Column::key), desc))
}

pub async fn kind_list(
    State(state): State<AppState>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    params: Params,
    lang: Lang,
) -> Result<Response, AppError> {
    let Ok(Path(plural)) = path else {
        return Err(AppError::NotFound);
    };
    let kind = Kind::from_plural(&plural).ok_or(AppError::NotFound)?;
    let pool = &state.pool;

    // The request's view: unknown values are named on the page, which then
    // shows the default view.
    let mut problems: Vec<String> = Vec::new();
    // `country`: the records naming one country, in any role (a party, a
    // country involved or only mentioned, a host, a member): the records a
    // country's page lists as linking to it, and the full list the map's
    // and the country page's shortened lists link to.
    let country = match params.get("country") {
        None => None,
        Some(slug) => match queries::record_by_kind_and_slug(pool, Kind::Country, slug).await? {
            Some(c) => Some(RecordRef::from(&c)),
            None => {
                problems.push(match lang {
                    Lang::Zh => format!("没有“{slug}”这个国家 (no country “{slug}”)"),
                    Lang::En => format!("There is no country “{slug}”"),
                });
                None
            }
        },
    };
    let only = country.as_ref().map(|c| c.slug.as_str());
    let offered = groupings(kind);
    let group = match params.get("group") {
        None => offered[0],
        Some(g) => offered
            .iter()
            .copied()
            .find(|o| o.key() == g)
            .unwrap_or_else(|| {
                problems.push(match lang {
                    Lang::Zh => format!("没有“{g}”这种分组 (no grouping “{g}”)"),
                    Lang::En => format!("There is no grouping “{g}”"),
                });
                offered[0]
            }),
    };
    let sort: Option<Option<Column>> = match params.get("sort") {
        None => None,
        Some("title") => Some(None),
        Some(k) => match columns(kind).iter().copied().find(|c| c.key() == k) {
            Some(c) => Some(Some(c)),
            None => {
                problems.push(match lang {
                    Lang::Zh => format!("不能按“{k}”排序 (cannot sort by “{k}”)"),
                    Lang::En => format!("This list cannot be sorted by “{k}”"),
                });
                None
            }
        },
    };
    let desc = match params.get("dir") {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(d) => {
            problems.push(match lang {
                Lang::Zh => {
                    format!("排序方向只能是 asc 或 desc (direction “{d}” is not asc or desc)")
                }
                Lang::En => format!("The direction “{d}” is not asc or desc"),
            });
            false
        }
    };

    // The view's groups and the page's rows, in SQL.
    let view = ListView {
        kind,
        country: only,
        grouping: group,
        sort,
        desc,
    };
    let mut answer = lists::list_counts(pool, &view).await?;
    let pager = match Pager::parse(params.get("page"), answer.entries(), PAGE_SIZE) {
        Ok(p) => p,
        Err((p, why)) => {
            problems.push(why);
            p
        }
    };
    let rows = lists::list_rows(pool, &view, &answer, pager.range()).await?;

    // The cells of the page's rows alone.
    let ids: Vec<i64> = rows.iter().map(|r| r.record_id).collect();
    let records: HashMap<i64, RecordRow> = queries::records_by_ids(pool, &ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let fields = queries::fields_of_records(pool, &ids).await?;
    let links = queries::links_from_records(pool, &ids).await?;
    let mut fields_of: HashMap<i64, Vec<&queries::FieldRow>> = HashMap::new();
    for f in &fields {
        fields_of.entry(f.record_id).or_default().push(f);
    }
    let mut links_of: HashMap<i64, Vec<&queries::LinkPairRow>> = HashMap::new();
    for l in &links {
        links_of.entry(l.from_id).or_default().push(l);
    }
    let cell = |id: i64, col: Column| match col.content() {
        Content::Field(f) => {
            let row = fields_of
                .get(&id)
                .and_then(|fs| fs.iter().find(|x| x.name == f.as_str()));
            let view =
                row.map(|x| FieldView::with_english(f.as_str(), &x.value, x.value_en.as_deref()));
            CellView {
                text_en: view.as_ref().and_then(|v| v.value_en.clone()),
                text: view.map(|v| v.value).unwrap_or_default(),
                records: Vec::new(),
            }
        }
        Content::Links(role, only) => CellView {
            text: String::new(),
            text_en: None,
            records: links_of
                .get(&id)
                .into_iter()
                .flatten()
                .filter(|l| l.role == role.as_str() && only.is_none_or(|k| l.kind == k))
                .map(|l| RecordRef::new(l.kind, &l.slug, &l.title, l.english.as_deref()))
                .collect(),
        },
    };
    // The mentioned column only where some record mentions a country.
    let shown: Vec<Column> = columns(kind)
        .iter()
        .copied()
        .filter(|c| *c != Column::Mentioned || answer.mentions_countries)
        .filter(|c| !matches!((c, group), (Column::Field(f), Grouping::Field(g)) if *f == g))
        .collect();

    // The groups: a chip for each, and a table for each with rows on this
    // page. An empty list without grouping still has its one, empty, table.
    if answer.groups.is_empty() && group == Grouping::None {
        answer.groups.push(ListGroup {
            key: String::new(),
            title: None,
            english: None,
            count: 0,
        });
    }
    let range = pager.range();
    let mut chips = Vec::new();
    let mut groups: Vec<TableGroup> = Vec::new();
    for (i, (g, span)) in answer.groups.iter().zip(answer.spans()).enumerate() {
        let (label, label_en, id) = match group {
            Grouping::None => (String::new(), None, "all".to_owned()),
            Grouping::Field(_) if g.key == OTHER => (
                g.key.clone(),
                Some(OTHER_EN.to_owned()),
                format!("g{}", i + 1),
            ),
            Grouping::Field(_) => (g.key.clone(), g.english.clone(), format!("g{}", i + 1)),
            Grouping::Country(_) if g.key.is_empty() => (
                "无国家 No country".to_owned(),
                Some("No country".to_owned()),
                "c-none".to_owned(),
            ),
            Grouping::Country(_) => (
                g.title.clone().unwrap_or_default(),
                g.english.clone(),
                format!("c-{}", g.key),
            ),
        };
        let (start, end) = (span.start, span.end);
        chips.push(ChipView {
            label: label.clone(),
            label_en: label_en.clone(),
            // A group on this page is a jump within it.
            url: if pager.page_of(start) == pager.page {
                format!("#{id}")
            } else {
                format!(
                    "{}#{id}",
                    with_page(
                        &list_url(kind, only, group, sort_now_of(sort, desc)),
                        pager.page_of(start)
                    )
                )
            },
            count: g.count,
        });
        if start.max(range.start) >= end.min(range.end) && !(g.count == 0 && range.is_empty()) {
            continue;
        }
        groups.push(TableGroup {
            label,
            label_en,
            id,
            total: g.count,
            rows: rows
                .iter()
                .filter(|r| r.group == i)
                .filter_map(|r| records.get(&r.record_id))
                .map(|r| RowView {
                    record: RecordRef::from(r),
                    cells: shown.iter().map(|c| cell(r.id, *c)).collect(),
                })
                .collect(),
        });
    }

    let sort_now = sort_now_of(sort, desc).map(|(k, _)| k);
    let header = |key: &'static str, (zh, en): (&'static str, &'static str)| {
        let active = sort_now == Some(key);
        HeaderView {
            label_zh: zh,
            label_en: en,
            url: list_url(kind, only, group, Some((key, active && !desc))),
            sorted: match (active, desc) {
                (false, _) => "",
                (true, false) => "ascending",
                (true, true) => "descending",
            },
        }
    };
    let mut headers = vec![header("title", ("名称", "Name"))];
    headers.extend(shown.iter().map(|c| header(c.key(), c.labels())));
    let switches = offered
        .iter()
        .map(|g| {
            let (zh, en) = match g {
                Grouping::Field(f) => {
                    let (zh, en) = f.labels();
                    (zh, en)
                }
                Grouping::Country(_) => ("国家", "Country"),
                Grouping::None => ("不分组", "No grouping"),
            };
            SwitchView {
                label_zh: zh,
                label_en: en,
                url: list_url(kind, only, *g, sort_now.map(|k| (k, desc))),
                current: *g == group,
            }
        })
        .collect();

    // The page's records, in the sources' order, each once.
    let mut on_page: Vec<(i64, i64)> = rows.iter().map(|r| (r.position, r.record_id)).collect();
    on_page.sort_unstable();
    on_page.dedup();
    let items: Vec<(String, String)> = on_page
        .iter()
        .filter_map(|(_, id)| records.get(id))
        .map(|r| (r.title.clone(), crate::refs::record_url(kind, &r.slug)))
        .collect();
    let count = answer.records;
    let page = KindListPage {
        jsonld: jsonld::script_text(&jsonld::item_list(
            &state.base_url,
            &format!("{} {}", kind.label_zh(), kind.label_en()),
            &items,
        )),
        lang,
        q: String::new(),
        label_zh: kind.label_zh(),
        label_en: kind.label_en(),
        count,
        country: country.clone(),
        all_url: list_url(kind, None, group, sort_now_of(sort, desc)),
        headers,
        groups,
        chips,
        pager: pager.view(|n| with_page(&list_url(kind, only, group, sort_now_of(sort, desc)), n)),
        switches,
        source_order: sort.is_none(),
        source_order_url: list_url(kind, only, group, None),
        problem: (!problems.is_empty()).then(|| problems.join(lang.pick("；", "; "))),
        scope: {
            let mut scope = scope_of(pool, Some(kind), Some(count as i64)).await?;
            // Narrowed to a country, the one source holds just the page's records.
            if country.is_some() && scope.total == 1 {
                for s in &mut scope.shown {
                    s.this_kind = Some(count as i64);
                }
            }
            scope
        },
    };
    let status = if page.problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut res = render(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

/// The scope a page states: of every source (`kind` absent: the home page)
/// or of the sources a kind's records come from, with that kind's counts.
/// It reads the few sources it names, so it costs the same however many
/// sources there are.
pub async fn scope_of(
    pool: &sqlx::SqlitePool,
    kind: Option<Kind>,
    this_kind: Option<i64>,
) -> Result<Scope, AppError> {
    let total = queries::sources_with_records_count(pool, kind).await?;
    let sources = queries::latest_sources_with_records(pool, kind, SCOPE_SHOWN as i64).await?;
    let mut shown = scope_views(pool, &sources).await?;
    if let Some(kind) = kind {
        for s in &mut shown {
            s.this_kind = s
                .counts
                .iter()
                .find(|c| c.0 == kind.label_zh())
                .map(|c| c.3);
        }
    }
    Ok(Scope {
        total,
        this_kind,
        shown,
    })
}

/// The scope of each of `sources` that has records, read for them alone.
pub async fn scope_views(
    pool: &sqlx::SqlitePool,
    sources: &[queries::SourceRow],
) -> Result<Vec<ScopeView>, AppError> {
    let ids: Vec<i64> = sources.iter().map(|s| s.id).collect();
    Ok(scopes(
        sources,
        &queries::record_counts_of_sources(pool, &ids).await?,
        &queries::outcome_count_claims(pool, &ids).await?,
    ))
}

/// The English label of [`OTHER`], the group of records without a value
/// for the grouping field.
const OTHER_EN: &str = "Other";

#[derive(Template)]
#[template(path = "record.html")]
pub struct RecordPage {
    pub lang: Lang,
    pub q: String,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,
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
    pub summary_en: Option<String>,
    /// What the English page's title says: the English name, or for a
    /// record without one (a quote) its kind and the opening of its English
    /// summary, since a `<title>` cannot mark Chinese as Chinese.
    pub title_en: String,
    /// Whether the English summary is quoted from an official text.
    pub summary_en_official: bool,
    pub aliases: Vec<String>,
    /// The aliases with their basis and note, as shown.
    pub alias_bases: Vec<queries::AliasRow>,
    pub words: Option<String>,
    pub fields: Vec<FieldView>,
    pub links: Vec<LinkGroup>,
    pub backlinks: Vec<BacklinkGroup>,
    /// Each cited paragraph once, with all the spans the record cites in it.
    pub cited: Vec<CitedParagraphView>,
    /// Every citation style, and links to the cited words.
    pub cite: CiteBlock,
    /// Status over time, the sources cited and where they disagree.
    pub history: super::history::RecordHistory,
}

/// The record a `/{kind}/{slug}…` address names, or 404.
pub(super) async fn record_at(
    pool: &sqlx::SqlitePool,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<(Kind, RecordRow), AppError> {
    let Ok(Path((plural, slug))) = path else {
        return Err(AppError::NotFound);
    };
    let kind = Kind::from_plural(&plural).ok_or(AppError::NotFound)?;
    let r = queries::record_by_kind_and_slug(pool, kind, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((kind, r))
}

pub async fn record(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    lang: Lang,
) -> Result<Response, AppError> {
    let pool = &state.pool;
    let (kind, r) = record_at(pool, path).await?;
    let mut fields = fields_of(pool, r.id).await?;
    // A quote's words are the page's centrepiece, not a row in the table.
    let words = fields
        .iter()
        .position(|f| f.name == "words")
        .map(|i| fields.remove(i).value);
    let rows = queries::record_citations(pool, r.id).await?;
    // The sources this record cites, alone: the page costs the same however
    // many sources the knowledge base holds.
    let cited_sources: Vec<&str> = rows.iter().map(|c| c.source_slug.as_str()).collect();
    let sources = queries::sources_by_slugs(pool, &cited_sources).await?;
    let errata = queries::errata_of_sources(pool, &cited_sources).await?;
    let cite = record_cite_block(&state, kind, &rows, &r.slug).await?;
    let aliases = queries::record_aliases(pool, r.id).await?;
    let links = queries::links_from(pool, r.id).await?;
    let jsonld = jsonld::script_text(&jsonld::record(
        &state.base_url,
        &r,
        &aliases,
        &queries::record_fields(pool, r.id).await?,
        &links,
        &rows,
    ));
    let citations: Vec<CitationView> = rows
        .iter()
        .map(|c| CitationView::new(c, &r.slug, &errata))
        .collect();
    let history = super::history::RecordHistory::load(pool, r.id, &citations).await?;
    render(&RecordPage {
        jsonld,
        cite,
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
        title_en: english_title(&r),
        summary_en: r.summary_en.clone(),
        summary_en_official: r.summary_en_basis == Some(crate::model::EnglishBasis::Official),
        lang,
        aliases,
        alias_bases: queries::record_alias_bases(pool, r.id).await?,
        words,
        fields,
        links: link_groups(&links),
        backlinks: backlinks_of(pool, &r).await?,
        cited: cited_paragraphs(&rows, &r.slug, &errata)
            .into_iter()
            .map(|c| super::views::in_english(c, &sources))
            .collect(),
        history,
        record: RecordRef::from(&r),
    })
}

/// A record's backlinks by kind; for a country, counted and read from
/// `country_backlinks`, the first [`BACKLINKS_SHOWN`] of each kind.
async fn backlinks_of(
    pool: &sqlx::SqlitePool,
    r: &RecordRow,
) -> Result<Vec<super::views::BacklinkGroup>, AppError> {
    if r.kind != Kind::Country {
        return Ok(bounded_backlinks(
            &queries::links_to(pool, r.id).await?,
            None,
        ));
    }
    let totals = queries::country_backlink_counts(pool, r.id).await?;
    let mut rows = Vec::new();
    for (kind, _) in &totals {
        rows.extend(
            queries::first_country_backlinks(pool, r.id, *kind, BACKLINKS_SHOWN as i64).await?,
        );
    }
    Ok(bounded_backlinks(&rows, Some((r.slug.as_str(), &totals))))
}

/// A record's title in English: its English name, or its kind and the
/// first words of its English summary.
fn english_title(r: &RecordRow) -> String {
    if let Some(en) = &r.english {
        return en.clone();
    }
    let singular = r.kind.as_str();
    let kind = format!("{}{}", singular[..1].to_uppercase(), &singular[1..]);
    match &r.summary_en {
        Some(s) => {
            // Up to ten words, and none in Chinese, which a title cannot
            // mark as Chinese.
            let words: Vec<&str> = s.split_whitespace().collect();
            let kept: Vec<&str> = words
                .iter()
                .take(10)
                .take_while(|w| !super::lang::has_han(w))
                .copied()
                .collect();
            let mut gist = kept.join(" ");
            if kept.len() < words.len() {
                gist.push('…');
            }
            format!("{kind}: {gist}")
        }
        None => format!("{kind} {}", r.slug),
    }
}

/// A record's copy controls: its citations in every style, and a link to
/// each cited span in the full text of its source.
async fn record_cite_block(
    state: &AppState,
    kind: Kind,
    rows: &[queries::CitationRow],
    slug: &str,
) -> Result<CiteBlock, AppError> {
    let pool = &state.pool;
    let cited = cited_of(pool, &state.base_url, rows, slug).await?;
    let slugs: Vec<&str> = rows.iter().map(|c| c.source_slug.as_str()).collect();
    let linker = Linker::for_sources(pool, &state.base_url, &slugs).await?;
    let links = rows
        .iter()
        .enumerate()
        .map(|(i, c)| WordLink {
            id: format!("words-{}", i + 1),
            paragraph: c.paragraph,
            span: c.span.clone(),
            url: linker.link(
                &c.source_slug,
                c.paragraph,
                &c.paragraph_text,
                c.span_start,
                &c.span,
            ),
        })
        .collect();
    let path = format!("{}/cite", crate::refs::record_url(kind, slug));
    Ok(CiteBlock::new(&cited, &path, links, &state.base_url))
}
