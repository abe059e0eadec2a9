//! The map and timeline pages, and the map alone as SVG. Their layout is
//! computed by [`crate::pictures`] from query rows.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::lang::Lang;
use super::pager::{PAGE_SIZE, Pager, PagerView, answer_status, with_page};
use super::params::Params;
use super::{AppError, AppState, render};
use crate::db::queries;
use crate::pictures::{
    MAP_SHOWN, MAX_COUNTRIES_DRAWN, MapView, ROUTES_SHOWN, TimelineView, TimelineWhole,
    attach_statuses, build_map, lay_out_timeline_page, timeline_entries,
};

pub async fn load_map(state: &AppState) -> Result<MapView, AppError> {
    let pool = &state.pool;
    let most = MAX_COUNTRIES_DRAWN as i64;
    let shown = MAP_SHOWN as i64;
    let rows = queries::map_countries(pool).await?;
    let counts = queries::map_project_counts(pool, most).await?;
    let projects = queries::map_project_countries(pool, most, ROUTES_SHOWN as i64, shown).await?;
    let region_wide = queries::region_wide_outcomes(pool).await?;
    let statuses = crate::db::history::country_latest_statuses(pool, shown).await?;
    Ok(build_map(&rows, &projects, counts, region_wide).with_statuses(&statuses))
}

#[derive(Template)]
#[template(path = "map.html")]
pub struct MapPage {
    pub lang: Lang,
    pub q: String,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,
    pub map: MapView,
}

pub async fn map_page(State(state): State<AppState>, lang: Lang) -> Result<Response, AppError> {
    let map = load_map(&state).await?;
    render(&MapPage {
        jsonld: super::jsonld::script_text(&super::jsonld::web_page(
            &state.base_url,
            "/map",
            "地图 Map: the outcomes by country",
        )),
        lang,
        q: String::new(),
        map,
    })
}

/// The map alone, for embedding and for people who want the picture.
#[derive(Template)]
#[template(path = "map.svg")]
pub struct MapSvg {
    /// The picture as a file is in the Chinese edition's words.
    pub lang: Lang,
    pub map: MapView,
}

pub async fn map_svg(State(state): State<AppState>) -> Result<Response, AppError> {
    let map = load_map(&state).await?;
    let body = MapSvg {
        lang: Lang::Zh,
        map,
    }
    .render()?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

/// The timeline for the English edition: dates in English, the English of
/// each derivation, English names in the marks. The layout is the Chinese
/// one's, so both editions draw the same picture.
fn in_english(
    mut view: TimelineView,
    rows: &[queries::DatedRow],
    statuses: &[crate::db::history::StatusPointRow],
) -> TimelineView {
    use crate::dates::DateSpan;
    for (e, mark) in view
        .years
        .iter_mut()
        .flat_map(|g| g.entries.iter_mut())
        .zip(view.marks.iter_mut())
    {
        let row = rows.iter().find(|r| {
            r.slug == e.record.slug
                && DateSpan::parse(&r.date).is_ok_and(|d| d.to_string() == e.date)
        });
        if let Some(r) = row {
            if let Ok(d) = DateSpan::parse(&r.date) {
                e.date = super::views::english_date(&d);
            }
            if e.derivation.is_some() {
                e.derivation = r.derivation_en.clone().or(e.derivation.take());
            }
        }
        // Each status statement in its English, where it has one.
        let english = |date: &str, status: &str| {
            statuses
                .iter()
                .find(|s| s.slug == e.record.slug && s.date == date && s.status == status)
                .and_then(|s| s.status_en.clone())
        };
        for p in &mut mark.statuses {
            if let Some(en) = english(&p.date, &p.status) {
                p.status = en;
            }
        }
        let translated: Vec<Option<String>> =
            e.statuses.iter().map(|(d, s, _)| english(d, s)).collect();
        for ((_, s, _), en) in e.statuses.iter_mut().zip(translated) {
            if let Some(en) = en {
                *s = en;
            }
        }
        e.kind_label = e.record.kind.label_en();
        let name = e.record.english_label();
        mark.title = format!("{}: {name} ({})", e.date, e.basis_en);
        // A Chinese character is about twice as wide as a Latin letter.
        let room = 2 * mark.label.chars().count();
        let text = format!("{} {name}", e.date);
        mark.label = if text.chars().count() <= room {
            text
        } else {
            let mut cut: String = text.chars().take(room.saturating_sub(1)).collect();
            cut.push('…');
            cut
        };
    }
    view
}

#[derive(Template)]
#[template(path = "timeline.html")]
pub struct TimelinePage {
    pub lang: Lang,
    pub q: String,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,
    pub timeline: TimelineView,
    pub pager: PagerView,
    /// What was wrong with the request's `page`, if anything.
    pub problem: Option<String>,
}

/// The timeline in pages of [`PAGE_SIZE`] entries in date order, like the
/// lists: the picture and the list below it hold one page, so they stay
/// the same size however many dated records there are (the real data is
/// one page). A bad `page` answers 400 with the first page.
pub async fn timeline_page(
    State(state): State<AppState>,
    params: Params,
    lang: Lang,
) -> Result<Response, AppError> {
    let (stated, years) = queries::timeline_counts(&state.pool).await?;
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    let total: usize = years.iter().map(|(_, n)| count(*n)).sum();
    let whole = TimelineWhole {
        stated: count(stated),
        derived: total - count(stated).min(total),
        years: years
            .iter()
            .map(|(y, n)| (i32::try_from(*y).unwrap_or(0), count(*n)))
            .collect(),
    };
    let (pager, problem) = Pager::or_first(params.get("page"), total, PAGE_SIZE);
    // The page's records alone, and their status statements.
    let range = pager.range();
    let rows =
        queries::dated_records_page(&state.pool, range.start as i64, range.len() as i64).await?;
    let mut entries = timeline_entries(&rows, &[]);
    let slugs: Vec<&str> = entries.iter().map(|e| e.record.slug.as_str()).collect();
    let statuses = crate::db::history::status_points_of(&state.pool, &slugs).await?;
    attach_statuses(&mut entries, &statuses);
    let view = lay_out_timeline_page(entries, &whole, |i| {
        with_page("/timeline", pager.page_of(i))
    });
    let status = answer_status(&problem);
    let mut res = render(&TimelinePage {
        pager: pager.view(|n| with_page("/timeline", n)),
        problem,
        jsonld: super::jsonld::script_text(&super::jsonld::web_page(
            &state.base_url,
            "/timeline",
            "时间线 Timeline: every dated record",
        )),
        timeline: match lang {
            Lang::Zh => view,
            Lang::En => in_english(view, &rows, &statuses),
        },
        lang,
        q: String::new(),
    })?;
    *res.status_mut() = status;
    Ok(res)
}
