//! The map and timeline pages, and the map alone as SVG. Their layout is
//! computed by [`crate::pictures`] from query rows.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{AppError, AppState, render};
use crate::db::queries;
use crate::pictures::{MapView, TimelineView, build_map, build_timeline};

pub async fn load_map(state: &AppState) -> Result<MapView, AppError> {
    let rows = queries::map_countries(&state.pool).await?;
    let projects = queries::project_countries(&state.pool).await?;
    let region_wide = queries::region_wide_outcomes(&state.pool).await?;
    let statuses = crate::db::history::country_latest_statuses(&state.pool).await?;
    Ok(build_map(&rows, &projects, region_wide).with_statuses(&statuses))
}

#[derive(Template)]
#[template(path = "map.html")]
pub struct MapPage {
    pub q: String,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,
    pub map: MapView,
}

pub async fn map_page(State(state): State<AppState>) -> Result<Response, AppError> {
    let map = load_map(&state).await?;
    render(&MapPage {
        jsonld: super::jsonld::script_text(&super::jsonld::web_page(
            &state.base_url,
            "/map",
            "地图 Map: the outcomes by country",
        )),
        q: String::new(),
        map,
    })
}

/// The map alone, for embedding and for people who want the picture.
#[derive(Template)]
#[template(path = "map.svg")]
pub struct MapSvg {
    pub map: MapView,
}

pub async fn map_svg(State(state): State<AppState>) -> Result<Response, AppError> {
    let map = load_map(&state).await?;
    let body = MapSvg { map }.render()?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "timeline.html")]
pub struct TimelinePage {
    pub q: String,
    /// schema.org JSON-LD for the page, serialised (src/web/jsonld.rs).
    pub jsonld: String,
    pub timeline: TimelineView,
}

pub async fn timeline_page(State(state): State<AppState>) -> Result<Response, AppError> {
    let rows = queries::dated_records(&state.pool).await?;
    let statuses = crate::db::history::status_points(&state.pool).await?;
    render(&TimelinePage {
        jsonld: super::jsonld::script_text(&super::jsonld::web_page(
            &state.base_url,
            "/timeline",
            "时间线 Timeline: every dated record",
        )),
        q: String::new(),
        timeline: build_timeline(&rows, &statuses),
    })
}
